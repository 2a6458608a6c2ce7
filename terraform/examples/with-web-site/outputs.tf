output "site_url" {
  description = "Open this in a browser: the page that sends reviews to the API."
  value       = module.web_site.site_url
}

output "predict_url" {
  description = "POST a review here: {\"review\": \"...\"}."
  value       = module.api.predict_url
}
