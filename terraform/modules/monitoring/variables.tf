variable "name" {
  description = "Name of the deployment: names the dashboard (<name>-<region>: dashboard names are global to the account) and the topic (<name>-alarms)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must be 1-200 letters, digits, hyphens or underscores."
  }
}

variable "region" {
  description = "Region of the metrics the dashboard shows; part of the dashboard's name."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as \"us-east-1\"."
  }
}

variable "create_dashboard" {
  description = "Create the CloudWatch dashboard."
  type        = bool
  default     = true
}

variable "create_topic" {
  description = "Create the encrypted SNS topic that alarms notify (with its KMS key)."
  type        = bool
  default     = true
}

variable "kms_master_key_id" {
  description = "KMS key (ARN, id or alias) encrypting the topic instead of a key of its own; its policy must let cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey*, which the AWS managed alias/aws/sns cannot. null creates the topic's own key."
  type        = string
  default     = null
}

variable "subscriptions" {
  description = "Subscriptions of the topic, e.g. [{ protocol = \"email\", endpoint = \"oncall@example.com\" }]; email subscriptions must be confirmed from the mail."
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.subscriptions : contains(["email", "email-json", "sms", "sqs", "lambda", "https", "http", "firehose", "application"], s.protocol)])
    error_message = "subscriptions[*].protocol must be one SNS accepts (email, email-json, sms, sqs, lambda, https, http, firehose, application)."
  }
}

variable "alarm_name_prefix" {
  description = "Prefix of the alarm names allowed to publish to the topic (the KMS key's aws:SourceArn condition)."
  type        = string
}

variable "alarm_arns" {
  description = "Alarms shown in the dashboard's status row."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "api_name" {
  description = "Name of the REST API (ApiName dimension)."
  type        = string
}

variable "stage_name" {
  description = "Stage of the REST API (Stage dimension)."
  type        = string
}

variable "function_name" {
  description = "Name of the inference Lambda (FunctionName dimension, also of the handler's own metrics)."
  type        = string
}

variable "metrics_namespace" {
  description = "Namespace of the handler's embedded-metric-format figures."
  type        = string
}

variable "endpoint_name" {
  description = "Name of the SageMaker endpoint (EndpointName dimension)."
  type        = string
}

variable "variant_name" {
  description = "Production variant of the endpoint (VariantName dimension)."
  type        = string
  default     = "AllTraffic"
}

variable "tags" {
  description = "Tags applied to every resource that takes tags."
  type        = map(string)
  default     = {}
}
