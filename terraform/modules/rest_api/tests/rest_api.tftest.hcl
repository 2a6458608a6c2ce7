# Plan-level tests of this module on a mocked AWS provider: the API, CORS, throttling, logs, redeployment
# and alarms (access control is in access.tftest.hcl). Paths are relative to the module; the account and the
# API Gateway ids come from the shared terraform/tests/mocks/aws:
#   terraform -chdir=terraform/modules/rest_api init -backend=false && terraform -chdir=terraform/modules/rest_api test

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-apigateway-cloudwatch" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/imdb-sentiment/v1/access" }
  }
}

variables {
  name                = "imdb-sentiment"
  function_name       = "imdb-sentiment-predict"
  function_invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:imdb-sentiment-predict/invocations"
  allowed_origins     = ["https://app.example.com", "http://localhost:8000"]
}

run "post_predict_is_a_lambda_proxy" {
  command = plan

  assert {
    condition     = aws_api_gateway_resource.predict.path_part == "predict" && aws_api_gateway_method.predict.http_method == "POST"
    error_message = "The API must expose POST /predict."
  }

  assert {
    condition     = aws_api_gateway_integration.predict.type == "AWS_PROXY" && aws_api_gateway_integration.predict.uri == var.function_invoke_arn
    error_message = "POST /predict must be a Lambda proxy integration of the given function."
  }

  assert {
    condition     = output.predict_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1/predict"
    error_message = "predict_url must be the stage URL plus /predict."
  }
}

run "invoke_permission_is_scoped_to_this_api" {
  command = plan

  assert {
    condition     = aws_lambda_permission.api.source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/POST/predict"
    error_message = "The permission must name this API's execution ARN, POST and /predict only."
  }

  assert {
    condition     = aws_lambda_permission.api.function_name == "imdb-sentiment-predict" && aws_lambda_permission.api.principal == "apigateway.amazonaws.com"
    error_message = "The permission must let API Gateway invoke the given function."
  }
}

run "preflight_echoes_only_allowed_origins" {
  command = plan

  assert {
    condition     = aws_api_gateway_integration.preflight.type == "MOCK"
    error_message = "The preflight must be answered by a MOCK integration (no Lambda, no model)."
  }

  assert {
    condition     = strcontains(aws_api_gateway_integration_response.preflight.response_templates["application/json"], "#set($allowed = [\"https://app.example.com\", \"http://localhost:8000\"])")
    error_message = "The preflight template must list exactly the allowed origins."
  }

  assert {
    condition     = strcontains(aws_api_gateway_integration_response.preflight.response_templates["application/json"], "$context.responseOverride.header.Access-Control-Allow-Origin = $origin")
    error_message = "The preflight must echo an allowed Origin."
  }

  assert {
    condition     = !contains(keys(aws_api_gateway_integration_response.preflight.response_parameters), "method.response.header.Access-Control-Allow-Origin")
    error_message = "With a list of origins there must be no static Access-Control-Allow-Origin."
  }

  assert {
    condition     = aws_api_gateway_integration_response.preflight.response_parameters["method.response.header.Access-Control-Allow-Methods"] == "'OPTIONS,POST'"
    error_message = "The preflight must allow POST."
  }

  assert {
    condition     = aws_api_gateway_integration_response.preflight.response_parameters["method.response.header.Vary"] == "'Origin'"
    error_message = "Preflight answers vary by Origin."
  }
}

run "any_origin_is_a_static_grant" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  assert {
    condition     = aws_api_gateway_integration_response.preflight.response_parameters["method.response.header.Access-Control-Allow-Origin"] == "'*'"
    error_message = "[\"*\"] must give a static Access-Control-Allow-Origin: *."
  }

  assert {
    condition     = aws_api_gateway_integration_response.preflight.response_templates["application/json"] == ""
    error_message = "[\"*\"] needs no origin-echo template."
  }
}

run "throttling_and_access_logs" {
  command = plan

  variables {
    throttling_rate_limit  = 7
    throttling_burst_limit = 13
    log_retention_in_days  = 14
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).throttling_rate_limit == 7 && one(aws_api_gateway_method_settings.all.settings).throttling_burst_limit == 13
    error_message = "Throttling values must reach the stage's method settings."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all.method_path == "*/*"
    error_message = "Throttling must apply to every method of the stage."
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0
    error_message = "The account-level CloudWatch role is opt-in."
  }
}

