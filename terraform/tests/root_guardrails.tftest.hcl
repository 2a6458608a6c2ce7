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
