variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as \"us-east-1\"."
  }
}

variable "name" {
  description = "Name of the deployment: names the endpoint, function, API and bucket prefix."
  type        = string
  default     = "imdb-sentiment"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,27}[a-z0-9]$", var.name))
    error_message = "name must be 3-29 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (Project and ManagedBy are always set)."
  type        = map(string)
  default     = {}
}

variable "model_artifact_path" {
  description = "Local model.tar.gz to upload (built by `make train`); ignored when model_s3_uri or model_package_arn is set."
  type        = string
  default     = "../artifacts/model.tar.gz"

  validation {
    condition     = var.model_s3_uri != null || var.model_package_arn != null || fileexists(var.model_artifact_path)
    error_message = "model_artifact_path does not exist: run `make train` (or set model_s3_uri or model_package_arn)."
  }
}

variable "model_s3_uri" {
  description = "s3:// URI of a model.tar.gz already in S3 (e.g. printed by `make train-remote`); when set, nothing is uploaded."
  type        = string
  default     = null

  validation {
    condition     = var.model_s3_uri == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\\.tar\\.gz$", var.model_s3_uri))
    error_message = "model_s3_uri must be an s3://bucket/key URI of a .tar.gz."
  }
}

variable "model_package_arn" {
  description = "ARN of an Approved package of the model package group (output model_package_group_name) to deploy instead of an artifact: arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>. Its model data must lie under the model bucket's registry/ prefix (output model_package_data_prefix_s3_uri). A pending or rejected package fails the apply (SageMaker refuses to create its model) and the endpoint keeps serving; see docs/deploy.md (Deploying approved packages)."
  type        = string
  default     = null

  validation {
    condition     = var.model_package_arn == null || var.model_s3_uri == null
    error_message = "Set model_package_arn or model_s3_uri, not both: the endpoint serves one model."
  }

  validation {
    condition     = var.model_package_arn == null || var.batch_transform == null
    error_message = "batch_transform runs an artifact (model_artifact_path or model_s3_uri), not a model package: unset batch_transform to deploy model_package_arn."
  }
}

variable "model_version_retention_days" {
  description = "Days a replaced model object version is kept in the bucket; null keeps them (no lifecycle rule)."
  type        = number
  default     = 30
}

variable "lambda_zip_path" {
  description = "Lambda deployment zip (built by `make package`)."
  type        = string
  default     = "../build/lambda.zip"

  validation {
    condition     = fileexists(var.lambda_zip_path)
    error_message = "lambda_zip_path does not exist: run `make package`."
  }
}

variable "allowed_origins" {
  description = "Browser origins allowed to call the API (CORS), e.g. [\"https://example.com\"]; [\"*\"] allows any."
  type        = list(string)
  default     = ["http://localhost:8000", "http://127.0.0.1:8000"]
}

variable "image_tag" {
  description = "sagemaker-scikit-learn serving image tag; matches the scikit-learn version used in training."
  type        = string
  default     = "1.4-2-cpu-py3"
}

variable "endpoint_type" {
  description = "\"serverless\" (default: scales to zero, pay per request) or \"real-time\" (instances billed per hour)."
  type        = string
  default     = "serverless"
}

variable "serverless" {
  description = "Serverless endpoint settings; unset attributes take the module defaults (2048 MB, max concurrency 5)."
  type = object({
    memory_size_in_mb       = optional(number)
    max_concurrency         = optional(number)
    provisioned_concurrency = optional(number)
  })
  default = {}
}

variable "real_time" {
  description = "Real-time endpoint settings; unset attributes take the module defaults (1-2 ml.m5.large with autoscaling, 100 invocations per instance). Burstable ml.t* types need autoscaling = false."
  type = object({
    instance_type                   = optional(string)
    initial_instance_count          = optional(number)
    autoscaling                     = optional(bool)
    max_instance_count              = optional(number)
    target_invocations_per_instance = optional(number)
  })
  default = {}
}

