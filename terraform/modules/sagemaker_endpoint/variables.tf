variable "name" {
  description = "Endpoint name; the model and endpoint configuration are named <name>-<content hash>."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,49}$", var.name))
    error_message = "name must be 1-50 letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "model_data_url" {
  description = "s3:// URI of the model.tar.gz (scikit-learn container layout with code/inference.py); set either this (with artifact_hash) or model_package_arn."
  type        = string
  default     = null

  validation {
    condition     = var.model_data_url == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", var.model_data_url))
    error_message = "model_data_url must be an s3://bucket/key URI."
  }
}

variable "model_package_arn" {
  description = "ARN of a versioned SageMaker model package (arn:...:model-package/<group>/<version>) to deploy instead of model_data_url. SageMaker refuses to create a model from a package that is not Approved, so an apply with a pending or rejected package fails and the endpoint keeps its model. The package's model data must lie under model_read_prefix_url."
  type        = string
  default     = null

  validation {
    condition     = var.model_package_arn == null ? true : can(regex("^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/[0-9]+$", var.model_package_arn))
    error_message = "model_package_arn must be the ARN of a versioned model package: arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>."
  }

  validation {
    condition     = (var.model_package_arn == null) != (var.model_data_url == null)
    error_message = "Set exactly one of model_data_url (an artifact in S3) and model_package_arn (a model package)."
  }

  # The package's artifact is known only to SageMaker: the execution role reads it through the prefix.
  validation {
    condition     = var.model_package_arn == null || var.model_read_prefix_url != null
    error_message = "model_package_arn needs model_read_prefix_url: the s3:// prefix holding the packages' model data, which the execution role may read."
  }
}

variable "model_read_prefix_url" {
  description = "s3:// prefix holding every version of the model (e.g. s3://bucket/models/). When set, the role may read all objects under it, so that instances of the previous model can still start while an update rolls out; null allows only model_data_url."
  type        = string
  default     = null

  validation {
    condition     = var.model_read_prefix_url == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^*]+/)?$", var.model_read_prefix_url))
    error_message = "model_read_prefix_url must be null or an s3://bucket/ or s3://bucket/prefix/ URI ending in \"/\" (no wildcard)."
  }

  validation {
    condition     = var.model_read_prefix_url == null || var.model_data_url == null ? true : startswith(coalesce(var.model_data_url, "-"), coalesce(var.model_read_prefix_url, "-"))
    error_message = "model_data_url must lie under model_read_prefix_url."
  }
}

variable "artifact_hash" {
  description = "Hex digest identifying the model artifact (e.g. its SHA-256), with model_data_url; a new value deploys a new model. Unused with model_package_arn (the ARN names the model)."
  type        = string
  default     = null

  validation {
    condition     = var.artifact_hash == null ? var.model_data_url == null : can(regex("^[0-9a-f]{12,}$", var.artifact_hash))
    error_message = "artifact_hash must be a lower-case hex digest of at least 12 characters, set together with model_data_url."
  }
}

variable "image_repository" {
  description = "SageMaker prebuilt image repository serving the model."
  type        = string
  default     = "sagemaker-scikit-learn"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]*$", var.image_repository))
    error_message = "image_repository must be an ECR repository name."
  }
}

variable "image_tag" {
  description = "Tag of the serving image; keep it equal to the scikit-learn version the model was trained with."
  type        = string
  default     = "1.4-2-cpu-py3"

  # The provider's data source builds any tag into a URI without checking it; a tag that does not exist
  # fails only at CreateModel, after minutes of retries. These are the sagemaker-scikit-learn tags the
  # SageMaker Python SDK knows (image_uri_config/sklearn.json: <version>-cpu-py3, plus the Graviton one).
  validation {
    condition = var.image_repository != "sagemaker-scikit-learn" || contains([
      "0.20.0-cpu-py3", "0.23-1-cpu-py3", "1.0-1-cpu-py3", "1.0-1-arm64-cpu-py3", "1.2-1-cpu-py3",
      "1.4-2-cpu-py3", "1.4-2-py312-cpu-py3",
    ], var.image_tag)
    error_message = "image_tag must be a sagemaker-scikit-learn tag that exists: 0.20.0-cpu-py3, 0.23-1-cpu-py3, 1.0-1-cpu-py3, 1.0-1-arm64-cpu-py3, 1.2-1-cpu-py3, 1.4-2-cpu-py3 or 1.4-2-py312-cpu-py3."
  }
}

variable "environment" {
  description = "Extra environment variables for the serving container (SAGEMAKER_PROGRAM and SAGEMAKER_SUBMIT_DIRECTORY are always set)."
  type        = map(string)
  default     = {}
}

