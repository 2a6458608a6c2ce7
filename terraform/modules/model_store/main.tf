locals {
  # The object key carries the artifact's content hash, so a new model is a new object: the endpoint's
  # model (named after the same hash) is replaced, and the old object stays until the new one serves.
  artifact_sha256 = var.artifact_path == null ? null : filesha256(var.artifact_path)
  object_key      = var.artifact_path == null ? null : "${var.key_prefix}${local.artifact_sha256}/model.tar.gz"
}

# The private bucket (public access block, no ACLs, encryption, versioning, lifecycle, TLS-only policy)
# is the shared submodule's; this module adds only the model objects.
module "bucket" {
  source = "../private_bucket"

  bucket_prefix    = var.bucket_prefix
  force_destroy    = var.force_destroy
  policy_documents = var.policy_documents

  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days

  tags = var.tags
}

resource "aws_s3_object" "model" {
  count = var.artifact_path == null ? 0 : 1

  # module.bucket.bucket_id waits for the encryption configuration: no object is written unencrypted.
  bucket       = module.bucket.bucket_id
  key          = local.object_key
  source       = var.artifact_path
  content_type = "application/gzip"

  tags = var.tags

  lifecycle {
    # The running endpoint keeps reading the old object (serverless cold starts download it again) until
    # the endpoint has switched to the new model: create the new object first, delete the old one last.
    create_before_destroy = true
  }
}
