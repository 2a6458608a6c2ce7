data "aws_iam_policy_document" "assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }

    # Only SageMaker acting for this account may assume it (confused-deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  # IAM names are global to the account: a generated suffix lets the same name deploy in every region.
  name_prefix        = "${substr(var.name, 0, 31)}-batch-"
  description        = "SageMaker Batch Transform jobs of make score --remote: read ${var.input_prefix}, write ${var.output_prefix}."
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "ListInputPrefix"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.input_prefix}/*"]
    }
  }

  statement {
    sid       = "ReadInput"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${var.input_prefix}/*"]
  }

  statement {
    sid       = "WriteOutput"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${local.bucket_arn}/${var.output_prefix}/*"]
  }

  statement {
    sid       = "ReadModelArtifact"
    actions   = ["s3:GetObject"]
    resources = [local.model_read_arn]
  }

  statement {
    #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource-level permissions; it must name "*".
    sid       = "EcrAuthorization"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullServingImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [
      "arn:${local.partition}:ecr:${local.region}:${data.aws_sagemaker_prebuilt_ecr_image.this.registry_id}:repository/${var.image_repository}",
    ]
  }

  statement {
    sid       = "CreateTransformLogGroup"
    actions   = ["logs:CreateLogGroup"]
    resources = [local.log_group_arn]
  }

  statement {
    sid       = "WriteOwnLogStreams"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${local.log_group_arn}:log-stream:${var.job_name_prefix}-*"]
  }

  statement {
    #checkov:skip=CKV_AWS_356:cloudwatch:PutMetricData has no resource-level permissions; the namespace condition scopes it.
    sid       = "PutTransformMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/TransformJobs"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "batch-transform"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.execution.json
}

# What the person or CI running `make score --remote` needs: upload under the input prefix, start, follow
# and stop these jobs on this model, read the output and the logs. Exposed as JSON to attach where
# launchers live (a transform job takes no role: it runs with the model's).
data "aws_iam_policy_document" "launcher" {
  statement {
    sid       = "StartAndFollowTransformJobs"
    actions   = ["sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob"]
    resources = ["arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:transform-job/${lower(var.job_name_prefix)}-*"]
  }

  statement {
    #checkov:skip=CKV_AWS_356:sagemaker:ListTransformJobs has no resource-level permissions.
    sid       = "ListTransformJobs"
    actions   = ["sagemaker:ListTransformJobs"]
    resources = ["*"]
  }

  statement {
    sid       = "UploadInput"
    actions   = ["s3:PutObject"]
    resources = ["${local.bucket_arn}/${var.input_prefix}/*"]
  }

  statement {
    sid       = "ReadOutput"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${var.output_prefix}/*"]
  }

  statement {
    sid       = "ListJobPrefixes"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.input_prefix}/*", "${var.output_prefix}/*"]
    }
  }

  statement {
    sid       = "ReadTransformLogs"
    actions   = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = [local.log_group_arn, "${local.log_group_arn}:log-stream:${var.job_name_prefix}-*"]
  }
}
