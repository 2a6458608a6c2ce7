output "api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "api_execution_arn" {
  description = "Execution ARN of the REST API (prefix of its invoke permissions)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "predict_url" {
  description = "Full URL of POST /predict."
  value       = "${aws_api_gateway_stage.this.invoke_url}/${aws_api_gateway_resource.predict.path_part}"
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage's JSON access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "cloudwatch_role_arn" {
  description = "ARN of the account-level API Gateway CloudWatch role when created here, else null."
  value       = try(aws_iam_role.cloudwatch[0].arn, null)
}

output "redeployment_trigger" {
  description = "Hash of the API definition that triggers a new deployment when it changes."
  value       = aws_api_gateway_deployment.this.triggers["redeployment"]
}

output "alarm_arns" {
  description = "ARNs of the stage's CloudWatch alarms (empty when create_alarms is false)."
  value       = [for alarm in aws_cloudwatch_metric_alarm.this : alarm.arn]
}
