output "predict_url" {
  description = "POST a review here: {\"review\": \"...\"}."
  value       = module.api.predict_url
}

output "model_name" {
  description = "Name of the SageMaker model serving model_s3_uri."
  value       = module.endpoint.model_name
}

output "execution_role_arn" {
  description = "Role SageMaker reads the model with: grant it s3:GetObject (and kms:Decrypt) if the bucket or key policy restricts access."
  value       = module.endpoint.execution_role_arn
}

output "stage_logging_enabled" {
  description = "Whether the API stage writes access and execution logs (only with existing_api_gateway_cloudwatch_role_arn)."
  value       = module.api.stage_logging_enabled
}
