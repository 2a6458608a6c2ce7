# The function's wait for the endpoint against its own timeout (and so API Gateway's 29 s), and the
# text-fallback alarm's patience during a canary or linear rollout. Plan-level, on a mocked AWS provider:
#   terraform -chdir=terraform/modules/inference_lambda test -filter=tests/timeouts.tftest.hcl

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-predict-lambda" }
  }
}

variables {
  function_name = "imdb-sentiment-predict"
  zip_path      = "../../tests/fixtures/lambda_package.txt"
  endpoint_name = "imdb-sentiment"
  endpoint_arn  = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/imdb-sentiment"
}

run "one_long_attempt_for_serverless_cold_starts_by_default" {
  command = plan

  # 1 x (2 + 20) s + no backoff = 22 s, ending 3 s before the 25 s timeout.

  assert {
    condition = alltrue([
      one(aws_lambda_function.this.environment).variables["ENDPOINT_CONNECT_TIMEOUT"] == "2",
      one(aws_lambda_function.this.environment).variables["ENDPOINT_READ_TIMEOUT"] == "20",
      one(aws_lambda_function.this.environment).variables["ENDPOINT_MAX_ATTEMPTS"] == "1",
    ])
    error_message = "The endpoint timeouts must reach the handler's environment."
  }
}

run "endpoint_wait_ending_a_second_before_the_timeout_is_accepted" {
  command = plan

  variables {
    # 2 x (2 + 10) s + 1 s of backoff = 25 s, plus the handler's second = the 26 s timeout.
    timeout           = 26
    endpoint_timeouts = { read_seconds = 10, max_attempts = 2 }
  }

  assert {
    condition     = aws_lambda_function.this.timeout == 26 && one(aws_lambda_function.this.environment).variables["ENDPOINT_READ_TIMEOUT"] == "10"
    error_message = "An endpoint wait that leaves the handler one second must be accepted."
  }
}

run "rejects_endpoint_wait_longer_than_the_function_timeout" {
  command = plan

  variables {
    # 2 x (2 + 11) s + 1 s = 27 s: the function would be killed first, and callers get API Gateway's 502.
    timeout           = 27
    endpoint_timeouts = { read_seconds = 11, max_attempts = 2 }
  }

  expect_failures = [var.endpoint_timeouts]
}

run "rejects_the_default_read_timeout_with_a_short_function_timeout" {
  command = plan

  variables {
    timeout = 20
  }

  expect_failures = [var.endpoint_timeouts]
}

run "rejects_more_attempts_than_the_budget_can_hold" {
  command = plan

  variables {
    endpoint_timeouts = { read_seconds = 1, max_attempts = 4 }
  }

  expect_failures = [var.endpoint_timeouts]
}

run "text_fallback_alarm_outwaits_a_canary_rollout" {
  command = plan

  variables {
    # A canary: 2 bakes of 600 s + 300 s termination wait = 1500 s = 25 one-minute periods, plus the 15.
    endpoint_rollout_seconds = 1500
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["text-fallback"].evaluation_periods == 40 && aws_cloudwatch_metric_alarm.this["text-fallback"].datapoints_to_alarm == 40
    error_message = "The text-fallback alarm must wait out the endpoint's rollout (25 periods) before its own 15."
  }
}

run "text_fallback_alarm_without_a_rollout_window" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["text-fallback"].evaluation_periods == 15
    error_message = "Without a rollout window (serverless) the alarm keeps its 15 periods."
  }
}
