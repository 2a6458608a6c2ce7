variable "name" {
  description = "Name of the REST API (also names its log group and the optional CloudWatch role)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Description of the REST API."
  type        = string
  default     = "Sentiment prediction API"
}

variable "function_name" {
  description = "Name of the Lambda function behind POST /predict (receives the invoke permission)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be a Lambda function name (not an ARN)."
  }
}

variable "function_qualifier" {
  description = "Alias (or version) of the function that function_invoke_arn names; its invoke permission is granted on it. null for the unqualified function."
  type        = string
  default     = null
}

variable "function_invoke_arn" {
  description = "Invoke ARN of that function for the AWS_PROXY integration."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:apigateway:[a-z0-9-]+:lambda:path/.+/invocations$", var.function_invoke_arn))
    error_message = "function_invoke_arn must be a Lambda invoke ARN (arn:...:apigateway:...:lambda:path/.../invocations)."
  }
}

variable "stage_name" {
  description = "Name of the stage; the predict URL is <invoke url>/<stage_name>/predict."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 letters, digits or underscores."
  }
}

variable "allowed_origins" {
  description = "Origins allowed by the CORS preflight. [\"*\"] allows any; otherwise the request's Origin is echoed only when listed."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for origin in var.allowed_origins : origin == "*" || can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    error_message = "allowed_origins entries must be \"*\" or scheme://host[:port] without a path or trailing slash."
  }
}

variable "cors_allow_headers" {
  description = "Request headers the preflight allows."
  type        = list(string)
  default     = ["Content-Type"]

  validation {
    condition     = length(var.cors_allow_headers) > 0 && alltrue([for header in var.cors_allow_headers : can(regex("^[A-Za-z0-9-]+$", header))])
    error_message = "cors_allow_headers must be a non-empty list of header names."
  }
}

variable "cors_max_age_seconds" {
  description = "How long browsers may cache a preflight answer (Access-Control-Max-Age)."
  type        = number
  default     = 600

  validation {
    condition     = var.cors_max_age_seconds >= 0 && var.cors_max_age_seconds <= 86400 && floor(var.cors_max_age_seconds) == var.cors_max_age_seconds
    error_message = "cors_max_age_seconds must be a whole number from 0 to 86400."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second allowed on the stage (all methods)."
  type        = number
  default     = 20

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be above 0 and at most 10000 (the account default)."
  }
}

variable "throttling_burst_limit" {
  description = "Burst of requests allowed on the stage above the steady rate."
  type        = number
  default     = 40

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number from 1 to 5000 (the account default)."
  }
}

