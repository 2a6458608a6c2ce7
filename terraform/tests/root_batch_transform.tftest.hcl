# The root wires the batch_transform module to the model bucket and the endpoint's artifact (mocked AWS).
# The module's own tests (its model, role and prefixes) are in modules/batch_transform/tests.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks/aws"

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mock" }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "imdb-sentiment-models-0001"
      arn = "arn:aws:s3:::imdb-sentiment-models-0001"
    }
  }
}

variables {
  model_artifact_path = "tests/fixtures/model_artifact.txt"
  lambda_zip_path     = "tests/fixtures/lambda_package.txt"
}

run "none_by_default" {
  command = plan

  assert {
    condition     = length(module.batch_transform) == 0 && output.transform_model_name == null && output.transform_launcher_policy_json == null
    error_message = "Without batch_transform there is no transform model, role or launcher policy."
  }
}

run "transform_model_runs_the_endpoint_artifact_from_the_model_bucket" {
  command = plan

  variables {
    batch_transform = {}
  }

  assert {
    condition = (
      output.transform_input_s3_uri == "s3://imdb-sentiment-models-0001/batch-transform/input/"
      && output.transform_output_s3_uri == "s3://imdb-sentiment-models-0001/batch-transform/output/"
      && output.transform_job_name_prefix == "imdb-sentiment-score"
    )
    error_message = "The jobs read and write prefixes of the model bucket."
  }

  assert {
    condition     = output.transform_model_name != output.model_name
    error_message = "Batch scoring has its own model (its role may write), not the endpoint's."
  }

  assert {
    condition     = startswith(output.transform_model_name, "imdb-sentiment-batch-")
    error_message = "The transform model is named <name>-batch-<hash>."
  }
}
