# The root stack's mocked AWS (account, region eu-west-1, the ARNs and URLs the modules wire together),
# loaded with `source` by the root plan tests.

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

mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/imdb-sentiment-api/0001" }
}

mock_resource "aws_lambda_alias" {
  defaults = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:imdb-sentiment-predict:live"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:imdb-sentiment-predict:live/invocations"
  }
}

mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
}

mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:imdb-sentiment-alarms" }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = { arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:mock" }
}
