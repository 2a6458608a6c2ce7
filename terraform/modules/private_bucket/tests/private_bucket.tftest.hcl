# Tests of this module (paths relative to the module):
#   terraform -chdir=terraform/modules/private_bucket init -backend=false && terraform -chdir=terraform/modules/private_bucket test
#
# The real aws provider runs here, with fake credentials and no AWS call. Plan runs override only the
# bucket (its name and ARN are otherwise known after apply). Terraform reads a data source that refers to
# a resource being created only at apply, so the policy runs are `command = apply` with every managed
# resource overridden (nothing reaches AWS): aws_iam_policy_document really merges the caller's statements
# with the module's, and the assertions read the policy S3 would receive. They come last: a plan after
# them would refresh their resources from AWS.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_resource {
  target          = aws_s3_bucket.this
  override_during = plan
  values = {
    id                          = "imdb-sentiment-models-0001"
    arn                         = "arn:aws:s3:::imdb-sentiment-models-0001"
    bucket_regional_domain_name = "imdb-sentiment-models-0001.s3.eu-west-1.amazonaws.com"
  }
}

variables {
  bucket_prefix = "imdb-sentiment-models-"
  tags          = { Project = "imdb-sentiment" }
  policy_documents = [jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowReaderRole"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:role/reader" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::imdb-sentiment-models-0001/*"
    }]
  })]
}

run "public_access_is_blocked_and_acls_are_off" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Every public access block setting must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (bucket owner enforced)."
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.this.bucket == "imdb-sentiment-models-0001" && aws_s3_bucket_ownership_controls.this.bucket == "imdb-sentiment-models-0001"
    error_message = "The settings must apply to this module's bucket."
  }
}

run "sse_s3_by_default" {
  command = plan

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Without a KMS key, objects are encrypted with S3-managed keys (AES256)."
  }

  assert {
    condition     = coalesce(one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id, "none") == "none"
    error_message = "SSE-S3 names no KMS key."
  }
}

run "sse_kms_when_a_key_is_given" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "A KMS key selects SSE-KMS."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "SSE-KMS must use the given key."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == true
    error_message = "SSE-KMS uses an S3 bucket key (fewer KMS requests)."
  }
}

run "rejects_a_kms_key_that_is_not_an_arn" {
  command = plan

  variables {
    kms_key_arn = "1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  expect_failures = [var.kms_key_arn]
}

run "versioning_is_on_and_replaced_versions_expire" {
  command = plan

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).noncurrent_version_expiration).noncurrent_days == 30
    error_message = "Replaced versions expire after 30 days by default."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).filter).prefix == ""
    error_message = "The lifecycle rule covers every object through filter { prefix = \"\" }, not an empty filter block."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).abort_incomplete_multipart_upload).days_after_initiation == 1
    error_message = "Incomplete multipart uploads are aborted after a day."
  }
}

run "no_lifecycle_rule_when_retention_is_null" {
  command = plan

  variables {
    noncurrent_version_expiration_days = null
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == 0
    error_message = "A null retention adds no lifecycle rule."
  }
}

run "bucket_is_named_and_tagged_by_the_caller" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.bucket_prefix == "imdb-sentiment-models-" && aws_s3_bucket.this.tags["Project"] == "imdb-sentiment"
    error_message = "The bucket takes the caller's prefix and tags."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "By default a bucket holding objects is not destroyed."
  }

  assert {
    condition     = output.bucket_id == "imdb-sentiment-models-0001" && output.bucket_arn == "arn:aws:s3:::imdb-sentiment-models-0001"
    error_message = "The outputs name this bucket."
  }
}

run "rejects_invalid_bucket_prefix" {
  command = plan

  variables {
    bucket_prefix = "Upper_Case"
  }

  expect_failures = [var.bucket_prefix]
}

run "one_policy_with_the_tls_deny_and_the_callers_statement" {
  # apply: see the header (every resource is overridden; nothing is created)
  command = apply

  override_resource {
    target = aws_s3_bucket.this
    values = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }

  override_resource {
    target = aws_s3_bucket_public_access_block.this
  }

  override_resource {
    target = aws_s3_bucket_ownership_controls.this
  }

  override_resource {
    target = aws_s3_bucket_server_side_encryption_configuration.this
  }

  override_resource {
    target = aws_s3_bucket_versioning.this
  }

  override_resource {
    target = aws_s3_bucket_lifecycle_configuration.this
  }

  override_resource {
    target = aws_s3_bucket_policy.this
  }

  assert {
    condition = (
      one([for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement if statement.Sid == "DenyInsecureTransport"]).Effect == "Deny" &&
      one([for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement if statement.Sid == "DenyInsecureTransport"]).Action == "s3:*" &&
      one([for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement if statement.Sid == "DenyInsecureTransport"]).Principal == "*" &&
      toset(one([for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement if statement.Sid == "DenyInsecureTransport"]).Resource) == toset(["arn:aws:s3:::imdb-sentiment-models-0001", "arn:aws:s3:::imdb-sentiment-models-0001/*"]) &&
      one([for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement if statement.Sid == "DenyInsecureTransport"]).Condition == { Bool = { "aws:SecureTransport" = "false" } }
    )
    error_message = "The bucket policy must deny every S3 action on the bucket and its objects without TLS."
  }

  assert {
    condition = [
      for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement
      if statement.Sid == "AllowReaderRole"
      ] == [{
        Sid       = "AllowReaderRole"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:role/reader" }
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::imdb-sentiment-models-0001/*"
    }]
    error_message = "The caller's statement must be in the same bucket policy."
  }

  assert {
    condition     = length(jsondecode(aws_s3_bucket_policy.this.policy).Statement) == 2 && aws_s3_bucket_policy.this.bucket == "imdb-sentiment-models-0001"
    error_message = "Exactly the caller's statement and the TLS deny, attached to this bucket."
  }

  assert {
    condition     = output.policy == aws_s3_bucket_policy.this.policy
    error_message = "The policy output is the attached policy."
  }
}

run "only_the_tls_deny_without_caller_statements" {
  # apply: see the header (every resource is overridden; nothing is created)
  command = apply

  override_resource {
    target = aws_s3_bucket.this
    values = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }

  override_resource {
    target = aws_s3_bucket_public_access_block.this
  }

  override_resource {
    target = aws_s3_bucket_ownership_controls.this
  }

  override_resource {
    target = aws_s3_bucket_server_side_encryption_configuration.this
  }

  override_resource {
    target = aws_s3_bucket_versioning.this
  }

  override_resource {
    target = aws_s3_bucket_lifecycle_configuration.this
  }

  override_resource {
    target = aws_s3_bucket_policy.this
  }

  variables {
    policy_documents = []
  }

  assert {
    condition     = [for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement.Sid] == ["DenyInsecureTransport"]
    error_message = "Without caller documents the policy holds the TLS deny alone."
  }
}

run "a_caller_cannot_replace_the_tls_deny" {
  # apply: see the header (every resource is overridden; nothing is created)
  command = apply

  override_resource {
    target = aws_s3_bucket.this
    values = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }

  override_resource {
    target = aws_s3_bucket_public_access_block.this
  }

  override_resource {
    target = aws_s3_bucket_ownership_controls.this
  }

  override_resource {
    target = aws_s3_bucket_server_side_encryption_configuration.this
  }

  override_resource {
    target = aws_s3_bucket_versioning.this
  }

  override_resource {
    target = aws_s3_bucket_lifecycle_configuration.this
  }

  override_resource {
    target = aws_s3_bucket_policy.this
  }

  variables {
    policy_documents = [jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::imdb-sentiment-models-0001/*"
      }]
    })]
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      statement.Effect == "Deny" if statement.Sid == "DenyInsecureTransport"
    ]) && length(jsondecode(aws_s3_bucket_policy.this.policy).Statement) == 1
    error_message = "A caller's statement with the module's sid is replaced by the TLS deny, never the other way round."
  }
}
