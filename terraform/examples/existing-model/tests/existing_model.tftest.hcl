# Plan tests of this example on a mocked AWS provider (run by `make tf-check`; a copy of the example does not
# need them): the inputs it passes satisfy every module's validations, and its modules are wired together.
# Here, not in terraform/tests/: an example is a root configuration with an import block, which Terraform
# refuses in a module (as a `run` block's `module` source would make it).

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws_examples"
}

variables {
  lambda_zip_path = "../../tests/fixtures/lambda_package.txt"
}

run "existing_model" {
  command = plan

  variables {
    model_s3_uri = "s3://my-training-bucket/output/imdb-sentiment-2026-11-27/output/model.tar.gz"
  }

  assert {
    condition     = can(regex("^imdb-sentiment-byo-[0-9a-f]{12}$", output.model_name))
    error_message = "The model must be named after the deployment and a hash of what it serves."
  }

  assert {
    condition     = endswith(output.predict_url, "/predict")
    error_message = "The existing-model example must output the POST /predict URL."
  }

  # A fresh account (no API Gateway CloudWatch role, a Lambda concurrency quota of 10) refuses stage logging
  # and any reservation: with only its documented inputs the example asks for neither.
  assert {
    condition     = output.stage_logging_enabled == false && module.inference_lambda.reserved_concurrent_executions == null
    error_message = "With its documented inputs the example must apply on a fresh account: no stage logging, no reserved concurrency."
  }
}

run "existing_model_new_uri_is_a_new_model" {
  command = plan

  variables {
    model_s3_uri = "s3://my-training-bucket/output/imdb-sentiment-2026-11-28/output/model.tar.gz"
  }

  assert {
    condition     = output.model_name != run.existing_model.model_name
    error_message = "A model at a new URI must get a new SageMaker model (and so a rollout)."
  }
}

run "existing_model_refuses_a_non_s3_uri" {
  command = plan

  variables {
    model_s3_uri = "https://my-training-bucket.s3.amazonaws.com/model.tar.gz"
  }

  expect_failures = [var.model_s3_uri]
}

run "existing_model_logs_with_the_account_role" {
  command = plan

  variables {
    model_s3_uri                             = "s3://my-training-bucket/output/imdb-sentiment-2026-11-27/output/model.tar.gz"
    existing_api_gateway_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
  }

  assert {
    condition     = output.stage_logging_enabled
    error_message = "Given the account's existing CloudWatch role, the example's stage must log."
  }
}
