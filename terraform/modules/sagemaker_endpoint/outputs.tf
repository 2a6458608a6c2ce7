output "endpoint_name" {
  description = "Name of the SageMaker endpoint (stable across model updates)."
  value       = aws_sagemaker_endpoint.this.name
}

output "endpoint_arn" {
  description = "ARN of the SageMaker endpoint."
  value       = aws_sagemaker_endpoint.this.arn
}

output "endpoint_configuration_name" {
  description = "Name of the current endpoint configuration (<name>-<hash>)."
  value       = aws_sagemaker_endpoint.this.endpoint_config_name
}

output "model_name" {
  description = "Name of the current SageMaker model (<name>-<hash>)."
  value       = aws_sagemaker_model.this.name
}

output "image_uri" {
  description = "Serving image URI resolved for the region."
  value       = data.aws_sagemaker_prebuilt_ecr_image.this.registry_path
}

output "execution_role_arn" {
  description = "ARN of the SageMaker execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the endpoint's containers."
  value       = aws_cloudwatch_log_group.this.name
}

output "autoscaling_policy_arn" {
  description = "ARN of the invocations-per-instance scaling policy (real-time only), else null."
  value       = try(aws_appautoscaling_policy.invocations_per_instance[0].arn, null)
}

output "alarm_names" {
  description = "Names of the endpoint's CloudWatch alarms by signal (Invocation5XXErrors, ModelLatency, and ModelSetupTime for serverless)."
  value       = { for signal, alarm in aws_cloudwatch_metric_alarm.this : signal => alarm.alarm_name }
}

output "alarm_arns" {
  description = "ARNs of the endpoint's CloudWatch alarms by signal."
  value       = { for signal, alarm in aws_cloudwatch_metric_alarm.this : signal => alarm.arn }
}

output "endpoint_rollout_seconds" {
  description = "How long a rollout may have the new fleet serve beside (or instead of) the old before the update ends: the real-time deployment's traffic steps x wait_interval_in_seconds plus termination_wait_in_seconds; 0 for serverless endpoints (one step, no wait). The inference_lambda module's text-fallback alarm waits this long."
  value       = local.real_time ? local.deployment_wait_seconds : 0
}

output "model_package_arn" {
  description = "ARN of the model package the current model was created from, or null when it serves model_data_url."
  value       = var.model_package_arn
}
