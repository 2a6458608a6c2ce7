# Plan-level tests of the root's access settings wired through to the modules (mocked AWS provider):
# API keys, the page's keyless route and URL, WAF and reserved concurrency defaults.

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