variable "endpoint_deployment" {
  description = "Deployment guardrails of a real-time endpoint (see modules/sagemaker_endpoint: traffic_routing ALL_AT_ONCE, CANARY or LINEAR, wait_interval_in_seconds, termination_wait_in_seconds, auto_rollback on the endpoint's alarms); unset attributes take the module defaults."
  type = object({
    traffic_routing                      = optional(string)
    wait_interval_in_seconds             = optional(number)
    canary_size_percent                  = optional(number)
    linear_step_size_percent             = optional(number)
    termination_wait_in_seconds          = optional(number)
    maximum_execution_timeout_in_seconds = optional(number)
    auto_rollback                        = optional(bool)
  })
  default = {}

  # SageMaker's limits, checked here so that the error names this variable; the endpoint module checks them
  # again, with the instance count and the total deployment time against the aws provider's 60-minute waiter.
  validation {
    condition     = var.endpoint_deployment.canary_size_percent == null ? true : (floor(var.endpoint_deployment.canary_size_percent) == var.endpoint_deployment.canary_size_percent && var.endpoint_deployment.canary_size_percent >= 1 && var.endpoint_deployment.canary_size_percent <= 50)
    error_message = "endpoint_deployment.canary_size_percent must be a whole number from 1 to 50: SageMaker refuses a canary larger than half of the new fleet."
  }

  validation {
    condition     = var.endpoint_deployment.linear_step_size_percent == null ? true : (floor(var.endpoint_deployment.linear_step_size_percent) == var.endpoint_deployment.linear_step_size_percent && var.endpoint_deployment.linear_step_size_percent >= 10 && var.endpoint_deployment.linear_step_size_percent <= 50)
    error_message = "endpoint_deployment.linear_step_size_percent must be a whole number from 10 to 50: SageMaker refuses linear steps outside 10-50 % of the new fleet."
  }

  validation {
    condition     = var.endpoint_deployment.maximum_execution_timeout_in_seconds == null ? true : (var.endpoint_deployment.maximum_execution_timeout_in_seconds >= 600 && var.endpoint_deployment.maximum_execution_timeout_in_seconds <= 3600)
    error_message = "endpoint_deployment.maximum_execution_timeout_in_seconds must be from 600 (SageMaker's minimum) to 3600: the aws provider waits at most 60 minutes for an endpoint update."
  }
}

variable "endpoint_alarms" {
  description = "The endpoint's CloudWatch alarms (see modules/sagemaker_endpoint: enabled, period_seconds, evaluation_periods, datapoints_to_alarm, invocation_5xx_errors, model_latency_p99_ms, model_setup_time_maximum_ms); unset attributes take the module defaults."
  type = object({
    enabled                     = optional(bool)
    period_seconds              = optional(number)
    evaluation_periods          = optional(number)
    datapoints_to_alarm         = optional(number)
    invocation_5xx_errors       = optional(number)
    model_latency_p99_ms        = optional(number)
    model_setup_time_maximum_ms = optional(number)
  })
  default = {}

  # A cold start the Lambda stops waiting for is already a 504; the alarm must fire before that.
  validation {
    condition     = var.endpoint_alarms.model_setup_time_maximum_ms == null || var.endpoint_type != "serverless" ? true : coalesce(var.endpoint_alarms.model_setup_time_maximum_ms, 0) < 1000 * coalesce(var.lambda_endpoint_timeouts.read_seconds, 20)
    error_message = "endpoint_alarms.model_setup_time_maximum_ms must be below the Lambda's endpoint read timeout (lambda_endpoint_timeouts.read_seconds, 20 s for serverless by default): a cold start that long already gives callers a 504 before the alarm fires."
  }
}

variable "data_capture" {
  description = "Capture requests and responses into the model bucket under data-capture/ (real-time endpoints only); null disables."
  type = object({
    sampling_percentage = optional(number, 100)
  })
  default = null
}

variable "lambda_timeout" {
  description = "Lambda timeout in seconds (below API Gateway's 29 s)."
  type        = number
  default     = 25
}

variable "lambda_endpoint_timeouts" {
  description = "How the Lambda waits for the endpoint: connect_seconds, read_seconds and max_attempts (total). Unset attributes depend on endpoint_type: serverless 2 + 20 s in one attempt (a cold start happens inside the first read), real-time 2 + 8 s in two. Every attempt timing out must end a second before lambda_timeout (see docs/operations.md, \"Timeouts and serverless cold starts\")."
  type = object({
    connect_seconds = optional(number)
    read_seconds    = optional(number)
    max_attempts    = optional(number)
  })
  default  = {}
  nullable = false
}

variable "lambda_memory_size" {
  description = "Lambda memory in MB."
  type        = number
  default     = 512
}

variable "lambda_reserved_concurrent_executions" {
  description = "Lambda reserved concurrency: the most executions the function may hold, set aside from the account's pool. null (default) leaves it unreserved, which every account accepts; a reservation needs an account concurrency quota of at least this + 100 (new accounts can have 10). Sizing: docs/api.md, Security (burst 40 + 20 req/s x 0.5 s = 50)."
  type        = number
  default     = null
}

variable "log_level" {
  description = "Log level of the Lambda handler."
  type        = string
  default     = "INFO"
}

variable "sagemaker_runtime_endpoint_url" {
  description = "Override of the sagemaker-runtime endpoint the Lambda calls (local emulators only); null on AWS."
  type        = string
  default     = null
}

