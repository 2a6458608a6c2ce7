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

run "with_web_site" {
  command = plan

  variables {
    web_source_dir = "../../../web"
  }

  assert {
    condition     = output.site_url == "https://d111111abcdef8.cloudfront.net/"
    error_message = "The web example must output the page's CloudFront URL."
  }

  assert {
    condition     = contains(module.web_site.uploaded_files, "config.js") && contains(module.web_site.uploaded_files, "index.html")
    error_message = "The web example must upload the page and its config.js (the API URL)."
  }

  # A fresh account (no API Gateway CloudWatch role, a Lambda concurrency quota of 10) refuses stage logging
  # and any reservation: with only its documented inputs the example asks for neither.
  assert {
    condition     = output.stage_logging_enabled == false && module.inference_lambda.reserved_concurrent_executions == null
    error_message = "With its documented inputs the example must apply on a fresh account: no stage logging, no reserved concurrency."
  }
}

run "with_web_site_logs_with_the_account_role" {
  command = plan

  variables {
    web_source_dir                           = "../../../web"
    existing_api_gateway_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
  }

  assert {
    condition     = output.stage_logging_enabled
    error_message = "Given the account's existing CloudWatch role, the example's stage must log."
  }
}
