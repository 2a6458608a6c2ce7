output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "function_invoke_arn" {
  description = "Invoke ARN of the unqualified function ($LATEST); API Gateway should use alias_invoke_arn."
  value       = aws_lambda_function.this.invoke_arn
}

output "function_version" {
  description = "Version published by the last apply (the one the alias points to)."
  value       = aws_lambda_function.this.version
}

output "alias_name" {
  description = "Name of the alias callers invoke (the qualifier of their invoke permission)."
  value       = aws_lambda_alias.this.name
}

output "alias_arn" {
  description = "ARN of the alias."
  value       = aws_lambda_alias.this.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the alias, for an API Gateway AWS_PROXY integration."
  value       = aws_lambda_alias.this.invoke_arn
}

output "alarm_arns" {
  description = "ARNs of the function's CloudWatch alarms (empty when create_alarms is false)."
  value       = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.arn]
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}

output "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function; null when it is unreserved (shares the account's pool)."
  value       = var.reserved_concurrent_executions
}
