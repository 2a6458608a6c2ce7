variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the deployment: names the endpoint, function, API and bucket prefix."
  type        = string
  default     = "imdb-sentiment-real-time"
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

variable "alarm_topic_arn" {
  description = "SNS topic notified when an alarm fires and recovers; null only records the alarm state (rollback still works)."
  type        = string
  default     = null
}

variable "existing_api_gateway_cloudwatch_role_arn" {
  description = "ARN of the CloudWatch role already registered in the account's API Gateway settings (`aws apigateway get-account`): turns the stage's access and execution logs on. null (default): the stage has no logging, which an account without that role (a fresh one) requires."
  type        = string
  default     = null
}
