# Plan-level tests of the alarms (Lambda and API modules), the Lambda alias API Gateway invokes, and the
# root's wiring of every alarm to the one optional topic, on a mocked AWS provider.

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

run "lambda_alarms_one_per_signal" {
  command = plan

  module {
    source = "./modules/inference_lambda"
  }

  variables {
    function_name = "imdb-sentiment-predict"
    zip_path      = "tests/fixtures/lambda_package.txt"
    endpoint_name = "imdb-sentiment"
    endpoint_arn  = "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/imdb-sentiment"
    timeout       = 20
    alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:topic"]
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["errors", "throttles", "duration", "endpoint-errors", "text-fallback"])
    error_message = "One alarm per signal: errors, throttles, duration, the handler's endpoint errors and text fallbacks."
  }

  assert {
    condition     = alltrue([for key, alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name == "imdb-sentiment-predict-${key}"])
    error_message = "Alarms are named <function>-<signal>."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.this : alarm.dimensions == tomap({ FunctionName = "imdb-sentiment-predict" }) && alarm.treat_missing_data == "notBreaching"])
    error_message = "Every alarm watches the whole function (all versions) and no traffic is not breaching."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["duration"].threshold == 16000 && aws_cloudwatch_metric_alarm.this["duration"].statistic == "Maximum"
    error_message = "The duration alarm fires at 80 % of the timeout (20 s -> 16,000 ms) on the maximum."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["endpoint-errors"].namespace == "ImdbSentiment" && aws_cloudwatch_metric_alarm.this["text-fallback"].metric_name == "TextFallbacks"
    error_message = "The handler's alarms read its embedded metrics."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["text-fallback"].evaluation_periods == 15 && aws_cloudwatch_metric_alarm.this["text-fallback"].datapoints_to_alarm == 15
    error_message = "Text fallbacks alarm only when they last 15 periods in a row (longer than a rollout)."
  }

  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_actions == toset(var.alarm_actions) && alarm.ok_actions == toset(var.alarm_actions)])
    error_message = "Alarms notify alarm_actions when they fire and when they recover."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["METRICS_NAMESPACE"] == "ImdbSentiment"
    error_message = "The handler writes its metrics to the namespace its alarms read."
  }
}

run "lambda_is_published_behind_an_alias" {
  command = plan

  module {
    source = "./modules/inference_lambda"
  }

  variables {
    function_name = "imdb-sentiment-predict"
    zip_path      = "tests/fixtures/lambda_package.txt"
    endpoint_name = "imdb-sentiment"
    endpoint_arn  = "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/imdb-sentiment"
    create_alarms = false
  }

  assert {
    condition     = aws_lambda_function.this.publish
    error_message = "Each apply must publish an immutable version."
  }

  assert {
    condition     = aws_lambda_alias.this.name == "live" && aws_lambda_alias.this.function_version == aws_lambda_function.this.version
    error_message = "The alias must point to the version just published."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0
    error_message = "create_alarms = false creates no alarm."
  }
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
