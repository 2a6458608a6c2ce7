locals {
  log_group_name = "/aws/lambda/${var.function_name}"
  # The longest one endpoint call can take: every attempt times out, plus botocore's standard-mode backoff
  # (at most 2^(k-1) s before attempt k), as lambda_src/settings.py computes it.
  endpoint_worst_case_seconds = (var.endpoint_timeouts.max_attempts * (var.endpoint_timeouts.connect_seconds + var.endpoint_timeouts.read_seconds)
  + pow(2, var.endpoint_timeouts.max_attempts - 1) - 1)
  log_group_arn = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group_name}"

  # SAGEMAKER_RUNTIME_ENDPOINT_URL exists only for local runs; on AWS it is absent, not empty.
  environment = merge(
    {
      SAGEMAKER_ENDPOINT_NAME = var.endpoint_name
      ALLOWED_ORIGINS         = join(",", var.allowed_origins)
      LOG_LEVEL               = var.log_level
      METRICS_NAMESPACE       = var.metrics_namespace
      # Read by lambda_src/settings.py, which refuses at init what would outlast API Gateway's 29 s.
      ENDPOINT_CONNECT_TIMEOUT = tostring(var.endpoint_timeouts.connect_seconds)
      ENDPOINT_READ_TIMEOUT    = tostring(var.endpoint_timeouts.read_seconds)
      ENDPOINT_MAX_ATTEMPTS    = tostring(var.endpoint_timeouts.max_attempts)
    },
    var.sagemaker_runtime_endpoint_url == null ? {} : { SAGEMAKER_RUNTIME_ENDPOINT_URL = var.sagemaker_runtime_endpoint_url },
  )
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:Logs use CloudWatch's default encryption; the handler never logs review text.
  #checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days); a year of request logs is not needed.
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_50:X-Ray tracing is not used; JSON logs carry the request id and latency.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by API Gateway; a dead-letter queue only applies to async invokes.
  #checkov:skip=CKV_AWS_117:Needs no VPC: it calls only the SageMaker runtime API; a VPC would need NAT or an endpoint.
  #checkov:skip=CKV_AWS_173:The environment holds no secrets (endpoint name, origins, log level); the default key encrypts it.
  #checkov:skip=CKV_AWS_272:Code signing needs a Signer profile; the zip is built deterministically and its hash pinned.
  function_name    = var.function_name
  description      = "Vectorises reviews and calls the SageMaker endpoint ${var.endpoint_name}."
  role             = aws_iam_role.this.arn
  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  # Every apply that changes code or configuration publishes an immutable version (configuration first, then
  # the code with Publish); callers invoke the alias, which moves to it in one atomic step. $LATEST, updated by
  # two API calls, is never what API Gateway runs.
  publish = true

  environment {
    variables = local.environment
  }

  tags = var.tags

  # The log group exists (with its retention) before the first invocation could create it without one.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_alias" "this" {
  name             = var.alias_name
  description      = "The version API Gateway invokes; moves atomically when a new version is published."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}
