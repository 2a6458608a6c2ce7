# The Model Registry in the root: the group is created, and model_package_arn deploys a package instead of the
# uploaded artifact (nothing is uploaded then).

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks/aws_root"
}

variables {
  region              = "eu-west-1"
  model_artifact_path = "tests/fixtures/model_artifact.txt"
  lambda_zip_path     = "tests/fixtures/lambda_package.txt"
  allowed_origins     = ["https://app.example.com"]
}

run "the_group_is_named_after_the_deployment" {
  command = plan

  variables {
    name = "reviews-prod"
  }

  assert {
    condition     = aws_sagemaker_model_package_group.models.model_package_group_name == "reviews-prod-models" && output.model_package_group_name == "reviews-prod-models"
    error_message = "The model package group is <name>-models."
  }

  assert {
    condition     = output.model_package_arn == null && output.model_data_url != null
    error_message = "Without model_package_arn the endpoint serves the uploaded artifact."
  }

  assert {
    condition     = aws_sagemaker_model_package_group.models.tags["Project"] == "reviews-prod"
    error_message = "The group carries the deployment's tags."
  }
}

run "a_package_replaces_the_artifact" {
  command = plan

  variables {
    model_package_arn   = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/imdb-sentiment-models/4"
    model_artifact_path = "tests/fixtures/no-such-model.tar.gz"
  }

  assert {
    condition     = output.model_package_arn == var.model_package_arn && module.endpoint.model_package_arn == var.model_package_arn
    error_message = "model_package_arn must reach the endpoint module."
  }

  assert {
    condition     = output.model_data_url == null && length(module.model_store.model_object_key[*]) == 0
    error_message = "With a package nothing is uploaded and no artifact is served."
  }

  assert {
    condition     = output.model_package_data_prefix_s3_uri == "s3://imdb-sentiment-models-0001/registry/"
    error_message = "Packages' model data lies under registry/ of the model bucket."
  }
}

run "rejects_a_package_and_an_s3_artifact" {
  command = plan

  variables {
    model_package_arn = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/imdb-sentiment-models/4"
    model_s3_uri      = "s3://training-bucket/output/model.tar.gz"
  }

  expect_failures = [var.model_package_arn]
}

run "rejects_a_package_with_batch_transform" {
  command = plan

  variables {
    model_package_arn = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/imdb-sentiment-models/4"
    batch_transform   = {}
  }

  expect_failures = [var.model_package_arn]
}
