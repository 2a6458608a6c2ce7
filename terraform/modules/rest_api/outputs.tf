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
  description = "CloudWatch log group of the stage's JSON access logs; null while stage logging is off."
  value       = try(aws_cloudwatch_log_group.access[0].name, null)
}

output "stage_logging_enabled" {
  description = "Whether the stage writes access logs and execution logs. false unless create_cloudwatch_role or existing_cloudwatch_role_arn is set: API Gateway refuses stage logging in an account and region without a CloudWatch role (a fresh account), so the stage is deployed without it."
  value       = local.logging_enabled
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

output "api_keys" {
  description = "Values of the API keys by name (send one as the x-api-key header); {} without api_keys."
  value       = { for name, key in aws_api_gateway_api_key.this : name => key.value }
  sensitive   = true
}

output "usage_plan_ids" {
  description = "IDs of the usage plans by API key name (one plan per key); {} without api_keys."
  value       = { for name, plan in aws_api_gateway_usage_plan.this : name => plan.id }
}

output "page_predict_url" {
  description = "URL the web page calls: the keyless POST /web-predict when api_keys are set (and page_route is not null), else predict_url."
  value       = local.page_route_enabled ? "${aws_api_gateway_stage.this.invoke_url}/${aws_api_gateway_resource.page_predict[0].path_part}" : "${aws_api_gateway_stage.this.invoke_url}/${aws_api_gateway_resource.predict.path_part}"
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL attached to the stage when waf is set, else null."
  value       = try(aws_wafv2_web_acl.this[0].arn, null)
}
