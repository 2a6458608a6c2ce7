# The manually started training workflow (`make train-remote`): start, watch and stop SageMaker training jobs
# named after the stack, run them as the given training role, and use the training bucket. Nothing else.
data "aws_iam_policy_document" "train" {
  count = var.training == null ? 0 : 1

  statement {
    sid = "StackTrainingJobs"
    actions = [
      "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
      "sagemaker:AddTags",
    ]
    resources = ["${local.arn}:sagemaker:${local.region_account}:training-job/${lower(local.stack)}*"]
  }

  statement {
    sid       = "RunAsTheTrainingRole"
    actions   = ["iam:PassRole"]
    resources = [var.training.role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }

  statement {
    sid       = "TrainingBucket"
    actions   = ["s3:ListBucket", "s3:GetObject", "s3:PutObject"]
    resources = [var.training.bucket_arn, "${var.training.bucket_arn}/*"]
  }

  statement {
    sid       = "FollowTheJobsLogs"
    actions   = ["logs:DescribeLogStreams", "logs:GetLogEvents"]
    resources = ["${local.arn}:logs:${local.region_account}:log-group:/aws/sagemaker/TrainingJobs:*"]
  }
}

resource "aws_iam_role_policy" "train" {
  count = var.training == null ? 0 : 1

  name   = "train-${local.stack}"
  role   = aws_iam_role.ci["train"].name
  policy = data.aws_iam_policy_document.train[0].json
}
