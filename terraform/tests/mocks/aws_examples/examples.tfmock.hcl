# The mocked AWS every example's plan tests run in (account, region us-east-1, and the ARNs and URLs the
# examples' outputs are checked against), loaded with `source` by examples/*/tests/.

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_region" {
  defaults = { name = "us-east-1" }
}

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_sagemaker_prebuilt_ecr_image" {
  defaults = {
    registry_id   = "683313688378"
    registry_path = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
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
  defaults = { id = "imdb-sentiment-models-0001", arn = "arn:aws:s3:::imdb-sentiment-models-0001" }
}

mock_resource "aws_api_gateway_stage" {
  defaults = { invoke_url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1" }
}

mock_resource "aws_appautoscaling_policy" {
  defaults = { arn = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:mock" }
}

mock_resource "aws_cloudfront_distribution" {
  defaults = { domain_name = "d111111abcdef8.cloudfront.net" }
}