variable "stage_name" {
  description = "API Gateway stage name."
  type        = string
  default     = "v1"
}

variable "throttling_rate_limit" {
  description = "API stage steady-state requests per second."
  type        = number
  default     = 20
}

variable "throttling_burst_limit" {
  description = "API stage burst limit."
  type        = number
  default     = 40
}

variable "create_api_gateway_cloudwatch_role" {
  description = "Create and register the account-level CloudWatch role API Gateway needs for its logs (one per account and region; reset on destroy), and turn stage logging on. Only where the account has none yet: it replaces whatever role is set (see terraform/README.md)."
  type        = bool
  default     = false
}

variable "existing_api_gateway_cloudwatch_role_arn" {
  description = "ARN of the CloudWatch role already registered in the account's API Gateway settings for this region (`aws apigateway get-account`): turns the stage's access and execution logs on without touching the setting. With neither this nor create_api_gateway_cloudwatch_role the stage has no logging (a fresh account has no role and refuses it)."
  type        = string
  default     = null
}

variable "api_keys" {
  description = "API keys for programmatic clients, by name, each with its own usage plan: { name = { rate_limit, burst_limit, quota_limit = optional, quota_period = optional (DAY) } }. Non-empty makes POST /predict require x-api-key; the page then calls a keyless POST /web-predict (page_route)."
  type = map(object({
    rate_limit   = number
    burst_limit  = number
    quota_limit  = optional(number)
    quota_period = optional(string, "DAY")
  }))
  default  = {}
  nullable = false
}

variable "page_route" {
  description = "The web page's keyless POST /web-predict when api_keys are set: it has the stage's throttle as its own bucket unless rate_limit and burst_limit set a smaller one; null leaves no keyless route (every call then needs a key)."
  type = object({
    rate_limit  = optional(number)
    burst_limit = optional(number)
  })
  default = {}
}

variable "waf" {
  description = "AWS WAF web ACL on the API stage (per-IP rate-based rule + AWS managed common rule set); null (default) attaches none. Not available in free LocalStack."
  type = object({
    rate_limit_per_ip           = optional(number, 1000)
    evaluation_window_sec       = optional(number, 300)
    common_rule_set_count_rules = optional(list(string), ["SizeRestrictions_BODY"])
  })
  default = null
}

variable "log_retention_in_days" {
  description = "Retention of every log group (endpoint, Lambda, API access logs)."
  type        = number
  default     = 30
}

variable "enable_web" {
  description = "Also deploy the web page (web/) to a private S3 bucket behind CloudFront; its origin is added to the API's CORS origins."
  type        = bool
  default     = false
}

variable "web_source_dir" {
  description = "Directory of the web page, used when enable_web is true."
  type        = string
  default     = "../web"
}

variable "training" {
  description = "Create the execution role for `make train-remote` jobs reading and writing this bucket and these prefixes; null creates none."
  type = object({
    bucket_name     = string
    input_prefix    = optional(string, "imdb-sentiment/training/input")
    output_prefix   = optional(string, "imdb-sentiment/training/output")
    job_name_prefix = optional(string, "imdb-sentiment")
  })
  default = null
}

variable "batch_transform" {
  description = "Create a SageMaker model and role for Batch Transform jobs (`make score --remote`) reading and writing these prefixes of the model bucket; null creates none."
  type = object({
    input_prefix    = optional(string, "batch-transform/input")
    output_prefix   = optional(string, "batch-transform/output")
    job_name_prefix = optional(string, "imdb-sentiment-score")
  })
  default = null
}

variable "enable_alarms" {
  description = "Create the CloudWatch alarms of the API, the Lambda (with the handler's own figures) and the endpoint."
  type        = bool
  default     = true
}

variable "enable_dashboard" {
  description = "Create the CloudWatch dashboard (API, Lambda, handler figures, endpoint, alarm states)."
  type        = bool
  default     = true
}

variable "create_alarm_topic" {
  description = "Create an encrypted SNS topic that every alarm notifies (ALARM and OK); false leaves the alarms without actions."
  type        = bool
  default     = true
}

variable "alarm_topic_kms_key_id" {
  description = "KMS key encrypting the alarm topic instead of the topic's own key; its policy must let CloudWatch use it (alias/aws/sns cannot, so alarms would not be delivered). Only the local stack sets it (LocalStack 4.13.1 cannot create KMS keys on Python 3.11)."
  type        = string
  default     = null
}

variable "alarm_subscriptions" {
  description = "Subscriptions of the alarm topic, e.g. [{ protocol = \"email\", endpoint = \"oncall@example.com\" }]."
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default  = []
  nullable = false
}
