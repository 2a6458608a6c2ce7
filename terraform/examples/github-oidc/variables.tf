variable "region" {
  description = "AWS region of the stack the deploy role manages."
  type        = string
  default     = "eu-west-1"
}

variable "github_repository" {
  description = "The repository whose workflows may assume the roles, as OWNER/REPO."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be OWNER/REPO (no wildcards)."
  }
}

variable "deploy_environment" {
  description = "The GitHub environment (with required reviewers) whose jobs may assume the deploy role."
  type        = string
  default     = "production"
}

variable "plan_subjects" {
  description = "Exact `sub` claims that may assume the plan role; null means the repository's pull requests and its main branch. Set it when the repository's claim is customised or uses the OWNER@ID/REPO@ID form."
  type        = list(string)
  default     = null

  validation {
    condition     = var.plan_subjects == null ? true : length(var.plan_subjects) > 0 && alltrue([for subject in var.plan_subjects : !strcontains(subject, "*") && !strcontains(subject, "?")])
    error_message = "plan_subjects must list exact subjects: wildcards would let any branch, pull request or environment in."
  }
}

variable "deploy_subjects" {
  description = "Exact `sub` claims that may assume the deploy role; null means the repository's deploy environment only."
  type        = list(string)
  default     = null

  validation {
    condition     = var.deploy_subjects == null ? true : length(var.deploy_subjects) > 0 && alltrue([for subject in var.deploy_subjects : !strcontains(subject, "*") && !strcontains(subject, "?")])
    error_message = "deploy_subjects must list exact subjects: wildcards would let any branch, pull request or environment in."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider (token.actions.githubusercontent.com); null creates it (there can be only one per account)."
  type        = string
  default     = null
}

variable "stack_name" {
  description = "The `name` of the stack the deploy role manages: it may change only resources whose names start with it."
  type        = string
  default     = "imdb-sentiment"
}

variable "state_bucket_arn" {
  description = "ARN of the Terraform state bucket (examples/state-backend output `bucket_arn`)."
  type        = string
}

variable "state_key" {
  description = "The stack's state key in that bucket (the backend's `key`)."
  type        = string
  default     = "imdb-sentiment/production/terraform.tfstate"
}

variable "tags" {
  description = "Tags of the roles and the provider."
  type        = map(string)
  default     = {}
}

variable "training" {
  description = "Set to let the manually started training workflow run `make train-remote`: the training role its jobs run as (examples' training_role module output) and the bucket they read and write. null creates no training role."
  type = object({
    role_arn   = string
    bucket_arn = string
  })
  default = null
}

variable "training_environment" {
  description = "The GitHub environment whose jobs may assume the training role."
  type        = string
  default     = "training"
}
