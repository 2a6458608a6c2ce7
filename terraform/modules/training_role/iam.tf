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
  name_prefix        = "${substr(var.name, 0, 28)}-training-"
  description        = "SageMaker training jobs of make train-remote: read ${var.input_prefix}, write ${var.output_prefix}."
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
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

  # The output prefix is readable too: when the launcher cannot simulate this role's policy, the SDK
  # stages the code under the output path instead of the input prefix.
  statement {
    sid       = "ReadDataAndCode"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${var.input_prefix}/*", "${local.bucket_arn}/${var.output_prefix}/*"]
  }

  statement {
    sid       = "WriteOutput"
    actions   = ["s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${local.bucket_arn}/${var.output_prefix}/*"]
  }

  statement {
    #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource-level permissions; it must name "*".
    sid       = "EcrAuthorization"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullTrainingImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [
      "arn:${local.partition}:ecr:${data.aws_region.current.name}:${data.aws_sagemaker_prebuilt_ecr_image.this.registry_id}:repository/${var.image_repository}",
    ]
  }

  statement {
    sid       = "CreateTrainingLogGroup"
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
    sid       = "PutTrainingMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/TrainingJobs"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "training"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.execution.json
}

# What the person or CI running `make train-remote` needs: upload data and code, start and follow the
# jobs, pass this role and no other, read the logs. Exposed as JSON to attach where launchers live.
data "aws_iam_policy_document" "launcher" {
  statement {
    sid       = "StartAndFollowTrainingJobs"
    actions   = ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]
    resources = ["arn:${local.partition}:sagemaker:${data.aws_region.current.name}:${local.account_id}:training-job/${lower(var.job_name_prefix)}-*"]
  }

  statement {
    sid       = "PassTrainingRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.this.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }

  statement {
    sid       = "CheckTrainingRole"
    actions   = ["iam:SimulatePrincipalPolicy"]
    resources = [aws_iam_role.this.arn]
  }

  statement {
    sid       = "UploadDataAndCode"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["${local.bucket_arn}/${var.input_prefix}/*", "${local.bucket_arn}/${var.output_prefix}/*"]
  }

  statement {
    sid       = "FindBucket"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [local.bucket_arn]
  }

  statement {
    #checkov:skip=CKV_AWS_356:s3:ListAllMyBuckets has no resource-level permissions; the SDK checks its staging bucket exists with it.
    sid       = "ListBuckets"
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadTrainingLogs"
    actions   = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"]
    resources = [local.log_group_arn, "${local.log_group_arn}:log-stream:${var.job_name_prefix}-*"]
  }
}
