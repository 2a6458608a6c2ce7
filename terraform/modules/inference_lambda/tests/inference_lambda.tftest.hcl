# Plan-level tests of this module on a mocked AWS provider (paths relative to the module; the account and
# region come from the shared terraform/tests/mocks/aws, the package from terraform/tests/fixtures):
#   terraform -chdir=terraform/modules/inference_lambda init -backend=false && terraform -chdir=terraform/modules/inference_lambda test

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
  function_name   = "imdb-sentiment-predict"
  zip_path        = "../../tests/fixtures/lambda_package.txt"
  endpoint_name   = "imdb-sentiment"
  endpoint_arn    = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/imdb-sentiment"
  allowed_origins = ["https://app.example.com", "http://localhost:8000"]
}

run "function_runs_the_packaged_handler" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.12" && aws_lambda_function.this.handler == "lambda_src.handler.lambda_handler"
    error_message = "The function must run lambda_src.handler.lambda_handler on python3.12."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("../../tests/fixtures/lambda_package.txt")
    error_message = "source_code_hash must be the package's base64 SHA-256, so a new zip redeploys."
  }

  assert {
    condition     = aws_lambda_function.this.timeout < 29
    error_message = "The function must time out before API Gateway's 29 s limit."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == null && aws_lambda_function.this.memory_size == 512
    error_message = "Defaults: unreserved (a fresh account's quota of 10 refuses any reservation), 512 MB."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/imdb-sentiment-predict" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The function's log group must exist with a retention."
  }
}

run "environment_names_the_endpoint_and_origins" {
  command = plan

  assert {
    condition = one(aws_lambda_function.this.environment).variables == tomap({
      SAGEMAKER_ENDPOINT_NAME  = "imdb-sentiment"
      ALLOWED_ORIGINS          = "https://app.example.com,http://localhost:8000"
      LOG_LEVEL                = "INFO"
      METRICS_NAMESPACE        = "ImdbSentiment"
      ENDPOINT_CONNECT_TIMEOUT = "2"
      ENDPOINT_READ_TIMEOUT    = "20"
      ENDPOINT_MAX_ATTEMPTS    = "1"
    })
    error_message = "The environment must hold exactly the endpoint name, the origins, the log level, the metrics namespace and the endpoint timeouts (no runtime URL on AWS)."
  }
}

run "runtime_endpoint_url_only_when_set" {
  command = plan

  variables {
    sagemaker_runtime_endpoint_url = "http://127.0.0.1:4566"
    log_level                      = "DEBUG"
  }

  assert {
    condition     = one(aws_lambda_function.this.environment).variables["SAGEMAKER_RUNTIME_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    error_message = "The runtime endpoint override must reach the function when set."
  }

  assert {
    condition     = one(aws_lambda_function.this.environment).variables["LOG_LEVEL"] == "DEBUG"
    error_message = "log_level must reach the function."
  }
}

run "policy_names_only_its_endpoint_and_log_group" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.this.statement) == 2
    error_message = "The policy must have exactly two statements: own logs and own endpoint."
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.this.statement : statement.resources
      if contains(statement.actions, "sagemaker:InvokeEndpoint")
    ]) == toset(["arn:aws:sagemaker:us-east-1:123456789012:endpoint/imdb-sentiment"])
    error_message = "sagemaker:InvokeEndpoint must name only this endpoint's ARN."
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.this.statement : statement.actions
      if contains(statement.actions, "sagemaker:InvokeEndpoint")
    ]) == toset(["sagemaker:InvokeEndpoint"])
    error_message = "The endpoint statement must grant nothing but InvokeEndpoint."
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.this.statement : statement.resources
      if statement.sid == "WriteOwnLogs"
    ]) == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/imdb-sentiment-predict:*"])
    error_message = "Logs must be limited to the function's own log group."
  }

  assert {
    condition = alltrue(flatten([
      for statement in data.aws_iam_policy_document.this.statement : [for resource in statement.resources : !strcontains(resource, "*") || endswith(resource, "imdb-sentiment-predict:*")]
    ]))
    error_message = "No statement may use a wildcard resource."
  }
}

run "rejects_timeout_at_api_gateway_limit" {
  command = plan

  variables {
    timeout = 29
  }

  expect_failures = [var.timeout]
}

run "rejects_wildcard_endpoint_arn" {
  command = plan

  variables {
    endpoint_arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*"
  }

  expect_failures = [var.endpoint_arn]
}

run "rejects_unknown_log_level" {
  command = plan

  variables {
    log_level = "VERBOSE"
  }

  expect_failures = [var.log_level]
}

run "rejects_origin_with_path" {
  command = plan

  variables {
    allowed_origins = ["https://app.example.com/"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_missing_package" {
  command = plan

  variables {
    zip_path = "../../tests/fixtures/missing.zip"
  }

  expect_failures = [var.zip_path]
}

# IAM role names are global to the account: a fixed name collides when the same function name is deployed
# in a second region.
run "role_name_is_unique_per_deployment" {
  command = plan

  assert {
    condition     = aws_iam_role.this.name_prefix == "imdb-sentiment-predict-lambda-"
    error_message = "The function's role takes a name_prefix (<function>-lambda-), never a fixed name."
  }
}

# Access: who may assume the function's role and how far it may scale.

run "lambda_trust_and_unreserved_concurrency" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == null
    error_message = "Reserved concurrency is opt-in: by default the function shares the account's pool (PutFunctionConcurrency is never called)."
  }

  assert {
    condition = flatten([
      for condition in one(data.aws_iam_policy_document.assume_role.statement).condition : tolist(condition.values)
      if condition.test == "StringEquals" && condition.variable == "aws:SourceAccount"
    ]) == ["123456789012"]
    error_message = "Only Lambda acting for this account may assume the function's role."
  }
}

run "lambda_concurrency_can_be_reserved" {
  command = plan

  variables {
    reserved_concurrent_executions = 50
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 50
    error_message = "A reservation, where the account's quota allows it, reaches the function."
  }
}

run "lambda_concurrency_rejects_minus_one" {
  command = plan

  variables {
    reserved_concurrent_executions = -1
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "lambda_concurrency_rejects_a_fraction" {
  command = plan

  variables {
    reserved_concurrent_executions = 2.5
  }

  expect_failures = [var.reserved_concurrent_executions]
}

# Alarms and the alias API Gateway invokes.

run "lambda_alarms_one_per_signal" {
  command = plan

  variables {
    timeout       = 20
    alarm_actions = ["arn:aws:sns:us-east-1:123456789012:topic"]
    # 2 + 17 s: the endpoint call must end a second before the 20 s timeout.
    endpoint_timeouts = { read_seconds = 17 }
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

  variables {
    create_alarms = false
  }

  # A published version is known only after apply; give the plan one (the root's mock of the whole stack did).
  override_resource {
    target          = aws_lambda_function.this
    override_during = plan
    values          = { version = "7" }
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
