variable "name" {
  description = "Prefix of the role and model names (<name>-batch and <name>-batch-<content hash>)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,43}$", var.name))
    error_message = "name must be 1-44 letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "bucket_name" {
  description = "S3 bucket holding the transform jobs' input and output (the model bucket by default in the root)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be an S3 bucket name."
  }
}

variable "input_prefix" {
  description = "Key prefix the jobs read reviews (JSON Lines) from; `make score --remote` uploads under it."
  type        = string
  default     = "batch-transform/input"

  validation {
    condition     = can(regex("^[^/*?]([^*?]*[^/*?])?$", var.input_prefix))
    error_message = "input_prefix must be a key prefix without wildcards or leading/trailing slashes."
  }
}

variable "output_prefix" {
  description = "Key prefix the jobs write their <object>.out files under."
  type        = string
  default     = "batch-transform/output"

  validation {
    condition     = can(regex("^[^/*?]([^*?]*[^/*?])?$", var.output_prefix))
    error_message = "output_prefix must be a key prefix without wildcards or leading/trailing slashes."
  }

  validation {
    condition     = !startswith("${var.output_prefix}/", "${var.input_prefix}/") && !startswith("${var.input_prefix}/", "${var.output_prefix}/")
    error_message = "input_prefix and output_prefix must not contain each other (a job would read its own output)."
  }
}

variable "job_name_prefix" {
  description = "Transform jobs are named <job_name_prefix>-<timestamp>; the role writes only their log streams and the launcher starts only these jobs."
  type        = string
  default     = "imdb-sentiment-score"

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,47}$", var.job_name_prefix))
    error_message = "job_name_prefix must be 1-48 letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "model_data_url" {
  description = "s3:// URI of the model.tar.gz the jobs run (the endpoint's)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", var.model_data_url))
    error_message = "model_data_url must be an s3://bucket/key URI."
  }
}

variable "model_read_prefix_url" {
  description = "s3:// prefix holding every version of the model (e.g. s3://bucket/models/). When set, the role may read all objects under it, so its policy stays the same when a new model rolls out (and a job of the previous model can still start); null allows only model_data_url."
  type        = string
  default     = null

  validation {
    condition     = var.model_read_prefix_url == null ? true : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/([^*]+/)?$", var.model_read_prefix_url))
    error_message = "model_read_prefix_url must be null or an s3://bucket/ or s3://bucket/prefix/ URI ending in \"/\" (no wildcard)."
  }

  validation {
    condition     = var.model_read_prefix_url == null ? true : startswith(var.model_data_url, coalesce(var.model_read_prefix_url, "-"))
    error_message = "model_data_url must lie under model_read_prefix_url."
  }
}

variable "artifact_hash" {
  description = "Hex digest identifying the model artifact; a new value creates a new model (<name>-batch-<hash>)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{12,}$", var.artifact_hash))
    error_message = "artifact_hash must be a lower-case hex digest of at least 12 characters."
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
  description = "Tag of the serving image; keep it equal to the endpoint's."
  type        = string
  default     = "1.4-2-cpu-py3"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+-[0-9]+-(cpu|gpu)-py3[0-9]*$", var.image_tag))
    error_message = "image_tag must look like \"1.4-2-cpu-py3\"."
  }
}

variable "tags" {
  description = "Tags for the role and the model."
  type        = map(string)
  default     = {}
}
