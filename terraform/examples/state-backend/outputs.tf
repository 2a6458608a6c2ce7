output "bucket" {
  description = "Name of the state bucket: the backend's `bucket`."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the state bucket, for the policies of the roles that plan and apply (see examples/github-oidc)."
  value       = module.bucket.bucket_arn
}

output "backend_config" {
  description = "Contents of a `<stack>.s3.tfbackend` file for `terraform init -backend-config=...` (set `key` per stack)."
  value       = <<-EOT
    bucket       = "${module.bucket.bucket_id}"
    key          = "imdb-sentiment/production/terraform.tfstate"
    region       = "${var.region}"
    encrypt      = true
    use_lockfile = true
  EOT
}
