output "bucket_name" {
  description = "Name of the model bucket."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the model bucket."
  value       = module.bucket.bucket_arn
}

output "model_object_key" {
  description = "Key of the uploaded model.tar.gz, or null when nothing was uploaded."
  value       = try(aws_s3_object.model[0].key, null)
}

output "model_s3_uri" {
  description = "s3:// URI of the uploaded model.tar.gz (SageMaker's ModelDataUrl), or null when nothing was uploaded."
  value       = one([for object in aws_s3_object.model : "s3://${object.bucket}/${object.key}"])
}

output "model_prefix_s3_uri" {
  description = "s3:// prefix under which every uploaded model version lives."
  value       = "s3://${module.bucket.bucket_id}/${var.key_prefix}"
}

output "artifact_sha256" {
  description = "SHA-256 of the uploaded artifact (hex), or null when nothing was uploaded."
  value       = local.artifact_sha256
}