variable "endpoint_type" {
  description = "\"serverless\" (scales to zero, no idle cost) or \"real-time\" (instances with autoscaling)."
  type        = string
  default     = "serverless"

  validation {
    condition     = contains(["serverless", "real-time"], var.endpoint_type)
    error_message = "endpoint_type must be \"serverless\" or \"real-time\"."
  }
}

variable "serverless" {
  description = "Serverless variant settings, used when endpoint_type is \"serverless\"."
  type = object({
    memory_size_in_mb       = optional(number, 2048)
    max_concurrency         = optional(number, 5)
    provisioned_concurrency = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains([1024, 2048, 3072, 4096, 5120, 6144], var.serverless.memory_size_in_mb)
    error_message = "serverless.memory_size_in_mb must be one of 1024, 2048, 3072, 4096, 5120, 6144."
  }

  validation {
    condition     = var.serverless.max_concurrency >= 1 && var.serverless.max_concurrency <= 200 && floor(var.serverless.max_concurrency) == var.serverless.max_concurrency
    error_message = "serverless.max_concurrency must be a whole number from 1 to 200."
  }

  validation {
    condition     = var.serverless.provisioned_concurrency == null ? true : (var.serverless.provisioned_concurrency >= 1 && var.serverless.provisioned_concurrency <= var.serverless.max_concurrency)
    error_message = "serverless.provisioned_concurrency must be null or between 1 and max_concurrency."
  }
}

variable "serverless_regions" {
  description = "Regions where SageMaker Serverless Inference exists (every commercial region with SageMaker, not China, GovCloud or ISO, per the SageMaker developer guide). A serverless endpoint elsewhere is refused at plan time; add a region here when AWS adds one."
  type        = list(string)
  default = [
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  ]
  nullable = false
}

variable "real_time" {
  description = "Real-time variant settings, used when endpoint_type is \"real-time\": instances, autoscaling bounds and the SageMakerVariantInvocationsPerInstance target. Application Auto Scaling refuses burstable (ml.t*) instances, so autoscaling needs another type; to change instance_type on a running endpoint, see the README (two applies)."
  type = object({
    instance_type                   = optional(string, "ml.m5.large")
    initial_instance_count          = optional(number, 1)
    autoscaling                     = optional(bool, true)
    max_instance_count              = optional(number, 2)
    target_invocations_per_instance = optional(number, 100)
  })
  default  = {}
  nullable = false

  validation {
    condition     = can(regex("^ml\\.[a-z0-9]+\\.[a-z0-9]+$", var.real_time.instance_type))
    error_message = "real_time.instance_type must be a SageMaker instance type such as \"ml.m5.large\"."
  }

  validation {
    condition     = !(var.real_time.autoscaling && startswith(var.real_time.instance_type, "ml.t"))
    error_message = "real_time.instance_type is burstable (ml.t*): Application Auto Scaling does not accept burstable instances for SageMaker variants. Choose e.g. ml.m5.large or ml.c5.large, or set real_time.autoscaling = false."
  }

  validation {
    condition     = var.real_time.initial_instance_count >= 1 && var.real_time.max_instance_count >= var.real_time.initial_instance_count
    error_message = "real_time needs initial_instance_count >= 1 and max_instance_count >= initial_instance_count."
  }

  validation {
    condition     = var.real_time.target_invocations_per_instance > 0
    error_message = "real_time.target_invocations_per_instance must be positive."
  }
}

variable "deployment" {
  description = "Deployment guardrails of real-time endpoints (blue/green): traffic shifting (ALL_AT_ONCE, CANARY or LINEAR), the wait between steps (baking period), how long the old fleet is kept after the shift, and automatic rollback when one of this module's alarms fires during the deployment. Serverless endpoints ignore it (see README)."
  type = object({
    traffic_routing                      = optional(string, "ALL_AT_ONCE")
    wait_interval_in_seconds             = optional(number, 300)
    canary_size_percent                  = optional(number, 10)
    linear_step_size_percent             = optional(number, 25)
    termination_wait_in_seconds          = optional(number, 300)
    maximum_execution_timeout_in_seconds = optional(number)
    auto_rollback                        = optional(bool, true)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["ALL_AT_ONCE", "CANARY", "LINEAR"], var.deployment.traffic_routing)
    error_message = "deployment.traffic_routing must be \"ALL_AT_ONCE\", \"CANARY\" or \"LINEAR\"."
  }

  validation {
    condition     = var.deployment.wait_interval_in_seconds >= 0 && var.deployment.wait_interval_in_seconds <= 3600 && var.deployment.termination_wait_in_seconds >= 0 && var.deployment.termination_wait_in_seconds <= 3600
    error_message = "deployment.wait_interval_in_seconds and termination_wait_in_seconds must be between 0 and 3600 (SageMaker's limits)."
  }

  # SageMaker's TrafficRoutingConfig: a canary may hold at most 50 % of the new fleet, a linear step 10-50 %.
  validation {
    condition     = floor(var.deployment.canary_size_percent) == var.deployment.canary_size_percent && var.deployment.canary_size_percent >= 1 && var.deployment.canary_size_percent <= 50
    error_message = "deployment.canary_size_percent must be a whole number from 1 to 50: SageMaker refuses a canary larger than half of the new fleet (TrafficRoutingConfig.CanarySize)."
  }

  validation {
    condition     = floor(var.deployment.linear_step_size_percent) == var.deployment.linear_step_size_percent && var.deployment.linear_step_size_percent >= 10 && var.deployment.linear_step_size_percent <= 50
    error_message = "deployment.linear_step_size_percent must be a whole number from 10 to 50: SageMaker refuses linear steps outside 10-50 % of the new fleet (TrafficRoutingConfig.LinearStepSize)."
  }

  # Traffic moves in whole instances: with one instance any canary or step is the whole fleet (100 % > 50 %).
  validation {
    condition     = var.endpoint_type != "real-time" || var.deployment.traffic_routing == "ALL_AT_ONCE" || var.real_time.initial_instance_count >= 2
    error_message = "deployment.traffic_routing = \"${var.deployment.traffic_routing}\" needs real_time.initial_instance_count >= 2: SageMaker shifts traffic in whole instances and refuses a canary or linear step above 50 % of the new fleet, which one instance always is. Use ALL_AT_ONCE on one instance, or at least two."
  }

  # The aws provider waits at most 60 minutes for an update (see local.provider_update_wait_seconds); a
  # deployment allowed to run longer would outlive the apply that started it.
  validation {
    condition     = var.deployment.maximum_execution_timeout_in_seconds == null ? true : (floor(var.deployment.maximum_execution_timeout_in_seconds) == var.deployment.maximum_execution_timeout_in_seconds && var.deployment.maximum_execution_timeout_in_seconds >= 600 && var.deployment.maximum_execution_timeout_in_seconds <= 3600)
    error_message = "deployment.maximum_execution_timeout_in_seconds must be null or a whole number from 600 (SageMaker's minimum) to 3600: the aws provider waits at most 60 minutes for an endpoint update, so a longer deployment would fail the apply while SageMaker is still deploying."
  }
}

variable "data_capture" {
  description = "Capture requests and responses to S3 (real-time endpoints only; serverless endpoints do not support data capture). null disables it."
  type = object({
    destination_s3_uri  = string
    sampling_percentage = optional(number, 100)
  })
  default = null

  validation {
    condition     = var.data_capture == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", var.data_capture.destination_s3_uri))
    error_message = "data_capture.destination_s3_uri must be an s3:// URI."
  }

  validation {
    condition     = var.data_capture == null ? true : (var.data_capture.sampling_percentage >= 1 && var.data_capture.sampling_percentage <= 100)
    error_message = "data_capture.sampling_percentage must be between 1 and 100."
  }

  validation {
    condition     = var.data_capture == null || var.endpoint_type == "real-time"
    error_message = "data_capture needs endpoint_type = \"real-time\": serverless endpoints do not support data capture."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the endpoint's CloudWatch log group."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "alarms" {
  description = "The endpoint's CloudWatch alarms (one per signal, named <name>-<signal>): Invocation5XXErrors (sum per period), ModelLatency p99 (milliseconds) and, for serverless endpoints, ModelSetupTime (the cold-start time, maximum, milliseconds; cold starts are normal after idle time, so the default 15 s alarms only on those that near the 20 s the root's Lambda waits for a serverless answer, see the repository's docs/operations.md). An alarm fires after evaluation_periods periods of period_seconds over its threshold; the real-time deployment guardrails roll back on the first two."
  type = object({
    enabled                     = optional(bool, true)
    period_seconds              = optional(number, 60)
    evaluation_periods          = optional(number, 3)
    datapoints_to_alarm         = optional(number, 2)
    invocation_5xx_errors       = optional(number, 1)
    model_latency_p99_ms        = optional(number, 500)
    model_setup_time_maximum_ms = optional(number, 15000)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains([10, 30], var.alarms.period_seconds) || (var.alarms.period_seconds >= 60 && var.alarms.period_seconds % 60 == 0)
    error_message = "alarms.period_seconds must be 10, 30 or a multiple of 60 (CloudWatch's alarm periods)."
  }

  validation {
    condition     = var.alarms.datapoints_to_alarm >= 1 && var.alarms.datapoints_to_alarm <= var.alarms.evaluation_periods
    error_message = "alarms.datapoints_to_alarm must be between 1 and evaluation_periods."
  }

  validation {
    condition     = var.alarms.invocation_5xx_errors >= 0 && var.alarms.model_latency_p99_ms > 0 && var.alarms.model_setup_time_maximum_ms > 0
    error_message = "alarms thresholds must be positive (invocation_5xx_errors may be 0)."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm changes to ALARM and back to OK (e.g. an SNS topic); [] for none."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
