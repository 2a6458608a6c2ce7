# The deployment guardrails SageMaker and the aws provider accept: traffic step sizes, the total time of a
# deployment against the provider's fixed 60-minute waiter, and rollback alarms that cannot change on a live
# endpoint. Plan-level, on a mocked AWS provider (paths relative to the module):
#   terraform -chdir=terraform/modules/sagemaker_endpoint test -filter=tests/guardrails.tftest.hcl

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-sagemaker" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# The same mocks generating values at apply time, for the runs that apply and then plan again.
mock_provider "aws" {
  alias  = "applying"
  source = "../../tests/mocks/aws"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-sagemaker" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name           = "imdb-sentiment"
  model_data_url = "s3://imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"
  artifact_hash  = "0123456789abcdef0123456789abcdef"
  endpoint_type  = "real-time"
  real_time      = { initial_instance_count = 2, max_instance_count = 4 }
}

# Traffic step sizes (TrafficRoutingConfig: canary <= 50 %, linear 10-50 %, whole instances).

run "canary_of_half_the_fleet_is_accepted" {
  command = plan

  variables {
    deployment = { traffic_routing = "CANARY", canary_size_percent = 50 }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].canary_size[0].value == 50
    error_message = "A canary of 50 % is SageMaker's largest and must be accepted."
  }
}

run "rejects_canary_over_half_the_fleet" {
  command = plan

  variables {
    deployment = { traffic_routing = "CANARY", canary_size_percent = 51 }
  }

  expect_failures = [var.deployment]
}

run "rejects_fractional_canary" {
  command = plan

  variables {
    deployment = { traffic_routing = "CANARY", canary_size_percent = 12.5 }
  }

  expect_failures = [var.deployment]
}

run "linear_steps_of_ten_and_fifty_percent_are_accepted" {
  command = plan

  variables {
    real_time  = { initial_instance_count = 10, max_instance_count = 10 }
    deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 10, wait_interval_in_seconds = 60 }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].linear_step_size[0].value == 10
    error_message = "A linear step of 10 % is SageMaker's smallest and must be accepted."
  }
}

run "rejects_linear_step_below_ten_percent" {
  command = plan

  variables {
    deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 9 }
  }

  expect_failures = [var.deployment]
}

run "rejects_linear_step_over_half_the_fleet" {
  command = plan

  variables {
    deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 51 }
  }

  expect_failures = [var.deployment]
}

run "rejects_canary_on_one_instance" {
  command = plan

  variables {
    real_time  = { initial_instance_count = 1 }
    deployment = { traffic_routing = "CANARY" }
  }

  expect_failures = [var.deployment]
}

run "rejects_linear_on_one_instance" {
  command = plan

  variables {
    real_time  = { initial_instance_count = 1 }
    deployment = { traffic_routing = "LINEAR" }
  }

  expect_failures = [var.deployment]
}

run "one_instance_deploys_all_at_once" {
  command = plan

  variables {
    real_time = { initial_instance_count = 1 }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].type == "ALL_AT_ONCE"
    error_message = "One instance with the default all-at-once deployment must be accepted."
  }
}

run "serverless_ignores_traffic_shifting_settings" {
  command = plan

  variables {
    endpoint_type = "serverless"
    real_time     = { initial_instance_count = 1 }
    deployment    = { traffic_routing = "CANARY", wait_interval_in_seconds = 3600, termination_wait_in_seconds = 3600 }
  }

  assert {
    condition     = length(aws_sagemaker_endpoint.this.deployment_config) == 0
    error_message = "Serverless endpoints set no deployment guardrails, so neither the instance rule nor the time budget applies."
  }
}

# The whole deployment against the provider's 60-minute waiter: 600 s provisioning + steps x wait + termination.

run "deployment_of_exactly_sixty_minutes_is_accepted" {
  command = plan

  variables {
    # 4 instances, steps of 10 % = 1 instance (at least one, rounded down): 4 steps x 750 s + 0 + 600 = 3600 s.
    real_time  = { initial_instance_count = 4, max_instance_count = 4 }
    deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 10, wait_interval_in_seconds = 750, termination_wait_in_seconds = 0 }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].wait_interval_in_seconds == 750
    error_message = "A deployment that fits the provider's waiter exactly must be accepted."
  }
}

