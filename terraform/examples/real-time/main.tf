provider "aws" {
  region = var.region
}

locals {
  tags = {
    Example   = var.name
    ManagedBy = "terraform"
  }
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]
}

module "model_store" {
  source = "../../modules/model_store"

  bucket_prefix = "${var.name}-models-"
  artifact_path = var.model_artifact_path
  force_destroy = true # an example: destroy removes the uploaded models too

  tags = local.tags
}

module "endpoint" {
  source = "../../modules/sagemaker_endpoint"

  name                  = var.name
  model_data_url        = module.model_store.model_s3_uri
  model_read_prefix_url = module.model_store.model_prefix_s3_uri # the old fleet keeps reading its model during a rollout
  artifact_hash         = module.model_store.artifact_sha256

  endpoint_type = "real-time"
  real_time = {
    instance_type                   = "ml.m5.large" # not ml.t*: autoscaling refuses burstable instances
    initial_instance_count          = 2
    max_instance_count              = 4
    target_invocations_per_instance = 100 # per instance per minute
  }

  # A new model goes to 50% of the new fleet first; if the 5XX or latency alarm fires during the
  # 10-minute bake, SageMaker rolls back to the old fleet, which it keeps for 5 minutes after the shift.
  deployment = {
    traffic_routing             = "CANARY"
    canary_size_percent         = 50
    wait_interval_in_seconds    = 600
    termination_wait_in_seconds = 300
    auto_rollback               = true
  }
  alarms = {
    invocation_5xx_errors = 1
    model_latency_p99_ms  = 500
  }
  alarm_actions = local.alarm_actions

  tags = local.tags
}

module "inference_lambda" {
  source = "../../modules/inference_lambda"

  function_name = "${var.name}-predict"
  zip_path      = var.lambda_zip_path
  endpoint_name = module.endpoint.endpoint_name
  endpoint_arn  = module.endpoint.endpoint_arn
  alarm_actions = local.alarm_actions
  # Warm instances: two attempts of 8 s (the default, one of 20 s, waits out serverless cold starts).
  endpoint_timeouts = { read_seconds = 8, max_attempts = 2 }
  # The canary answers through the text fallback until the Lambda follows the endpoint.
  endpoint_rollout_seconds = module.endpoint.endpoint_rollout_seconds

  tags = local.tags
}

module "api" {
  source = "../../modules/rest_api"

  name                = var.name
  function_name       = module.inference_lambda.function_name
  function_qualifier  = module.inference_lambda.alias_name
  function_invoke_arn = module.inference_lambda.alias_invoke_arn
  # Stage logging only where the account already has API Gateway's CloudWatch role (a fresh one has none).
  existing_cloudwatch_role_arn = var.existing_api_gateway_cloudwatch_role_arn
  alarm_actions                = local.alarm_actions

  tags = local.tags
}

# After `terraform destroy` the endpoint is still Deleting for minutes (the aws provider counts Deleting as
# gone) and its containers keep writing logs, so SageMaker may create its log group again. The next apply
# adopts such a group instead of failing with ResourceAlreadyExistsException (import blocks must be in the
# root configuration, so each example carries this one; a group already in the state is not imported again).
data "aws_cloudwatch_log_groups" "endpoint" {
  log_group_name_prefix = "/aws/sagemaker/Endpoints/${var.name}"
}

import {
  for_each = toset([for group in data.aws_cloudwatch_log_groups.endpoint.log_group_names : group if group == "/aws/sagemaker/Endpoints/${var.name}"])

  to = module.endpoint.aws_cloudwatch_log_group.this
  id = each.value
}
