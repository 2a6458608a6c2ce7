provider "aws" {
  region = var.region
}

locals {
  name = var.name

  tags = merge(
    {
      Project   = var.name
      ManagedBy = "terraform"
    },
    var.tags,
  )

  # The model comes from a model package of the registry, a local artifact (uploaded by model_store) or an S3
  # URI such as a SageMaker training job's output; the package's ARN, or the artifact's hash, names the
  # SageMaker model and endpoint configuration.
  from_package   = var.model_package_arn != null
  uploads_model  = var.model_s3_uri == null && !local.from_package
  model_data_url = local.from_package ? null : (local.uploads_model ? module.model_store.model_s3_uri : var.model_s3_uri)
  artifact_hash  = local.from_package ? null : (local.uploads_model ? module.model_store.artifact_sha256 : sha256(var.model_s3_uri))

  # The registry's group: versioned packages are named <group>/<n>. Lower case, since emulators (moto) lower
  # the group's name in package ARNs.
  model_package_group_name = lower("${local.name}-models")
  registry_prefix_s3_uri   = "s3://${module.model_store.bucket_name}/registry/"

  # The page's CloudFront origin is allowed too when the site is deployed (no cycle: the distribution
  # does not depend on the API; only the page's config.js does).
  allowed_origins = concat(var.allowed_origins, var.enable_web ? [module.web_site[0].site_origin] : [])

  # How the Lambda waits for the endpoint. A serverless cold start (ModelSetupTime) happens inside the first
  # read, and a retry during it would only start a second cold start: one attempt of 20 s (2 + 20 s, within
  # the 25 s Lambda timeout and API Gateway's 29 s). Real-time instances are warm: two attempts of 8 s, so a
  # lost connection is retried. Unset attributes of lambda_endpoint_timeouts take these.
  lambda_endpoint_timeouts = merge(
    var.endpoint_type == "serverless" ? { connect_seconds = 2, read_seconds = 20, max_attempts = 1 } : { connect_seconds = 2, read_seconds = 8, max_attempts = 2 },
    { for key, value in var.lambda_endpoint_timeouts : key => value if value != null },
  )

  # Every alarm notifies the one optional topic, when it fires and when it recovers.
  alarm_actions     = var.create_alarm_topic ? [module.monitoring.topic_arn] : []
  metrics_namespace = "ImdbSentiment"
}

module "model_store" {
  source = "./modules/model_store"

  bucket_prefix = "${local.name}-models-"
  artifact_path = local.uploads_model ? var.model_artifact_path : null

  noncurrent_version_expiration_days = var.model_version_retention_days

  tags = local.tags
}

module "endpoint" {
  source = "./modules/sagemaker_endpoint"

  name              = local.name
  model_data_url    = local.model_data_url
  artifact_hash     = local.artifact_hash
  model_package_arn = var.model_package_arn
  image_tag         = var.image_tag
  # Every uploaded version stays readable, so instances of the old model can start during an update. Packages'
  # model data lies under registry/, written by whoever registers them (Terraform never deletes it).
  model_read_prefix_url = local.from_package ? local.registry_prefix_s3_uri : (local.uploads_model ? module.model_store.model_prefix_s3_uri : null)

  endpoint_type = var.endpoint_type
  serverless    = var.serverless
  real_time     = var.real_time
  deployment    = var.endpoint_deployment
  alarms        = var.enable_alarms ? var.endpoint_alarms : merge(var.endpoint_alarms, { enabled = false })
  alarm_actions = local.alarm_actions
  data_capture = var.data_capture == null ? null : {
    destination_s3_uri  = "s3://${module.model_store.bucket_name}/data-capture/${local.name}"
    sampling_percentage = var.data_capture.sampling_percentage
  }

  log_retention_in_days = var.log_retention_in_days

  tags = local.tags
}

# The Model Registry's group for this deployment's models: trained models are registered in it as numbered
# packages with an approval status, and model_package_arn deploys an Approved one.
resource "aws_sagemaker_model_package_group" "models" {
  model_package_group_name        = local.model_package_group_name
  model_package_group_description = "Trained models of ${local.name}; the endpoint deploys Approved packages (model_package_arn)."

  tags = local.tags
}

module "inference_lambda" {
  source = "./modules/inference_lambda"

  function_name = "${local.name}-predict"
  zip_path      = var.lambda_zip_path
  endpoint_name = module.endpoint.endpoint_name
  endpoint_arn  = module.endpoint.endpoint_arn

