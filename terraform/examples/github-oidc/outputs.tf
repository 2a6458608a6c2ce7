output "plan_role_arn" {
  description = "Role the pull-request plan job assumes (repository variable AWS_PLAN_ROLE_ARN)."
  value       = aws_iam_role.ci["plan"].arn
}

output "deploy_role_arn" {
  description = "Role the deploy job assumes from its environment (environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.ci["deploy"].arn
}

output "oidc_provider_arn" {
  description = "The account's GitHub OIDC provider (created here unless given)."
  value       = local.provider_arn
}

output "trust_policies" {
  description = "The roles' trust policies as attached, by role (plan, deploy)."
  value       = { for key, document in data.aws_iam_policy_document.trust : key => document.json }
}

output "train_role_arn" {
  description = "Role the training workflow assumes from its environment (environment variable AWS_TRAINING_ROLE_ARN); null without `training`."
  value       = try(aws_iam_role.ci["train"].arn, null)
}
