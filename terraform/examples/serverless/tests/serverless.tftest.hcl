# Plan tests of this example on a mocked AWS provider (run by `make tf-check`; a copy of the example does not
# need them): the inputs it passes satisfy every module's validations, and its modules are wired together.
# Here, not in terraform/tests/: an example is a root configuration with an import block, which Terraform
# refuses in a module (as a `run` block's `module` source would make it).

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws_examples"
}

variables {
  lambda_zip_path     = "../../tests/fixtures/lambda_package.txt"
  model_artifact_path = "../../tests/fixtures/model_artifact.txt"
}

run "serverless" {
  command = plan

  assert {
    condition     = output.endpoint_name == "imdb-sentiment-serverless" && output.predict_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1/predict"
    error_message = "The serverless example must name its endpoint after var.name and output the POST /predict URL."
  }

  assert {
    condition     = startswith(output.model_s3_uri, "s3://imdb-sentiment-models-0001/") && module.endpoint.autoscaling_policy_arn == null
    error_message = "The serverless example must serve the model it uploads, without instance autoscaling."
  }

  assert {
    condition     = contains(keys(module.endpoint.alarm_names), "ModelSetupTime")
    error_message = "A serverless endpoint has a cold-start (ModelSetupTime) alarm."
  }
}
