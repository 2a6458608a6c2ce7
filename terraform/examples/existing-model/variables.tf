variable "region" {
  description = "AWS region to deploy to; the model's bucket should be in it too."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the deployment: names the endpoint, function and API."
  type        = string
  default     = "imdb-sentiment-byo"
}

variable "model_s3_uri" {
  description = "s3:// URI of a model.tar.gz you already have (e.g. a SageMaker training job's output), in the scikit-learn container layout with code/inference.py. Give each model its own key: the URI names the model, so an object overwritten in place is not redeployed."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\\.tar\\.gz$", var.model_s3_uri))
    error_message = "model_s3_uri must be an s3://bucket/key URI of a .tar.gz file."
  }
}

variable "image_tag" {
  description = "Tag of the scikit-learn serving image: the scikit-learn version the model was trained with."
  type        = string
  default     = "1.4-2-cpu-py3"
}

variable "lambda_zip_path" {
  description = "The function's zip (`make package` writes it)."
  type        = string
  default     = "../../../build/lambda.zip"
}

variable "existing_api_gateway_cloudwatch_role_arn" {
  description = "ARN of the CloudWatch role already registered in the account's API Gateway settings (`aws apigateway get-account`): turns the stage's access and execution logs on. null (default): the stage has no logging, which an account without that role (a fresh one) requires."
  type        = string
  default     = null
}
