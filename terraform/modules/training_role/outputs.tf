output "training_role_arn" {
  description = "ARN of the training job's execution role: pass it to `make train-remote ROLE_ARN=...` (--role-arn)."
  value       = aws_iam_role.this.arn
}

output "training_role_name" {
  description = "Name of the training job's execution role."
  value       = aws_iam_role.this.name
}

output "training_launcher_policy_json" {
  description = "IAM policy JSON for whoever runs `make train-remote`: start and follow these jobs, pass this role, upload under the prefixes."
  value       = data.aws_iam_policy_document.launcher.json
}
