locals {
  # The object key carries the artifact's content hash, so a new model is a new object: the endpoint's
  # model (named after the same hash) is replaced, and the old object stays until the new one serves.
  artifact_sha256 = var.artifact_path == null ? null : filesha256(var.artifact_path)
  object_key      = var.artifact_path == null ? null : "${var.key_prefix}${local.artifact_sha256}/model.tar.gz"
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second log bucket; the bucket is private, TLS-only and written only by Terraform.
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage for an artifact that `make train` rebuilds.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) is used so SageMaker and Lambda need no KMS grants; no customer key is required.
  #checkov:skip=CKV2_AWS_62:No consumer of object-created events: the endpoint is updated by Terraform, not by S3 events.
  bucket_prefix = var.bucket_prefix
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.noncurrent_version_expiration_days == null ? 0 : 1

  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    # An empty prefix (every object) rather than `filter {}`: S3 echoes the rule back with Prefix "",
    # which the provider then reads as equal to the configuration (no wait for "steady" rules, no diff).
    filter {
      prefix = ""
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.deny_insecure_transport.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_object" "model" {
  count = var.artifact_path == null ? 0 : 1

  bucket       = aws_s3_bucket.this.id
  key          = local.object_key
  source       = var.artifact_path
  content_type = "application/gzip"

  tags = var.tags

  lifecycle {
    # The running endpoint keeps reading the old object (serverless cold starts download it again) until
    # the endpoint has switched to the new model: create the new object first, delete the old one last.
    create_before_destroy = true
  }

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this]
}
