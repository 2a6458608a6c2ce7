output "site_url" {
  description = "HTTPS URL of the page."
  value       = "https://${aws_cloudfront_distribution.this.domain_name}/"
}

output "site_origin" {
  description = "Origin of the page (scheme and host, no trailing slash): add it to the API's allowed CORS origins."
  value       = "https://${aws_cloudfront_distribution.this.domain_name}"
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (for cache invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "bucket_name" {
  description = "Name of the private bucket holding the page."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the private bucket holding the page."
  value       = module.bucket.bucket_arn
}

output "uploaded_files" {
  description = "Keys of the uploaded page files, config.js included."
  value       = sort(concat(keys(aws_s3_object.page), [aws_s3_object.config.key]))
}
