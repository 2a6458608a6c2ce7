# Plan tests of terraform/examples/ (mocked AWS provider): each example plans with its defaults, so the
# inputs it passes satisfy every module's validations and preconditions, and its modules are wired together.
# Local files come from tests/fixtures (paths are relative to terraform/, where `terraform test` runs).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks/aws"

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
}

variables {
  model_artifact_path = "tests/fixtures/model_artifact.txt"
  lambda_zip_path     = "tests/fixtures/lambda_package.txt"
}

run "serverless" {
  command = plan

  module {
    source = "./examples/serverless"
  }

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
}

run "real_time" {
  command = plan

  module {
    source = "./examples/real-time"
  }

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:imdb-sentiment-alarms"
  }

  assert {
    condition     = output.autoscaling_policy_arn != null
    error_message = "The real-time example must autoscale its instances."
  }

  assert {
    condition     = join(",", sort(keys(output.endpoint_alarm_names))) == "Invocation5XXErrors,ModelLatency"
    error_message = "The real-time example's guardrails roll back on the 5XX and latency alarms (no serverless cold-start alarm)."
  }
}

run "existing_model" {
  command = plan

  module {
    source = "./examples/existing-model"
  }

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
}

run "existing_model_new_uri_is_a_new_model" {
  command = plan

  module {
    source = "./examples/existing-model"
  }

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

  module {
    source = "./examples/existing-model"
  }

  variables {
    model_s3_uri = "https://my-training-bucket.s3.amazonaws.com/model.tar.gz"
  }

  expect_failures = [var.model_s3_uri]
}

run "with_web_site" {
  command = plan

  module {
    source = "./examples/with-web-site"
  }

  variables {
    web_source_dir = "../web"
  }

  assert {
    condition     = output.site_url == "https://d111111abcdef8.cloudfront.net/"
    error_message = "The web example must output the page's CloudFront URL."
  }

  assert {
    condition     = contains(module.web_site.uploaded_files, "config.js") && contains(module.web_site.uploaded_files, "index.html")
    error_message = "The web example must upload the page and its config.js (the API URL)."
  }
}
