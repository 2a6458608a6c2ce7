provider "aws" {
  region = var.region
}

locals {
  tags = {
    Example   = var.name
    ManagedBy = "terraform"
  }
}

# No model_store: the model stays where it is. The endpoint's role may read only that object
# (the bucket must not deny it, and a KMS-encrypted object also needs the key to allow the role).
module "endpoint" {
  source = "../../modules/sagemaker_endpoint"

  name           = var.name
  model_data_url = var.model_s3_uri
  artifact_hash  = sha256(var.model_s3_uri) # a new URI is a new model, configuration and rollout
  image_tag      = var.image_tag

  tags = local.tags
}

module "inference_lambda" {
  source = "../../modules/inference_lambda"

  function_name = "${var.name}-predict"
  zip_path      = var.lambda_zip_path
  endpoint_name = module.endpoint.endpoint_name
  endpoint_arn  = module.endpoint.endpoint_arn

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
