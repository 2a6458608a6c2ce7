output "bucket_id" {
  description = "Name of the bucket. Whatever refers to it waits until the bucket is private and encrypted, so no object lands unencrypted."
  value       = aws_s3_bucket.this.id

  depends_on = [
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
  ]
}

output "bucket_arn" {
  description = "ARN of the bucket (for the callers' policy statements)."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket (e.g. a CloudFront origin)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "policy" {
  description = "The bucket policy as attached: the callers' statements and the TLS-only deny."
  value       = aws_s3_bucket_policy.this.policy
}
