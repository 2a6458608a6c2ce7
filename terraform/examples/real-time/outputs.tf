output "predict_url" {
  description = "POST a review here: {\"review\": \"...\"}."
  value       = module.api.predict_url
}

output "endpoint_name" {
  description = "Name of the SageMaker endpoint (only the function may invoke it)."
  value       = module.endpoint.endpoint_name
}

output "autoscaling_policy_arn" {
  description = "ARN of the target-tracking policy scaling the variant between 2 and 4 instances."
  value       = module.endpoint.autoscaling_policy_arn
}

output "endpoint_alarm_names" {
  description = "The endpoint's alarms: the deployment rolls back when one fires during a rollout."
  value       = module.endpoint.alarm_names
}

output "stage_logging_enabled" {
  description = "Whether the API stage writes access and execution logs (only with existing_api_gateway_cloudwatch_role_arn)."
  value       = module.api.stage_logging_enabled
}
