# Plan-level tests of the root's access settings wired through to the modules (mocked AWS provider):
# API keys, the page's keyless route and URL, WAF, and the fresh-account defaults (no stage logging without
# an account CloudWatch role, no reserved concurrency) with their opt-ins.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks/aws_root"
}

variables {
  region              = "eu-west-1"
  model_artifact_path = "tests/fixtures/model_artifact.txt"
  lambda_zip_path     = "tests/fixtures/lambda_package.txt"
  allowed_origins     = ["https://app.example.com"]
}

run "defaults_are_keyless_without_waf_and_leave_the_account_logging_role_alone" {
  command = plan

  assert {
    condition     = output.page_predict_url == output.predict_url && output.web_acl_arn == null
    error_message = "By default the page calls /predict and no web ACL is attached."
  }

  assert {
    condition     = module.api.cloudwatch_role_arn == null
    error_message = "The account-level API Gateway logging role is opt-in (never overwritten by default)."
  }

  # A fresh account has no API Gateway CloudWatch role and a Lambda concurrency quota of 10: it refuses stage
  # logging and any reservation, so the defaults ask for neither.
  assert {
    condition     = output.api_stage_logging_enabled == false && module.api.access_log_group_name == null
    error_message = "Without an account CloudWatch role (given or created) the stage must have no logging."
  }

  assert {
    condition     = module.inference_lambda.reserved_concurrent_executions == null
    error_message = "Reserved concurrency is opt-in (null: unreserved)."
  }
}

run "stage_logs_with_the_accounts_existing_role_and_a_reservation_reaches_the_function" {
  command = plan

  variables {
    existing_api_gateway_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
    lambda_reserved_concurrent_executions    = 50
  }

  assert {
    condition     = output.api_stage_logging_enabled && module.api.access_log_group_name == "/aws/apigateway/imdb-sentiment/v1/access" && module.api.cloudwatch_role_arn == null
    error_message = "existing_api_gateway_cloudwatch_role_arn must turn stage logging on without creating or registering a role."
  }

  assert {
    condition     = module.inference_lambda.reserved_concurrent_executions == 50
    error_message = "lambda_reserved_concurrent_executions must reach the function."
  }
}

run "stage_logs_with_the_role_it_creates" {
  command = plan

  variables {
    create_api_gateway_cloudwatch_role = true
  }

  assert {
    condition     = output.api_stage_logging_enabled
    error_message = "create_api_gateway_cloudwatch_role must turn stage logging on."
  }
}

run "api_keys_reach_the_api_and_the_page_calls_its_keyless_route" {
  command = plan

  variables {
    enable_web = true
    api_keys   = { partner = { rate_limit = 5, burst_limit = 10, quota_limit = 10000 } }
    waf        = {}
  }

  assert {
    condition     = output.page_predict_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/web-predict"
    error_message = "With api_keys the page must call the keyless route."
  }

  assert {
    condition     = keys(module.api.usage_plan_ids) == ["partner"]
    error_message = "api_keys must reach the API module (one usage plan per key)."
  }

  assert {
    condition     = output.web_acl_arn != null
    error_message = "waf must reach the API module."
  }
}
