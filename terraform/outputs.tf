output "predict_url" {
  description = "Full URL of POST /predict."
  value       = module.api.predict_url
}

output "api_id" {
  description = "ID of the REST API."
  value       = module.api.api_id
}

output "stage_name" {
  description = "API Gateway stage name."
  value       = module.api.stage_name
}

output "api_stage_logging_enabled" {
  description = "Whether the API stage writes access and execution logs: false unless create_api_gateway_cloudwatch_role or existing_api_gateway_cloudwatch_role_arn is set (a fresh account has no API Gateway CloudWatch role and refuses stage logging)."
  value       = module.api.stage_logging_enabled
}

output "endpoint_name" {
  description = "Name of the SageMaker endpoint."
  value       = module.endpoint.endpoint_name
}

output "model_name" {
  description = "Name of the SageMaker model currently deployed (<name>-<hash>)."
  value       = module.endpoint.model_name
}

output "function_name" {
  description = "Name of the inference Lambda function."
  value       = module.inference_lambda.function_name
}

output "bucket_name" {
  description = "Name of the model bucket."
  value       = module.model_store.bucket_name
}

output "model_data_url" {
  description = "s3:// URI of the model artifact the endpoint serves."
  value       = local.model_data_url
}

output "endpoint_configuration_name" {
  description = "Name of the endpoint configuration currently deployed (<name>-<hash>)."
  value       = module.endpoint.endpoint_configuration_name
}

output "cors_allowed_origins" {
  description = "Origins the API grants CORS (allowed_origins plus the web page's origin when deployed)."
  value       = local.allowed_origins
}

output "site_url" {
  description = "HTTPS URL of the web page (enable_web), else null."
  value       = try(module.web_site[0].site_url, null)
}

output "training_role_arn" {
  description = "Execution role for `make train-remote` (--role-arn) when training is set, else null."
  value       = try(module.training_role[0].training_role_arn, null)
}

output "training_launcher_policy_json" {
  description = "IAM policy for whoever runs `make train-remote` when training is set, else null."
  value       = try(module.training_role[0].training_launcher_policy_json, null)
}

output "page_predict_url" {
  description = "URL the web page calls: the keyless POST /web-predict when api_keys are set, else predict_url."
  value       = module.api.page_predict_url
}

output "api_keys" {
  description = "API key values by name (send as the x-api-key header): `terraform output -json api_keys`."
  value       = module.api.api_keys
  sensitive   = true
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL on the API stage when waf is set, else null."
  value       = module.api.web_acl_arn
}

output "transform_model_name" {
  description = "SageMaker model that Batch Transform jobs run (`make score --remote --model-name`) when batch_transform is set, else null."
  value       = try(module.batch_transform[0].model_name, null)
}

output "transform_input_s3_uri" {
  description = "s3:// prefix transform jobs read (`--input-prefix`) when batch_transform is set, else null."
  value       = try(module.batch_transform[0].input_s3_uri, null)
}

output "transform_output_s3_uri" {
  description = "s3:// prefix transform jobs write (`--output-prefix`) when batch_transform is set, else null."
  value       = try(module.batch_transform[0].output_s3_uri, null)
}

output "transform_job_name_prefix" {
  description = "Prefix transform job names must start with (`--job-name-prefix`) when batch_transform is set, else null."
  value       = try(module.batch_transform[0].job_name_prefix, null)
}

output "transform_role_arn" {
  description = "Execution role of the transform model (its jobs run with it) when batch_transform is set, else null."
  value       = try(module.batch_transform[0].role_arn, null)
}

output "transform_launcher_policy_json" {
  description = "IAM policy for whoever runs `make score --remote` when batch_transform is set, else null."
  value       = try(module.batch_transform[0].launcher_policy_json, null)
}

output "function_alias_arn" {
  description = "ARN of the Lambda alias API Gateway invokes (it points to the version the last apply published)."
  value       = module.inference_lambda.alias_arn
}

output "function_version" {
  description = "Lambda version the alias points to."
  value       = module.inference_lambda.function_version
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies, or null when create_alarm_topic is false."
  value       = module.monitoring.topic_arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard, or null when enable_dashboard is false."
  value       = module.monitoring.dashboard_name
}

output "endpoint_alarm_names" {
  description = "Names of the SageMaker endpoint's CloudWatch alarms by signal."
  value       = module.endpoint.alarm_names
}

output "endpoint_alarm_arns" {
  description = "ARNs of the SageMaker endpoint's CloudWatch alarms by signal."
  value       = module.endpoint.alarm_arns
}

output "model_package_group_name" {
  description = "Model package group (Model Registry) where trained models are registered as versioned packages."
  value       = aws_sagemaker_model_package_group.models.model_package_group_name
}

output "model_package_arn" {
  description = "ARN of the model package the endpoint serves, or null when it serves an artifact (model_artifact_path or model_s3_uri)."
  value       = var.model_package_arn
}

output "model_package_data_prefix_s3_uri" {
  description = "s3:// prefix of the model bucket where a registered package's model.tar.gz must lie (the endpoint's role reads it there)."
  value       = local.registry_prefix_s3_uri
}
