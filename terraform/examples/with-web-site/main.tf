provider "aws" {
  region = var.region
}

locals {
  tags = {
    Example   = var.name
    ManagedBy = "terraform"
  }
  # The function and the API answer CORS requests from the site's CloudFront origin only.
  allowed_origins = [module.web_site.site_origin]
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
  model_read_prefix_url = module.model_store.model_prefix_s3_uri
  artifact_hash         = module.model_store.artifact_sha256

  tags = local.tags
}

module "inference_lambda" {
  source = "../../modules/inference_lambda"

  function_name   = "${var.name}-predict"
  zip_path        = var.lambda_zip_path
  endpoint_name   = module.endpoint.endpoint_name
  endpoint_arn    = module.endpoint.endpoint_arn
  allowed_origins = local.allowed_origins

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
  allowed_origins              = local.allowed_origins

  tags = local.tags
}

module "web_site" {
  source = "../../modules/web_site"

  name          = var.name
  source_dir    = var.web_source_dir
  predict_url   = module.api.predict_url
  force_destroy = true
  # Any REST API of the region: naming this API would be a cycle (its CORS origins name this site).
  connect_sources = ["https://*.execute-api.${var.region}.amazonaws.com"]

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
