# One private S3 bucket with the hardening every bucket of this project gets: no public access, no ACLs,
# encryption at rest, versioning, replaced versions expiring, and a policy that refuses plain HTTP.
# Callers add their own statements to the same policy through policy_documents: a bucket takes one
# policy, so a second aws_s3_bucket_policy elsewhere would overwrite this one on every apply.

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Access logging needs a second log bucket; callers' buckets are private, TLS-only and written only by Terraform.
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage for content Terraform re-uploads from the repository.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default so SageMaker, Lambda and CloudFront OAC need no KMS grants; kms_key_arn selects SSE-KMS.
  #checkov:skip=CKV2_AWS_62:No consumer of object-created events: Terraform, not S3 events, drives every change.
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
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # An S3 bucket key cuts KMS requests (and their cost) per object; it means nothing for SSE-S3.
    bucket_key_enabled = var.kms_key_arn == null ? null : true
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

    # An empty prefix (every object) rather than `filter {}`: the empty block warns in provider >= 5.90
    # that it will become an error, and S3 echoes the rule back with Prefix "" (no perpetual diff).
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

# The callers' statements first, then the module's own: a caller's statement with the same sid as
# DenyInsecureTransport is replaced by the module's, so no caller can lift the TLS-only rule.
data "aws_iam_policy_document" "this" {
  source_policy_documents = var.policy_documents

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  # With block_public_policy on first, S3 rejects a policy that would make the bucket public.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
