# The account, region and serving image every plan test runs in, loaded with `source` by the root's tests
# (./tests/mocks/aws) and by every module's (../../tests/mocks/aws: paths are relative to the directory
# `terraform test` runs in).

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}

mock_data "aws_region" {
  defaults = { name = "us-east-1" }
}

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}

mock_data "aws_sagemaker_prebuilt_ecr_image" {
  defaults = {
    registry_id   = "683313688378"
    registry_path = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
  }
}