  allowed_origins                = local.allowed_origins
  log_level                      = var.log_level
  sagemaker_runtime_endpoint_url = var.sagemaker_runtime_endpoint_url
  timeout                        = var.lambda_timeout
  endpoint_timeouts              = local.lambda_endpoint_timeouts
  memory_size                    = var.lambda_memory_size
  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions
  log_retention_in_days          = var.log_retention_in_days

  metrics_namespace = local.metrics_namespace
  create_alarms     = var.enable_alarms
  alarm_actions     = local.alarm_actions
  # A canary or linear rollout answers through the text fallback until the Lambda follows the endpoint.
  endpoint_rollout_seconds = module.endpoint.endpoint_rollout_seconds

  tags = local.tags
}

module "api" {
  source = "./modules/rest_api"

  name = local.name
  # API Gateway invokes the alias: a new Lambda version goes live in one atomic switch, code and configuration together.
  function_name       = module.inference_lambda.function_name
  function_qualifier  = module.inference_lambda.alias_name
  function_invoke_arn = module.inference_lambda.alias_invoke_arn
  stage_name          = var.stage_name

  allowed_origins              = local.allowed_origins
  throttling_rate_limit        = var.throttling_rate_limit
  throttling_burst_limit       = var.throttling_burst_limit
  create_cloudwatch_role       = var.create_api_gateway_cloudwatch_role
  existing_cloudwatch_role_arn = var.existing_api_gateway_cloudwatch_role_arn
  log_retention_in_days        = var.log_retention_in_days

  api_keys   = var.api_keys
  page_route = var.page_route
  waf        = var.waf

  create_alarms = var.enable_alarms
  alarm_actions = local.alarm_actions

  tags = local.tags
}

module "monitoring" {
  source = "./modules/monitoring"

  name              = local.name
  region            = var.region
  create_dashboard  = var.enable_dashboard
  create_topic      = var.create_alarm_topic
  kms_master_key_id = var.alarm_topic_kms_key_id
  subscriptions     = var.alarm_subscriptions
  alarm_name_prefix = "${local.name}-"
  alarm_arns        = concat(module.api.alarm_arns, module.inference_lambda.alarm_arns, values(module.endpoint.alarm_arns))

  api_name          = local.name
  stage_name        = var.stage_name
  function_name     = module.inference_lambda.function_name
  metrics_namespace = local.metrics_namespace
  endpoint_name     = module.endpoint.endpoint_name

  tags = local.tags
}

module "web_site" {
  source = "./modules/web_site"
  count  = var.enable_web ? 1 : 0

  name       = local.name
  source_dir = var.web_source_dir
  # With API keys on, the page calls its own keyless route (a page cannot keep a key secret).
  predict_url = module.api.page_predict_url
  # Any REST API of the region: naming this API would make a cycle (its CORS origins name this site).
  connect_sources = ["https://*.execute-api.${var.region}.amazonaws.com"]

  tags = local.tags
}

module "training_role" {
  source = "./modules/training_role"
  count  = var.training == null ? 0 : 1

  name            = local.name
  bucket_name     = var.training.bucket_name
  input_prefix    = var.training.input_prefix
  output_prefix   = var.training.output_prefix
  job_name_prefix = var.training.job_name_prefix
  image_tag       = var.image_tag

  tags = local.tags
}

module "batch_transform" {
  source = "./modules/batch_transform"
  count  = var.batch_transform == null ? 0 : 1

  name            = local.name
  bucket_name     = module.model_store.bucket_name
  input_prefix    = var.batch_transform.input_prefix
  output_prefix   = var.batch_transform.output_prefix
  job_name_prefix = var.batch_transform.job_name_prefix
  model_data_url  = local.model_data_url
  artifact_hash   = local.artifact_hash
  image_tag       = var.image_tag
  # As the endpoint's: a policy naming the artifact's key would change (an IAM update, with its propagation
  # delay) on every model rollout; the prefix of every uploaded version does not.
  model_read_prefix_url = local.uploads_model ? module.model_store.model_prefix_s3_uri : null

  tags = local.tags
}

# After `terraform destroy` the endpoint is still Deleting for minutes (the aws provider counts Deleting as
# gone) and its containers keep writing logs, so SageMaker may create its log group again. The next apply
# adopts such a group instead of failing with ResourceAlreadyExistsException. (Import blocks live in the
# root module; a group already in the state is not imported again.)
data "aws_cloudwatch_log_groups" "endpoint" {
  log_group_name_prefix = "/aws/sagemaker/Endpoints/${local.name}"
}

import {
  for_each = toset([for group in data.aws_cloudwatch_log_groups.endpoint.log_group_names : group if group == "/aws/sagemaker/Endpoints/${local.name}"])

  to = module.endpoint.aws_cloudwatch_log_group.this
  id = each.value
}
