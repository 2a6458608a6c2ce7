output "site_url" {
  description = "Open this in a browser: the page that sends reviews to the API."
  value       = module.web_site.site_url
}

output "predict_url" {
  description = "POST a review here: {\"review\": \"...\"}."
  value       = module.api.predict_url
}

output "stage_logging_enabled" {
  description = "Whether the API stage writes access and execution logs (only with existing_api_gateway_cloudwatch_role_arn)."
  value       = module.api.stage_logging_enabled
}
