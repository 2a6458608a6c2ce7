# The S3 backend with Terraform's native lock file (Terraform >= 1.10; no DynamoDB table): a partial
# configuration. Copy it into the configuration to run as `backend_override.tf` (git ignores that name), then
#   terraform init -backend-config=production.s3.tfbackend
# with bucket, key and region in that file (examples/state-backend creates the bucket and prints the file).
# Without it every configuration here keeps local state, which is what `make up` uses.
terraform {
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
