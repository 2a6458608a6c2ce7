variable "function_name" {
  description = "Name of the Lambda function (also names its role and log group)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,57}$", var.function_name))
    error_message = "function_name must be 1-57 letters, digits, hyphens or underscores."
  }
}

variable "zip_path" {
  description = "Path of the deployment zip built by `make package` (build/lambda.zip)."
  type        = string

  validation {
    condition     = fileexists(var.zip_path)
    error_message = "zip_path must name an existing file (run `make package` to build build/lambda.zip)."
  }
}

variable "handler" {
  description = "Handler of the function inside the zip."
  type        = string
  default     = "lambda_src.handler.lambda_handler"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler must be a dotted module path followed by a function name."
  }
}

variable "runtime" {
  description = "Python runtime of the function."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "architecture" {
  description = "Instruction set of the function (the zip is pure Python, so either works)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "endpoint_name" {
  description = "Name of the SageMaker endpoint the function calls (SAGEMAKER_ENDPOINT_NAME)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.endpoint_name))
    error_message = "endpoint_name must be a valid SageMaker endpoint name."
  }
}

variable "endpoint_arn" {
  description = "ARN of that endpoint: the only resource the function may invoke."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$", var.endpoint_arn))
    error_message = "endpoint_arn must be the ARN of one SageMaker endpoint (no wildcards)."
  }
}

variable "allowed_origins" {
  description = "Origins granted CORS on proxy responses (ALLOWED_ORIGINS, comma-joined)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for origin in var.allowed_origins : origin == "*" || can(regex("^https?://[^/,\\s]+$", origin))])
    error_message = "allowed_origins entries must be \"*\" or scheme://host[:port] without a path or trailing slash."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of the handler."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "sagemaker_runtime_endpoint_url" {
  description = "Override of the sagemaker-runtime endpoint URL (local emulators only); null on AWS."
  type        = string
  default     = null

  validation {
    condition     = var.sagemaker_runtime_endpoint_url == null ? true : can(regex("^https?://", var.sagemaker_runtime_endpoint_url))
    error_message = "sagemaker_runtime_endpoint_url must be null or an http(s) URL."
  }
}

variable "timeout" {
  description = "Function timeout in seconds; below API Gateway's 29 s integration limit so the function always answers first."
  type        = number
  default     = 25

  validation {
    condition     = var.timeout >= 3 && var.timeout < 29 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 3 to 28 (API Gateway gives up at 29 s)."
  }
}

variable "endpoint_timeouts" {
  description = "How the function waits for the endpoint (ENDPOINT_CONNECT_TIMEOUT, ENDPOINT_READ_TIMEOUT, ENDPOINT_MAX_ATTEMPTS): connect and read timeouts in seconds, and total attempts with botocore's standard retries (up to 2^(k-1) s of backoff before attempt k). Every attempt timing out must still leave a second of the function's timeout, so callers get the handler's 504 rather than API Gateway's. The default suits a serverless endpoint (the sagemaker_endpoint module's default): its cold start happens inside the first read, so one attempt of 20 s. Warm real-time instances do better with two shorter ones, e.g. { read_seconds = 8, max_attempts = 2 } (see the repository's docs/operations.md, \"Timeouts and serverless cold starts\")."
  type = object({
    connect_seconds = optional(number, 2)
    read_seconds    = optional(number, 20)
    max_attempts    = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.endpoint_timeouts.connect_seconds > 0 && var.endpoint_timeouts.read_seconds > 0 && contains([1, 2, 3], var.endpoint_timeouts.max_attempts)
    error_message = "endpoint_timeouts needs positive connect_seconds and read_seconds and max_attempts of 1, 2 or 3."
  }

  validation {
    condition     = var.endpoint_timeouts.max_attempts * (var.endpoint_timeouts.connect_seconds + var.endpoint_timeouts.read_seconds) + pow(2, var.endpoint_timeouts.max_attempts - 1) - 1 + 1 <= var.timeout
    error_message = "endpoint_timeouts allow one endpoint call ${var.endpoint_timeouts.max_attempts} x (${var.endpoint_timeouts.connect_seconds} + ${var.endpoint_timeouts.read_seconds}) s + ${pow(2, var.endpoint_timeouts.max_attempts - 1) - 1} s of backoff = ${var.endpoint_timeouts.max_attempts * (var.endpoint_timeouts.connect_seconds + var.endpoint_timeouts.read_seconds) + pow(2, var.endpoint_timeouts.max_attempts - 1) - 1} s, which must end at least 1 s before the function's ${var.timeout} s timeout (itself below API Gateway's 29 s): shorten the read timeout or the attempts."
  }
}

variable "endpoint_rollout_seconds" {
  description = "How long a normal rollout may have the endpoint serve another vocabulary than the function: the endpoint's traffic steps and termination wait (the sagemaker_endpoint module's endpoint_rollout_seconds output). The text-fallback alarm waits this long on top of alarm_thresholds.text_fallback_periods, so a canary or linear rollout does not set it off."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.endpoint_rollout_seconds >= 0 && var.endpoint_rollout_seconds <= 7200
    error_message = "endpoint_rollout_seconds must be from 0 to 7200."
  }
}

