locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  bucket_arn = "arn:${local.partition}:s3:::${var.bucket_name}"

  model_location = regex("^s3://(?P<bucket>[^/]+)/(?P<key>.+)$", var.model_data_url)
  model_read_arn = (var.model_read_prefix_url == null
    ? "arn:${local.partition}:s3:::${local.model_location.bucket}/${local.model_location.key}"
    : "arn:${local.partition}:s3:::${trimprefix(var.model_read_prefix_url, "s3://")}*"
  )

  environment = {
    # The scikit-learn serving container imports code/inference.py from the extracted model.tar.gz.
    SAGEMAKER_PROGRAM          = "inference.py"
    SAGEMAKER_SUBMIT_DIRECTORY = "/opt/ml/model/code"
  }

  # A transform job runs with its model's execution role, so batch scoring has its own model (the same
  # artifact and image as the endpoint) whose role may write the output prefix; the endpoint's role
  # stays read-only. The name ends in a hash of what the model contains, as the endpoint's does.
  model_hash = substr(sha256(jsonencode({
    artifact    = var.artifact_hash
    image       = data.aws_sagemaker_prebuilt_ecr_image.this.registry_path
    environment = local.environment
  })), 0, 12)

  # SageMaker writes every transform job's streams into this one group, named <job name>/<instance id>.
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/TransformJobs"
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_sagemaker_prebuilt_ecr_image" "this" {
  repository_name = var.image_repository
  image_tag       = var.image_tag
}

resource "aws_sagemaker_model" "this" {
  name                     = "${var.name}-batch-${local.model_hash}"
  execution_role_arn       = aws_iam_role.this.arn
  enable_network_isolation = true # Batch Transform moves the S3 data itself; the container needs no network

  primary_container {
    image          = data.aws_sagemaker_prebuilt_ecr_image.this.registry_path
    model_data_url = var.model_data_url
    environment    = local.environment
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
    # Never set here; emulators (moto) report an empty vpc_config that would force a replacement each plan.
    ignore_changes = [vpc_config]
  }

  depends_on = [aws_iam_role_policy.this]
}