variable "execution_logging_level" {
  description = "API Gateway execution logging (\"OFF\", \"ERROR\" or \"INFO\") while stage logging is on (create_cloudwatch_role or existing_cloudwatch_role_arn); without an account CloudWatch role it is OFF."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "create_cloudwatch_role" {
  description = "Create the account-level CloudWatch role API Gateway needs for stage logging and register it (aws_api_gateway_account, reset on destroy), and turn stage logging on. One per account and region: it replaces any role set there, so leave false if the account has one (set existing_cloudwatch_role_arn instead), and on emulators."
  type        = bool
  default     = false
  nullable    = false
}

variable "existing_cloudwatch_role_arn" {
  description = "ARN of the CloudWatch role already registered in this account and region's API Gateway settings (`aws apigateway get-account`): turns stage logging on (access logs, execution logging) without touching the setting. null with create_cloudwatch_role false: the stage has no logging, which a fresh account (no role) accepts."
  type        = string
  default     = null

  validation {
    condition     = var.existing_cloudwatch_role_arn == null || can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/.+$", var.existing_cloudwatch_role_arn))
    error_message = "existing_cloudwatch_role_arn must be null or an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }

  validation {
    condition     = var.existing_cloudwatch_role_arn == null || !var.create_cloudwatch_role
    error_message = "Set existing_cloudwatch_role_arn (the account has a role) or create_cloudwatch_role (create and register one), not both."
  }
}

variable "api_keys" {
  description = "API keys for programmatic clients, by name: each gets its own usage plan with its own steady rate (requests/s), burst and optional quota per period. Non-empty makes POST /predict require an x-api-key header; {} (default) leaves the API keyless."
  type = map(object({
    rate_limit   = number
    burst_limit  = number
    quota_limit  = optional(number)
    quota_period = optional(string, "DAY")
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.api_keys) : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", name))])
    error_message = "api_keys names must be 1-64 letters, digits, hyphens or underscores."
  }

  validation {
    condition = alltrue([for key in values(var.api_keys) : key.rate_limit > 0 && key.rate_limit <= var.throttling_rate_limit &&
    key.burst_limit >= 1 && key.burst_limit <= var.throttling_burst_limit && floor(key.burst_limit) == key.burst_limit])
    error_message = "Each API key's rate_limit must be above 0 and its burst_limit a whole number of at least 1, neither above the stage's throttling limits (a key cannot get more than the stage allows)."
  }

  validation {
    condition     = alltrue([for key in values(var.api_keys) : key.quota_limit == null ? true : key.quota_limit >= 1 && floor(key.quota_limit) == key.quota_limit])
    error_message = "quota_limit must be null (no quota) or a whole number of requests of at least 1."
  }

  validation {
    condition     = alltrue([for key in values(var.api_keys) : contains(["DAY", "WEEK", "MONTH"], key.quota_period)])
    error_message = "quota_period must be DAY, WEEK or MONTH."
  }
}

variable "page_route" {
  description = "With api_keys set, a keyless POST /web-predict for the web page (a page cannot keep a key secret). API Gateway applies the stage's throttle to each method, so the route has its own bucket; rate_limit and burst_limit set a smaller one (a method setting; LocalStack cannot remove one, so leave them null there). null: no keyless route (every call needs a key; the page cannot call the API)."
  type = object({
    rate_limit  = optional(number)
    burst_limit = optional(number)
  })
  default = {}

  validation {
    condition     = var.page_route == null ? true : (var.page_route.rate_limit == null) == (var.page_route.burst_limit == null)
    error_message = "Set both page_route.rate_limit and page_route.burst_limit, or neither (the stage's throttle then applies to the route)."
  }

  validation {
    condition = try(var.page_route.rate_limit == null || var.page_route.burst_limit == null, true) ? true : (var.page_route.rate_limit > 0 && var.page_route.rate_limit <= var.throttling_rate_limit &&
    var.page_route.burst_limit >= 1 && var.page_route.burst_limit <= var.throttling_burst_limit && floor(var.page_route.burst_limit) == var.page_route.burst_limit)
    error_message = "page_route's rate_limit must be above 0 and its burst_limit a whole number of at least 1, neither above the stage's throttling limits."
  }
}

variable "waf" {
  description = "Attach an AWS WAF web ACL (REGIONAL) to the stage: a per-IP rate-based rule (requests per evaluation window) and the AWS managed common rule set, with the listed rules of that set only counted; null (default) attaches none (a web ACL has a monthly fee)."
  type = object({
    rate_limit_per_ip           = optional(number, 1000)
    evaluation_window_sec       = optional(number, 300)
    common_rule_set_count_rules = optional(list(string), ["SizeRestrictions_BODY"])
  })
  default = null

  validation {
    condition     = var.waf == null ? true : var.waf.rate_limit_per_ip >= 10 && var.waf.rate_limit_per_ip <= 2000000000 && floor(var.waf.rate_limit_per_ip) == var.waf.rate_limit_per_ip
    error_message = "waf.rate_limit_per_ip must be a whole number from 10 to 2,000,000,000 (AWS WAF's limits)."
  }

  validation {
    condition     = var.waf == null ? true : contains([60, 120, 300, 600], var.waf.evaluation_window_sec)
    error_message = "waf.evaluation_window_sec must be 60, 120, 300 or 600."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the access log group."
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

variable "create_alarms" {
  description = "Create the stage's CloudWatch alarms (5XX answers, p99 latency)."
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
    error_message = "alarm_period_seconds must be a multiple of 60 (API Gateway metrics have standard resolution)."
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

variable "alarm_thresholds" {
  description = "Alarm thresholds: 5XX answers per period (server_errors, in breaching periods 1 of the evaluation periods) and p99 latency in ms (latency_p99_ms, in 3 of them)."
  type = object({
    server_errors  = optional(number, 5)
    latency_p99_ms = optional(number, 5000)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.alarm_thresholds.server_errors >= 1 && var.alarm_thresholds.latency_p99_ms > 0 && var.alarm_thresholds.latency_p99_ms <= 29000
    error_message = "alarm_thresholds.server_errors must be at least 1 and latency_p99_ms within (0, 29000]."
  }
}
