# Plan tests of this example on a mocked AWS provider (run by `make tf-check`; a copy of the example does not
# need them): the inputs it passes satisfy every module's validations, and its modules are wired together.
# Here, not in terraform/tests/: an example is a root configuration with an import block, which Terraform
# refuses in a module (as a `run` block's `module` source would make it).

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws_examples"
}

variables {
  lambda_zip_path     = "../../tests/fixtures/lambda_package.txt"
  model_artifact_path = "../../tests/fixtures/model_artifact.txt"
}

run "serverless" {
  command = plan

  assert {
    condition     = output.endpoint_name == "imdb-sentiment-serverless" && output.predict_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1/predict"
    error_message = "The serverless example must name its endpoint after var.name and output the POST /predict URL."
  }

  assert {
    condition     = startswith(output.model_s3_uri, "s3://imdb-sentiment-models-0001/") && module.endpoint.autoscaling_policy_arn == null
    error_message = "The serverless example must serve the model it uploads, without instance autoscaling."
  }

  assert {
    condition     = contains(keys(module.endpoint.alarm_names), "ModelSetupTime")
    error_message = "A serverless endpoint has a cold-start (ModelSetupTime) alarm."
  }

  # A fresh account (no API Gateway CloudWatch role, a Lambda concurrency quota of 10) refuses stage logging
  # and any reservation: with only its documented inputs the example asks for neither.
  assert {
    condition     = output.stage_logging_enabled == false && module.inference_lambda.reserved_concurrent_executions == null
    error_message = "With its documented inputs the example must apply on a fresh account: no stage logging, no reserved concurrency."
  }
}

run "serverless_logs_with_the_account_role" {
  command = plan

  variables {
    existing_api_gateway_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
  }

  assert {
    condition     = output.stage_logging_enabled
    error_message = "Given the account's existing CloudWatch role, the example's stage must log."
  }
}
