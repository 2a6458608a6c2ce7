# Plan-level tests of the root's access settings wired through to the modules (mocked AWS provider):
# API keys, the page's keyless route and URL, WAF and reserved concurrency defaults.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }

  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }

  mock_data "aws_sagemaker_prebuilt_ecr_image" {
    defaults = {
      registry_id   = "141502667606"
      registry_path = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }

  mock_resource "aws_sagemaker_endpoint" {
    defaults = { arn = "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/imdb-sentiment" }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:123456789012:function:imdb-sentiment-predict"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:imdb-sentiment-predict/invocations"
    }
  }

  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_api_gateway_resource" {
    defaults = { path = "/predict" }
  }

  mock_resource "aws_api_gateway_stage" {
    defaults = {
      invoke_url = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1"
      arn        = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/v1"
    }
  }

  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/imdb-sentiment-api/0001" }
  }

  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      domain_name = "d111111abcdef8.cloudfront.net"
      arn         = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
    }
  }

  mock_data "aws_cloudfront_cache_policy" {
    defaults = { id = "658327ea-f89d-4fab-a63d-7e88639e58f6" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" }
  }
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
