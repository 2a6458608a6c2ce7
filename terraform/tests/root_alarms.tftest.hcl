# Plan-level tests of the root's wiring of every alarm to the one optional topic and of the Lambda alias it
# exposes, on a mocked AWS provider. The modules' own alarms are tested beside them
# (modules/inference_lambda/tests, modules/rest_api/tests, modules/sagemaker_endpoint/tests).

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

run "root_wires_the_alias_and_every_alarm_to_the_topic" {
  command = plan

  variables {
    alarm_subscriptions = [{ protocol = "email", endpoint = "oncall@example.com" }]
  }

  assert {
    condition     = output.function_alias_arn == "arn:aws:lambda:eu-west-1:123456789012:function:imdb-sentiment-predict:live"
    error_message = "The root exposes the alias."
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:123456789012:imdb-sentiment-alarms" && output.dashboard_name == "imdb-sentiment-eu-west-1"
    error_message = "Topic and dashboard are on by default."
  }

  assert {
    condition     = local.alarm_actions == tolist([output.alarm_topic_arn])
    error_message = "Every module's alarms notify the one topic (the modules' own tests prove they use alarm_actions for ALARM and OK)."
  }

  assert {
    condition     = length(module.api.alarm_arns) == 2 && length(module.inference_lambda.alarm_arns) == 5 && length(output.endpoint_alarm_names) == 3
    error_message = "Alarms are on by default: API, Lambda and (serverless) endpoint."
  }
}

run "alarms_without_a_topic_have_no_actions" {
  command = plan

  variables {
    create_alarm_topic = false
  }

  assert {
    condition     = output.alarm_topic_arn == null
    error_message = "No topic when create_alarm_topic is false."
  }

  assert {
    condition     = length(local.alarm_actions) == 0
    error_message = "Alarms record their state only."
  }
}

run "enable_alarms_false_removes_every_alarm" {
  command = plan

  variables {
    enable_alarms = false
  }

  assert {
    condition     = length(module.api.alarm_arns) == 0 && length(module.inference_lambda.alarm_arns) == 0 && length(output.endpoint_alarm_names) == 0
    error_message = "enable_alarms = false creates no alarm in any module."
  }
}
