# Plan tests of this example (run by `make tf-check`), on the real aws provider with fake credentials and no AWS
# call; the bucket's name is overridden so the policies and the backend file can be read at plan.
# The bucket's own hardening (private, encrypted, versioned, TLS only) is tested with modules/private_bucket.

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
  target          = module.bucket.aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "imdb-sentiment-tfstate-0001"
    arn = "arn:aws:s3:::imdb-sentiment-tfstate-0001"
  }
}

run "the_backend_file_locks_natively_and_encrypts" {
  command = plan

  assert {
    condition = alltrue([
      strcontains(output.backend_config, "bucket       = \"imdb-sentiment-tfstate-0001\""),
      strcontains(output.backend_config, "use_lockfile = true"),
      strcontains(output.backend_config, "encrypt      = true"),
      strcontains(output.backend_config, "region       = \"eu-west-1\""),
    ])
    error_message = "The printed backend file must name the bucket and region, lock with a lock file and encrypt."
  }
}

run "nobody_may_delete_the_bucket" {
  command = plan

  assert {
    condition = anytrue([
      for statement in jsondecode(data.aws_iam_policy_document.deletion_protection.json).Statement :
      statement.Effect == "Deny" && statement.Action == "s3:DeleteBucket" && statement.Principal == "*"
    ])
    error_message = "The bucket policy must deny s3:DeleteBucket to every principal."
  }

  assert {
    condition     = terraform_data.deletion_protection.triggers_replace == "imdb-sentiment-tfstate-0001"
    error_message = "The prevent_destroy marker must be replaced (so refused) whenever the bucket would be."
  }
}