variable "memory_size" {
  description = "Memory of the function in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency: the most executions the function may hold, set aside from the account's pool. null (default) leaves it unreserved, which every account accepts. A reservation must leave the account 100 unreserved (quota >= this + 100; new accounts can have 10, so none fits there). 0 disables the function."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null ? true : var.reserved_concurrent_executions >= 0 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be null (unreserved) or a whole number >= 0."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's CloudWatch log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "alias_name" {
  description = "Alias that API Gateway invokes; it points to the version each apply publishes."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{0,127}$", var.alias_name)) && var.alias_name != "LATEST"
    error_message = "alias_name must start with a letter and hold letters, digits, hyphens or underscores."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the handler's embedded-metric-format figures (METRICS_NAMESPACE)."
  type        = string
  default     = "ImdbSentiment"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1-255 letters, digits or . _ / # : - and not start with AWS/."
  }
}

variable "create_alarms" {
  description = "Create the function's CloudWatch alarms (errors, throttles, duration near the timeout, the handler's endpoint errors and vocabulary fallbacks)."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires and when it recovers (e.g. one SNS topic); [] only records the state."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "alarm_period_seconds" {
  description = "Period of every alarm's statistic, in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60 (these metrics have standard resolution)."
  }
}

variable "alarm_evaluation_periods" {
  description = "Periods each alarm looks back over."
  type        = number
  default     = 5

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number of at least 1."
  }
}

variable "alarm_datapoints_to_alarm" {
  description = "Breaching periods among the last alarm_evaluation_periods that fire an alarm (OK again after that many clean periods)."
  type        = number
  default     = 1

  validation {
    condition     = var.alarm_datapoints_to_alarm >= 1 && floor(var.alarm_datapoints_to_alarm) == var.alarm_datapoints_to_alarm
    error_message = "alarm_datapoints_to_alarm must be a whole number of at least 1."
  }
}

variable "alarm_thresholds" {
  description = "Alarm thresholds: errors, throttles and endpoint_errors per period, duration as a percent of the timeout, and periods in a row with text fallbacks (a Lambda and an endpoint on different vocabularies)."
  type = object({
    errors                = optional(number, 1)
    throttles             = optional(number, 1)
    duration_percent      = optional(number, 80)
    endpoint_errors       = optional(number, 5)
    text_fallback_periods = optional(number, 15)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarm_thresholds.duration_percent > 0 && var.alarm_thresholds.duration_percent <= 100
    error_message = "alarm_thresholds.duration_percent must be above 0 and at most 100."
  }

  validation {
    condition     = var.alarm_thresholds.text_fallback_periods >= 1 && floor(var.alarm_thresholds.text_fallback_periods) == var.alarm_thresholds.text_fallback_periods
    error_message = "alarm_thresholds.text_fallback_periods must be a whole number of at least 1."
  }
}
