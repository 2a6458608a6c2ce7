variable "name" {
  description = "Prefix of the role name (<name>-training)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9+=,.@_-]{1,55}$", var.name))
    error_message = "name must be 1-55 characters valid in an IAM role name."
  }
}

variable "bucket_name" {
  description = "S3 bucket holding the training data, the staged code and the job output (`make train-remote --bucket`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be an S3 bucket name."
  }
}

variable "input_prefix" {
  description = "Key prefix the job reads: the IMDB archive and the code the SDK stages (`<--prefix>/input`)."
  type        = string
  default     = "imdb-sentiment/training/input"

  validation {
    condition     = can(regex("^[^/*?]([^*?]*[^/*?])?$", var.input_prefix))
    error_message = "input_prefix must be a key prefix without wildcards or leading/trailing slashes."
  }
}

variable "output_prefix" {
  description = "Key prefix the job writes model.tar.gz and output.tar.gz under (`<--prefix>/output`)."
  type        = string
  default     = "imdb-sentiment/training/output"

  validation {
    condition     = can(regex("^[^/*?]([^*?]*[^/*?])?$", var.output_prefix))
    error_message = "output_prefix must be a key prefix without wildcards or leading/trailing slashes."
  }
}

variable "job_name_prefix" {
  description = "Training jobs are named <job_name_prefix>-<timestamp> (`make train-remote --job-name-prefix`); the role writes only their log streams."
  type        = string
  default     = "imdb-sentiment"

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,47}$", var.job_name_prefix))
    error_message = "job_name_prefix must be 1-48 letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "image_repository" {
  description = "SageMaker prebuilt image repository the job runs in (the serving framework's)."
  type        = string
  default     = "sagemaker-scikit-learn"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]*$", var.image_repository))
    error_message = "image_repository must be an ECR repository name."
  }
}

variable "image_tag" {
  description = "Tag of the training image; used only to resolve the region's registry account."
  type        = string
  default     = "1.4-2-cpu-py3"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+-[0-9]+-(cpu|gpu)-py3[0-9]*$", var.image_tag))
    error_message = "image_tag must look like \"1.4-2-cpu-py3\"."
  }
}

variable "tags" {
  description = "Tags for the role."
  type        = map(string)
  default     = {}
}
