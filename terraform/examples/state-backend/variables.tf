variable "region" {
  description = "AWS region of the state bucket (the backend's `region`); it may differ from the stacks' region."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Prefix of the state bucket's name (AWS appends a unique suffix) and of its tags."
  type        = string
  default     = "imdb-sentiment-tfstate-"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,36}$", var.name))
    error_message = "name must be 2-37 characters of lower-case letters, digits and hyphens, starting with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the state (and the lock file); null uses S3-managed keys. With a key, every role using the backend also needs kms:Encrypt, kms:Decrypt and kms:GenerateDataKey on it."
  type        = string
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced state version is kept (every apply and every lock adds versions). Long enough to recover from a bad apply."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags of the bucket."
  type        = map(string)
  default     = {}
}
