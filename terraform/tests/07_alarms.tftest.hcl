# Plan-level tests of the API module's alarms and the root's wiring of every alarm to the one optional topic
# and of the Lambda alias, on a mocked AWS provider. The Lambda's alarms and alias are tested beside its module
# (modules/inference_lambda/tests).

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

run "api_alarms_watch_5xx_and_p99_latency" {
  command = plan

  module {
    source = "./modules/rest_api"
  }

  variables {
    name                = "imdb-sentiment"
    function_name       = "imdb-sentiment-predict"
    function_qualifier  = "live"
    function_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:imdb-sentiment-predict:live/invocations"
    alarm_actions       = ["arn:aws:sns:eu-west-1:123456789012:topic"]
    alarm_thresholds    = { latency_p99_ms = 3000 }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["5xx"].alarm_name == "imdb-sentiment-5xx" && aws_cloudwatch_metric_alarm.this["5xx"].metric_name == "5XXError"
    error_message = "The 5XX alarm is <name>-5xx on AWS/ApiGateway 5XXError."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["latency-p99"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.this["latency-p99"].threshold == 3000
    error_message = "The latency alarm watches p99 against its threshold variable."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.this : alarm.dimensions == tomap({ ApiName = "imdb-sentiment", Stage = "v1" }) && alarm.ok_actions == toset(var.alarm_actions)])
    error_message = "API alarms watch this API's stage and notify on ALARM and OK."
  }

  assert {
    condition     = aws_lambda_permission.api.qualifier == "live"
    error_message = "The invoke permission must be granted on the alias API Gateway calls."
  }
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
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:123456789012:imdb-sentiment-alarms" && output.dashboard_name == "imdb-sentiment"
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
