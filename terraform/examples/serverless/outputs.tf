output "predict_url" {
  description = "POST a review here: {\"review\": \"...\"}."
  value       = module.api.predict_url
}

output "endpoint_name" {
  description = "Name of the SageMaker endpoint (only the function may invoke it)."
  value       = module.endpoint.endpoint_name
}

output "model_s3_uri" {
  description = "S3 URI of the uploaded model."
  value       = module.model_store.model_s3_uri
}

output "stage_logging_enabled" {
  description = "Whether the API stage writes access and execution logs (only with existing_api_gateway_cloudwatch_role_arn)."
  value       = module.api.stage_logging_enabled
}
