variable "bucket_prefix" {
  description = "Prefix of the bucket name; AWS appends a unique suffix. Lower case, digits and hyphens, at most 37 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,36}$", var.bucket_prefix))
    error_message = "bucket_prefix must be 2-37 characters of lower-case letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "artifact_path" {
  description = "Local path of the model.tar.gz to upload. null uploads nothing (the model lives elsewhere, e.g. a training job's output)."
  type        = string
  default     = null

  validation {
    condition     = var.artifact_path == null ? true : fileexists(var.artifact_path)
    error_message = "artifact_path must name an existing file (run `make train` to build artifacts/model.tar.gz)."
  }
}

variable "key_prefix" {
  description = "Key prefix of the model objects; the object key is <key_prefix><sha256 of the artifact>/model.tar.gz."
  type        = string
  default     = "models/"

  validation {
    condition     = can(regex("^([A-Za-z0-9._-]+/)*$", var.key_prefix))
    error_message = "key_prefix must be empty or path segments of letters, digits, '.', '_' or '-' each ending in '/'."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which replaced (noncurrent) object versions are deleted; null adds no lifecycle rule (the provider waits about a minute for a new rule to settle, which emulators may skip)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days == null ? true : (var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days)
    error_message = "noncurrent_version_expiration_days must be null or a whole number of days >= 1."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects (all versions)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "policy_documents" {
  description = "IAM policy documents (JSON) whose statements join the bucket policy, e.g. a grant to another account's role; the TLS-only deny is always added."
  type        = list(string)
  default     = []
  nullable    = false
}