run "rejects_linear_deployment_longer_than_the_provider_waits" {
  command = plan

  variables {
    # 4 steps x 751 s + 600 = 3604 s.
    real_time  = { initial_instance_count = 4, max_instance_count = 4 }
    deployment = { traffic_routing = "LINEAR", linear_step_size_percent = 10, wait_interval_in_seconds = 751, termination_wait_in_seconds = 0 }
  }

  expect_failures = [aws_sagemaker_endpoint.this]
}

run "rejects_canary_deployment_longer_than_the_provider_waits" {
  command = plan

  variables {
    # The canary's bake and the final bake: 2 x 1200 s + termination 601 s + 600 s = 3601 s.
    deployment = { traffic_routing = "CANARY", wait_interval_in_seconds = 1200, termination_wait_in_seconds = 601 }
  }

  expect_failures = [aws_sagemaker_endpoint.this]
}

run "rejects_all_at_once_deployment_longer_than_the_provider_waits" {
  command = plan

  variables {
    # 1 x 2700 s + termination 301 s + 600 s = 3601 s.
    deployment = { wait_interval_in_seconds = 2700, termination_wait_in_seconds = 301 }
  }

  expect_failures = [aws_sagemaker_endpoint.this]
}

run "rejects_execution_timeout_beyond_the_provider_waiter" {
  command = plan

  variables {
    deployment = { maximum_execution_timeout_in_seconds = 3601 }
  }

  expect_failures = [var.deployment]
}

run "rejects_execution_timeout_not_above_the_waits" {
  command = plan

  variables {
    # The default waits: 1 x 300 s + termination 300 s = 600 s, not less than the timeout.
    deployment = { maximum_execution_timeout_in_seconds = 600 }
  }

  expect_failures = [aws_sagemaker_endpoint.this]
}

run "execution_timeout_above_the_waits_is_accepted" {
  command = plan

  variables {
    deployment = { maximum_execution_timeout_in_seconds = 601 }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].maximum_execution_timeout_in_seconds == 601
    error_message = "A timeout above the waits and within the provider's waiter must be passed on."
  }
}

# Rollback alarms are fixed for the life of an endpoint: the provider replaces the endpoint to change them,
# which leaves none (see main.tf). A plan that changes them on a deployed endpoint is refused.

run "deployed_with_rollback_alarms" {
  providers = {
    aws = aws.applying
  }
}

run "refuses_turning_alarms_off_on_a_deployed_endpoint" {
  command = plan

  providers = {
    aws = aws.applying
  }

  variables {
    alarms = { enabled = false }
  }

  expect_failures = [aws_sagemaker_endpoint.this]
}

run "refuses_turning_auto_rollback_off_on_a_deployed_endpoint" {
  command = plan

  providers = {
    aws = aws.applying
  }

  variables {
    deployment = { auto_rollback = false }
  }

  expect_failures = [aws_sagemaker_endpoint.this]
}

run "other_deployment_settings_change_in_place_and_keep_the_alarms" {
  command = plan

  providers = {
    aws = aws.applying
  }

  variables {
    alarms     = { invocation_5xx_errors = 3 }
    deployment = { traffic_routing = "CANARY", canary_size_percent = 50, wait_interval_in_seconds = 600 }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].type == "CANARY"
    error_message = "Traffic routing changes in place, with the next UpdateEndpoint."
  }

  assert {
    condition = toset([for alarm in aws_sagemaker_endpoint.this.deployment_config[0].auto_rollback_configuration[0].alarms : alarm.alarm_name]) == toset([
      "imdb-sentiment-Invocation5XXErrors", "imdb-sentiment-ModelLatency",
    ])
    error_message = "The rollback alarms the endpoint was created with stay (thresholds may change; names do not)."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.arn == run.deployed_with_rollback_alarms.endpoint_arn
    error_message = "The endpoint is updated, not replaced."
  }
}
