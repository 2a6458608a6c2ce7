locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  bucket_arn = "arn:${local.partition}:s3:::${var.bucket_name}"

  # SageMaker writes every training job's streams into this one group, named <job name>/algo-1-<time>.
  log_group_arn = "arn:${local.partition}:logs:${data.aws_region.current.name}:${local.account_id}:log-group:/aws/sagemaker/TrainingJobs"
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_sagemaker_prebuilt_ecr_image" "this" {
  repository_name = var.image_repository
  image_tag       = var.image_tag
}
