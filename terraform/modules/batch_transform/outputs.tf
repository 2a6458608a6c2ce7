output "model_name" {
  description = "Name of the SageMaker model transform jobs run (<name>-batch-<hash>): `make score --remote --model-name`."
  value       = aws_sagemaker_model.this.name
}

output "role_arn" {
  description = "ARN of the model's execution role, which transform jobs run with."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the transform jobs' execution role."
  value       = aws_iam_role.this.name
}

output "input_s3_uri" {
  description = "s3:// prefix (ending in /) the jobs may read: upload reviews under it."
  value       = "s3://${var.bucket_name}/${var.input_prefix}/"
}

output "output_s3_uri" {
  description = "s3:// prefix (ending in /) the jobs may write their results under."
  value       = "s3://${var.bucket_name}/${var.output_prefix}/"
}

output "job_name_prefix" {
  description = "Prefix the jobs' names must start with (the role writes only their logs; the launcher starts only these)."
  value       = var.job_name_prefix
}

output "launcher_policy_json" {
  description = "IAM policy JSON for whoever runs `make score --remote`: upload input, start, follow and stop these jobs, read output and logs."
  value       = data.aws_iam_policy_document.launcher.json
}
