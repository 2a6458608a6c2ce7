provider "aws" {
  region = var.region
}

data "aws_iam_policy_document" "deletion_protection" {
  # Deleting the bucket would lose the record of every live deployment: refused for everyone, whatever
  # their IAM policy says. To retire the bucket on purpose, remove this statement first (see README).
  statement {
    sid       = "DenyBucketDeletion"
    effect    = "Deny"
    actions   = ["s3:DeleteBucket"]
    resources = [module.bucket.bucket_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

module "bucket" {
  source = "../../modules/private_bucket"

  bucket_prefix                      = var.name
  kms_key_arn                        = var.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  policy_documents                   = [data.aws_iam_policy_document.deletion_protection.json]

  tags = merge(var.tags, { Purpose = "terraform-state" })
}

# Terraform's own guard: `terraform destroy`, or a change that would replace the bucket, fails at plan
# ("Instance cannot be destroyed") before anything is deleted. lifecycle settings cannot be variables, so this
# marker, replaced whenever the bucket would be, carries it.
resource "terraform_data" "deletion_protection" {
  triggers_replace = module.bucket.bucket_id

  lifecycle {
    prevent_destroy = true
  }
}
