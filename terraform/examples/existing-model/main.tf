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

  tags = local.tags
}
