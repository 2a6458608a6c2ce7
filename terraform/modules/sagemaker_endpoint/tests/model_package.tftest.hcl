# Deploying a model package instead of an artifact: exactly one of the two, the container names only the
# package, and the model's name follows the package's ARN (a new package is a new model and a rollout).
#   terraform -chdir=terraform/modules/sagemaker_endpoint init -backend=false && terraform -chdir=terraform/modules/sagemaker_endpoint test

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-sagemaker" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name                  = "imdb-sentiment"
  model_package_arn     = "arn:aws:sagemaker:us-east-1:123456789012:model-package/imdb-sentiment-models/3"
  model_read_prefix_url = "s3://imdb-sentiment-models-0001/models/"
}

run "package_container_names_only_the_package" {
  command = plan

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).model_package_name == var.model_package_arn
    error_message = "The model must be created from the package."
  }

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).image == null && one(aws_sagemaker_model.this.primary_container).model_data_url == null
    error_message = "With a package, SageMaker takes the image and the model data from the package: the container must not set them."
  }

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).environment["SAGEMAKER_PROGRAM"] == "inference.py"
    error_message = "The scikit-learn image still needs SAGEMAKER_PROGRAM beside the package."
  }

  assert {
    condition     = can(regex("^imdb-sentiment-[0-9a-f]{12}$", aws_sagemaker_model.this.name))
    error_message = "The model name must be <name>-<12 hex>."
  }

  assert {
    condition     = output.model_package_arn == var.model_package_arn
    error_message = "The module reports the package it deploys."
  }
}

run "package_role_reads_the_model_prefix" {
  command = plan

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.execution.statement : statement.resources
      if statement.sid == "ReadModelArtifact"
    ]) == toset(["arn:aws:s3:::imdb-sentiment-models-0001/models/*"])
    error_message = "With a package the role reads the packages' model data through model_read_prefix_url."
  }
}

run "another_package_renames_model_and_configuration" {
  command = plan

  variables {
    model_package_arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/imdb-sentiment-models/2"
  }

  assert {
    condition     = aws_sagemaker_model.this.name != run.package_container_names_only_the_package.model_name
    error_message = "Another package version must give a new model name (create_before_destroy rolls it out)."
  }

  assert {
    condition     = aws_sagemaker_endpoint_configuration.this[0].name != run.package_container_names_only_the_package.endpoint_configuration_name
    error_message = "Another package version must give a new endpoint configuration name."
  }
}

run "the_artifact_still_works_without_a_package" {
  command = plan

  variables {
    model_package_arn = null
    model_data_url    = "s3://imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"
    artifact_hash     = "0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).model_package_name == null && one(aws_sagemaker_model.this.primary_container).model_data_url == var.model_data_url
    error_message = "Without a package the model serves the artifact."
  }
}

run "rejects_both_artifact_and_package" {
  command = plan

  variables {
    model_data_url = "s3://imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"
    artifact_hash  = "0123456789abcdef0123456789abcdef"
  }

  expect_failures = [var.model_package_arn]
}

run "rejects_neither_artifact_nor_package" {
  command = plan

  variables {
    model_package_arn = null
  }

  expect_failures = [var.model_package_arn]
}

run "rejects_an_artifact_without_its_hash" {
  command = plan

  variables {
    model_package_arn = null
    model_data_url    = "s3://imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"
  }

  expect_failures = [var.artifact_hash]
}

run "rejects_a_package_without_a_read_prefix" {
  command = plan

  variables {
    model_read_prefix_url = null
  }

  expect_failures = [var.model_package_arn]
}

run "rejects_an_unversioned_package_arn" {
  command = plan

  variables {
    model_package_arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/imdb-sentiment-models"
  }

  expect_failures = [var.model_package_arn]
}
