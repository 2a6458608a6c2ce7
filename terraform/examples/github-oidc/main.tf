provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  issuer   = "token.actions.githubusercontent.com"
  audience = "sts.amazonaws.com"
  # GitHub's subject forms: a pull request's, a branch's (jobs without an environment), an environment's.
  plan_subjects = coalesce(var.plan_subjects, [
    "repo:${var.github_repository}:pull_request",
    "repo:${var.github_repository}:ref:refs/heads/main",
  ])
  deploy_subjects = coalesce(var.deploy_subjects, ["repo:${var.github_repository}:environment:${var.deploy_environment}"])
  train_subjects  = ["repo:${var.github_repository}:environment:${var.training_environment}"]
  role_subjects = merge(
    { plan = local.plan_subjects, deploy = local.deploy_subjects },
    var.training == null ? {} : { train = local.train_subjects },
  )
  terraform_roles = toset(["plan", "deploy"])

  provider_arn = coalesce(var.oidc_provider_arn, one(aws_iam_openid_connect_provider.github[*].arn))
  account      = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  stack        = var.stack_name
  state_object = "${var.state_bucket_arn}/${var.state_key}"
  tags         = merge(var.tags, { ManagedBy = "terraform" })
}

# One per account: reuse it (oidc_provider_arn) when another stack made it. No thumbprint: AWS trusts
# GitHub's certificate authority itself (thumbprint_list is optional since provider 5.81).
resource "aws_iam_openid_connect_provider" "github" {
  count = var.oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = [local.audience]

  tags = local.tags
}

# Exact subjects (StringEquals), one trust per role: a wildcard would let any branch, pull request or
# environment of the repository, or of others, assume the role.
data "aws_iam_policy_document" "trust" {
  for_each = local.role_subjects

  statement {
    sid     = "GitHubActions"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = [local.audience]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = each.value
    }
  }
}

# Named github-<stack>-..., not <stack>-...: the deploy role may change roles named <stack>*, never itself.
resource "aws_iam_role" "ci" {
  for_each = data.aws_iam_policy_document.trust

  name                 = "github-${local.stack}-${each.key}"
  description          = "GitHub Actions of ${var.github_repository}: ${each.key} of ${local.stack}."
  assume_role_policy   = each.value.json
  max_session_duration = 3600

  tags = local.tags
}

# Reading every resource is what `terraform plan` refreshes; both roles need it.
resource "aws_iam_role_policy_attachment" "read_only" {
  for_each = local.terraform_roles

  role       = aws_iam_role.ci[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

# The state: plan reads it and takes the lock (a plan that cannot write <key>.tflock fails); deploy also writes it.
data "aws_iam_policy_document" "state" {
  for_each = local.terraform_roles

  statement {
    sid       = "ListStateBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]
  }

  statement {
    sid       = "ReadState"
    actions   = each.key == "deploy" ? ["s3:GetObject", "s3:PutObject"] : ["s3:GetObject"]
    resources = [local.state_object]
  }

  statement {
    sid       = "StateLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_object}.tflock"]
  }
}

resource "aws_iam_role_policy" "state" {
  for_each = local.terraform_roles

  name   = "terraform-state"
  role   = aws_iam_role.ci[each.key].name
  policy = data.aws_iam_policy_document.state[each.key].json
}
