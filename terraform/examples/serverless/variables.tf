variable "region" {
  description = "AWS region to deploy to (one with SageMaker Serverless Inference)."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the deployment: names the endpoint, function, API and bucket prefix."
  type        = string
  default     = "imdb-sentiment-serverless"
}

variable "model_artifact_path" {
  description = "The trained model (`make train` writes it)."
  type        = string
  default     = "../../../artifacts/model.tar.gz"
}

variable "lambda_zip_path" {
  description = "The function's zip (`make package` writes it)."
  type        = string
  default     = "../../../build/lambda.zip"
}
