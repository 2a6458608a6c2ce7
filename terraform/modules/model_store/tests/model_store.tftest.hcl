# Tests of this module (paths relative to the module):
#   terraform -chdir=terraform/modules/model_store init -backend=false && terraform -chdir=terraform/modules/model_store test
#
# The bucket's hardening is the private_bucket submodule's and tested there; these runs test what this
# module adds: the model object, its key, the outputs, the inputs' checks, and that a caller's grant joins
# the bucket's one TLS-only policy.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }
}

# The real provider, offline (fake credentials, no AWS call), for the policy run: aws_iam_policy_document
# is computed by the provider itself, so the merged policy is the one S3 would receive.
provider "aws" {
  alias                       = "offline"
  region                      = "eu-west-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variables {
  bucket_prefix = "imdb-sentiment-models-"
  artifact_path = "tests/fixtures/model_artifact.txt"
}

run "bucket_comes_from_the_private_bucket_submodule" {
  command = plan

  assert {
    condition     = output.bucket_name == "imdb-sentiment-models-0001" && output.bucket_arn == "arn:aws:s3:::imdb-sentiment-models-0001"
    error_message = "bucket_name and bucket_arn name the private bucket."
  }

  assert {
    condition     = output.model_prefix_s3_uri == "s3://imdb-sentiment-models-0001/models/"
    error_message = "model_prefix_s3_uri is the key prefix in the private bucket."
  }

  assert {
    condition     = aws_s3_object.model[0].bucket == "imdb-sentiment-models-0001"
    error_message = "The model is uploaded to the private bucket."
  }
}

run "object_key_follows_artifact_content" {
  command = plan

  assert {
    condition     = aws_s3_object.model[0].key == "models/${filesha256("tests/fixtures/model_artifact.txt")}/model.tar.gz"
    error_message = "The object key must carry the artifact's SHA-256."
  }

  assert {
    condition     = output.model_s3_uri == "s3://imdb-sentiment-models-0001/models/${filesha256("tests/fixtures/model_artifact.txt")}/model.tar.gz"
    error_message = "model_s3_uri must name the uploaded object."
  }

  assert {
    condition     = output.artifact_sha256 == filesha256("tests/fixtures/model_artifact.txt") && output.model_object_key == aws_s3_object.model[0].key
    error_message = "artifact_sha256 and model_object_key describe the uploaded artifact."
  }
}

run "new_artifact_gets_a_new_key" {
  command = plan

  variables {
    artifact_path = "tests/fixtures/model_artifact_v2.txt"
  }

  assert {
    condition     = aws_s3_object.model[0].key != "models/${filesha256("tests/fixtures/model_artifact.txt")}/model.tar.gz"
    error_message = "A different artifact must be uploaded under a different key."
  }
}

run "no_upload_without_artifact" {
  command = plan

  variables {
    artifact_path = null
  }

  assert {
    condition     = length(aws_s3_object.model) == 0 && output.model_s3_uri == null && output.model_object_key == null
    error_message = "Without an artifact path nothing is uploaded."
  }
}

run "rejects_missing_artifact" {
  command = plan

  variables {
    artifact_path = "tests/fixtures/does-not-exist.tar.gz"
  }

  expect_failures = [var.artifact_path]
}

run "rejects_invalid_bucket_prefix" {
  command = plan

  variables {
    bucket_prefix = "Upper_Case"
  }

  expect_failures = [var.bucket_prefix]
}

run "rejects_a_fractional_retention" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 1.5
  }

  expect_failures = [var.noncurrent_version_expiration_days]
}

# apply on the offline provider with every managed resource overridden (nothing is created): a data
# source that refers to a bucket being created is read only at apply. Last, so no plan refreshes these.
run "a_grant_joins_the_tls_only_bucket_policy" {
  command   = apply
  providers = { aws = aws.offline }

  variables {
    artifact_path = null
    policy_documents = [jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AllowAnalyticsRead"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:role/analytics" }
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::imdb-sentiment-models-0001/models/*"
      }]
    })]
  }

  override_resource {
    target = module.bucket.aws_s3_bucket.this
    values = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_public_access_block.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_ownership_controls.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_server_side_encryption_configuration.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_versioning.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_lifecycle_configuration.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_policy.this
  }

  assert {
    condition     = toset([for statement in jsondecode(module.bucket.policy).Statement : statement.Sid]) == toset(["AllowAnalyticsRead", "DenyInsecureTransport"])
    error_message = "The caller's grant and the TLS-only deny are in the bucket's one policy."
  }

  assert {
    condition     = one([for statement in jsondecode(module.bucket.policy).Statement : statement.Effect if statement.Sid == "DenyInsecureTransport"]) == "Deny"
    error_message = "The TLS-only statement stays a deny."
  }
}
