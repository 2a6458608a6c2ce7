variable "bucket_prefix" {
  description = "Prefix of the bucket name; AWS appends a unique suffix. Lower case, digits and hyphens, at most 37 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,36}$", var.bucket_prefix))
    error_message = "bucket_prefix must be 2-37 characters of lower-case letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "policy_documents" {
  description = "IAM policy documents (JSON, e.g. aws_iam_policy_document.json) whose statements join the bucket policy beside the module's TLS-only deny. Sids must be unique; a statement with sid DenyInsecureTransport is replaced by the module's."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts new objects (SSE-KMS with an S3 bucket key); null encrypts with S3-managed keys (SSE-S3, AES256), which readers need no key grant for."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key or alias ARN."
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
  default     = false
}

variable "tags" {
  description = "Tags of the bucket."
  type        = map(string)
  default     = {}
}
