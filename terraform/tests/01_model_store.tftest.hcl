# Plan-level tests of modules/model_store on a mocked AWS provider.

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

variables {
  bucket_prefix = "imdb-sentiment-models-"
  artifact_path = "tests/fixtures/model_artifact.txt"
}

run "bucket_is_private_encrypted_and_versioned" {
  command = plan

  module {
    source = "./modules/model_store"
  }

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
    condition     = one([for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(rule.apply_server_side_encryption_by_default).sse_algorithm]) == "AES256"
    error_message = "Objects must be encrypted at rest by default."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (bucket owner enforced)."
  }
}

run "replaced_versions_expire" {
  command = plan

  module {
    source = "./modules/model_store"
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).noncurrent_version_expiration).noncurrent_days == 30
    error_message = "Replaced model versions expire after 30 days by default."
  }
}

run "no_lifecycle_rule_when_retention_is_null" {
  command = plan

  module {
    source = "./modules/model_store"
  }

  variables {
    noncurrent_version_expiration_days = null
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == 0
    error_message = "A null retention adds no lifecycle rule."
  }
}

run "bucket_policy_denies_insecure_transport" {
  command = plan

  module {
    source = "./modules/model_store"
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.deny_insecure_transport.statement :
      statement.effect == "Deny" && contains(statement.actions, "s3:*") && anytrue([
        for condition in statement.condition :
        condition.test == "Bool" && condition.variable == "aws:SecureTransport" && toset(condition.values) == toset(["false"])
      ])
    ])
    error_message = "The bucket policy must deny every S3 action when aws:SecureTransport is false."
  }

  assert {
    condition = toset(one(data.aws_iam_policy_document.deny_insecure_transport.statement).resources) == toset([
      "arn:aws:s3:::imdb-sentiment-models-0001",
      "arn:aws:s3:::imdb-sentiment-models-0001/*",
    ])
    error_message = "The TLS-only statement must cover the bucket and every object in it."
  }

  assert {
    condition     = aws_s3_bucket_policy.this.bucket == "imdb-sentiment-models-0001"
    error_message = "The policy must be attached to the model bucket."
  }
}

run "object_key_follows_artifact_content" {
  command = plan

  module {
    source = "./modules/model_store"
  }

  assert {
    condition     = aws_s3_object.model[0].key == "models/${filesha256("tests/fixtures/model_artifact.txt")}/model.tar.gz"
    error_message = "The object key must carry the artifact's SHA-256."
  }

  assert {
    condition     = output.model_s3_uri == "s3://imdb-sentiment-models-0001/models/${filesha256("tests/fixtures/model_artifact.txt")}/model.tar.gz"
    error_message = "model_s3_uri must name the uploaded object."
  }
}

run "new_artifact_gets_a_new_key" {
  command = plan

  module {
    source = "./modules/model_store"
  }

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

  module {
    source = "./modules/model_store"
  }

  variables {
    artifact_path = null
  }

  assert {
    condition     = length(aws_s3_object.model) == 0 && output.model_s3_uri == null
    error_message = "Without an artifact path nothing is uploaded."
  }
}

run "rejects_missing_artifact" {
  command = plan

  module {
    source = "./modules/model_store"
  }

  variables {
    artifact_path = "tests/fixtures/does-not-exist.tar.gz"
  }

  expect_failures = [var.artifact_path]
}

run "rejects_invalid_bucket_prefix" {
  command = plan

  module {
    source = "./modules/model_store"
  }

  variables {
    bucket_prefix = "Upper_Case"
  }

  expect_failures = [var.bucket_prefix]
}
