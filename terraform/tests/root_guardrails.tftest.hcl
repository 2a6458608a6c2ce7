# The root's own checks of the real-time deployment guardrails (SageMaker's step sizes, the aws provider's
# 60-minute waiter), so that an error names the root variable; the endpoint module's tests cover the rest.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks/aws_root"
}

variables {
  region              = "eu-west-1"
  model_artifact_path = "tests/fixtures/model_artifact.txt"
  lambda_zip_path     = "tests/fixtures/lambda_package.txt"
  endpoint_type       = "real-time"
  real_time           = { initial_instance_count = 2, max_instance_count = 4 }
}

run "largest_canary_and_linear_steps_reach_the_endpoint" {
  command = plan

  variables {
    endpoint_deployment = { traffic_routing = "CANARY", canary_size_percent = 50, linear_step_size_percent = 50, maximum_execution_timeout_in_seconds = 3600 }
  }

  assert {
    condition     = module.endpoint.endpoint_name == "imdb-sentiment"
    error_message = "A canary of 50 %, linear steps of 50 % and a 60-minute execution timeout are within every limit."
  }
}

run "rejects_canary_over_half_the_fleet" {
  command = plan

  variables {
    endpoint_deployment = { traffic_routing = "CANARY", canary_size_percent = 51 }
  }

  expect_failures = [var.endpoint_deployment]
}

run "rejects_linear_step_below_ten_percent" {
  command = plan

  variables {
    endpoint_deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 9 }
  }

  expect_failures = [var.endpoint_deployment]
}

run "rejects_linear_step_over_half_the_fleet" {
  command = plan

  variables {
    endpoint_deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 51 }
  }

  expect_failures = [var.endpoint_deployment]
}

run "rejects_execution_timeout_beyond_the_provider_waiter" {
  command = plan

  variables {
    endpoint_deployment = { maximum_execution_timeout_in_seconds = 3601 }
  }

  expect_failures = [var.endpoint_deployment]
}

run "rejects_execution_timeout_below_sagemakers_minimum" {
  command = plan

  variables {
    endpoint_deployment = { maximum_execution_timeout_in_seconds = 599 }
  }

  expect_failures = [var.endpoint_deployment]
}

# How the Lambda waits for the endpoint follows the endpoint type (docs/operations.md, "Timeouts and serverless cold
# starts"); the text-fallback alarm waits out the endpoint's rollout.

run "serverless_lambda_waits_once_through_a_cold_start" {
  command = plan

  variables {
    endpoint_type = "serverless"
  }

  assert {
    condition     = local.lambda_endpoint_timeouts == { connect_seconds = 2, read_seconds = 20, max_attempts = 1 }
    error_message = "A serverless endpoint's cold start happens inside the first read: one attempt of 20 s."
  }

  assert {
    condition     = module.endpoint.endpoint_rollout_seconds == 0
    error_message = "A serverless rollout has no traffic steps to wait out."
  }
}

run "real_time_lambda_retries_and_its_fallback_alarm_outwaits_the_canary" {
  command = plan

  variables {
    endpoint_deployment = { traffic_routing = "CANARY", canary_size_percent = 50, wait_interval_in_seconds = 600, termination_wait_in_seconds = 300 }
  }

  assert {
    condition     = local.lambda_endpoint_timeouts == { connect_seconds = 2, read_seconds = 8, max_attempts = 2 }
    error_message = "Warm real-time instances get two attempts of 8 s."
  }

  assert {
    condition     = module.endpoint.endpoint_rollout_seconds == 1500
    error_message = "The canary's two bakes of 600 s and the 300 s termination wait reach the Lambda's text-fallback alarm."
  }
}

run "lambda_endpoint_timeouts_override_the_defaults_attribute_by_attribute" {
  command = plan

  variables {
    endpoint_type            = "serverless"
    lambda_endpoint_timeouts = { read_seconds = 15 }
  }

  assert {
    condition     = local.lambda_endpoint_timeouts == { connect_seconds = 2, read_seconds = 15, max_attempts = 1 }
    error_message = "An attribute set in lambda_endpoint_timeouts replaces only that default."
  }
}

run "rejects_cold_start_alarm_at_the_lambda_read_timeout" {
  command = plan

  variables {
    endpoint_type   = "serverless"
    endpoint_alarms = { model_setup_time_maximum_ms = 20000 }
  }

  expect_failures = [var.endpoint_alarms]
}

run "cold_start_alarm_follows_a_longer_read_timeout" {
  command = plan

  variables {
    endpoint_type            = "serverless"
    lambda_endpoint_timeouts = { read_seconds = 22 }
    endpoint_alarms          = { model_setup_time_maximum_ms = 20000 }
  }

  assert {
    condition     = local.lambda_endpoint_timeouts.read_seconds == 22
    error_message = "A cold-start alarm below a longer read timeout must be accepted."
  }
}