# A fresh account has no API Gateway CloudWatch role and refuses every stage logging setting ("CloudWatch
# Logs role ARN must be set in account settings to enable logging"): by default the stage has none.
run "fresh_account_stage_has_no_logging" {
  command = plan

  assert {
    condition     = length(aws_api_gateway_stage.this.access_log_settings) == 0 && length(aws_cloudwatch_log_group.access) == 0
    error_message = "Without an account CloudWatch role the stage must have no access log settings (and no log group for them)."
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).logging_level == "OFF" && one(aws_api_gateway_method_settings.all.settings).data_trace_enabled == false
    error_message = "Without an account CloudWatch role execution logging and data trace must be off."
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).metrics_enabled
    error_message = "Metrics need no logging role: they stay on."
  }

  assert {
    condition     = output.stage_logging_enabled == false && output.access_log_group_name == null
    error_message = "The outputs must say the stage has no logging."
  }
}

run "existing_account_role_turns_logging_on" {
  command = plan

  variables {
    existing_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
    execution_logging_level      = "INFO"
    log_retention_in_days        = 14
  }

  assert {
    condition     = jsondecode(one(aws_api_gateway_stage.this.access_log_settings).format).requestId == "$context.requestId"
    error_message = "Access logs must be JSON with the request id."
  }

  assert {
    condition     = one(aws_api_gateway_stage.this.access_log_settings).destination_arn == aws_cloudwatch_log_group.access[0].arn && aws_cloudwatch_log_group.access[0].retention_in_days == 14
    error_message = "Access logs must go to the module's log group with its retention."
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.all.settings).logging_level == "INFO"
    error_message = "With the account's role, execution logging takes execution_logging_level."
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.cloudwatch) == 0
    error_message = "An existing role is used as it is: the account setting is not touched."
  }

  assert {
    condition     = output.stage_logging_enabled && output.access_log_group_name == "/aws/apigateway/imdb-sentiment/v1/access"
    error_message = "The outputs must name the access log group."
  }
}

run "rejects_both_an_existing_and_a_created_role" {
  command = plan

  variables {
    create_cloudwatch_role       = true
    existing_cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-cloudwatch"
  }

  expect_failures = [var.existing_cloudwatch_role_arn]
}

run "rejects_a_role_name_for_the_existing_role" {
  command = plan

  variables {
    existing_cloudwatch_role_arn = "apigateway-cloudwatch"
  }

  expect_failures = [var.existing_cloudwatch_role_arn]
}

run "same_definition_same_deployment" {
  command = plan

  assert {
    condition     = aws_api_gateway_deployment.this.triggers["redeployment"] == run.throttling_and_access_logs.redeployment_trigger
    error_message = "An unchanged API definition must not trigger a new deployment."
  }
}

run "deployment_follows_the_api_definition" {
  command = plan

  variables {
    allowed_origins = ["https://other.example.com"]
  }

  assert {
    condition     = aws_api_gateway_deployment.this.triggers["redeployment"] != run.throttling_and_access_logs.redeployment_trigger
    error_message = "Changing the API (here its CORS answer) must change the deployment trigger."
  }
}

run "creates_the_cloudwatch_role_when_asked" {
  command = plan

  variables {
    create_cloudwatch_role = true
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 1 && length(aws_iam_role.cloudwatch) == 1
    error_message = "create_cloudwatch_role must create and register the role."
  }

  assert {
    condition     = aws_iam_role.cloudwatch[0].name_prefix == "imdb-sentiment-api-logs-"
    error_message = "IAM names are global: the role takes a name_prefix, so a second region does not collide."
  }

  assert {
    condition     = length(aws_api_gateway_stage.this.access_log_settings) == 1 && one(aws_api_gateway_method_settings.all.settings).logging_level == "ERROR"
    error_message = "With the role it registers, the stage logs (access logs, execution logging at ERROR)."
  }

  assert {
    condition     = output.stage_logging_enabled
    error_message = "stage_logging_enabled must be true when the role is created here."
  }
}

run "rejects_origin_with_trailing_slash" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com/"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_zero_burst" {
  command = plan

  variables {
    throttling_burst_limit = 0
  }

  expect_failures = [var.throttling_burst_limit]
}

run "rejects_invalid_stage_name" {
  command = plan

  variables {
    stage_name = "v1/prod"
  }

  expect_failures = [var.stage_name]
}

run "api_alarms_watch_5xx_and_p99_latency" {
  command = plan

  variables {
    function_qualifier  = "live"
    function_invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:imdb-sentiment-predict:live/invocations"
    alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:topic"]
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
