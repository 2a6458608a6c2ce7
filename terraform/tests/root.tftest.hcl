# Plan-level tests of the root configuration (all modules wired together) on a mocked AWS provider.

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

run "defaults_deploy_a_serverless_stack" {
  command = plan

  assert {
    condition     = output.predict_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/predict"
    error_message = "predict_url must be the stage URL plus /predict."
  }

  assert {
    condition     = output.endpoint_name == "imdb-sentiment" && output.function_name == "imdb-sentiment-predict"
    error_message = "Endpoint and function are named after var.name."
  }

  assert {
    condition     = output.bucket_name == "imdb-sentiment-models-0001" && output.api_id == "a1b2c3d4e5" && output.stage_name == "v1"
    error_message = "bucket_name, api_id and stage_name must come from the modules."
  }

  assert {
    condition     = output.model_data_url == "s3://imdb-sentiment-models-0001/models/${filesha256("tests/fixtures/model_artifact.txt")}/model.tar.gz"
    error_message = "The endpoint must serve the uploaded artifact."
  }

  assert {
    condition     = can(regex("^imdb-sentiment-[0-9a-f]{12}$", output.model_name))
    error_message = "The model name must end in a content hash."
  }
}

run "real_time_settings_reach_the_endpoint_module" {
  command = plan

  variables {
    endpoint_type = "real-time"
    real_time = {
      instance_type = "ml.c5.large"
    }
    data_capture = {
      sampling_percentage = 20
    }
  }

  assert {
    condition     = module.endpoint.endpoint_configuration_name != run.defaults_deploy_a_serverless_stack.endpoint_configuration_name
    error_message = "Switching to real-time must deploy a new endpoint configuration."
  }
}

run "model_s3_uri_replaces_the_upload" {
  command = plan

  variables {
    model_s3_uri        = "s3://training-output-bucket/imdb-sentiment-2026-11-25/output/model.tar.gz"
    model_artifact_path = "tests/fixtures/does-not-exist.tar.gz"
  }

  assert {
    condition     = output.model_data_url == "s3://training-output-bucket/imdb-sentiment-2026-11-25/output/model.tar.gz"
    error_message = "model_s3_uri must be served as is."
  }

  assert {
    condition     = module.model_store.model_object_key == null
    error_message = "Nothing is uploaded when model_s3_uri is set."
  }

  assert {
    condition     = output.model_name != run.defaults_deploy_a_serverless_stack.model_name
    error_message = "A different model source must give a different model name."
  }
}

run "web_site_origin_joins_the_cors_origins" {
  command = plan

  variables {
    enable_web = true
  }

  assert {
    condition     = output.cors_allowed_origins == tolist(["https://app.example.com", "https://d111111abcdef8.cloudfront.net"])
    error_message = "The page's CloudFront origin must be added to the API's CORS origins."
  }

  assert {
    condition     = output.site_url != null
    error_message = "site_url must be set when the web page is deployed."
  }
}

run "optional_parts_are_off_by_default" {
  command = plan

  assert {
    condition     = output.site_url == null && output.training_role_arn == null
    error_message = "The web page and the training role are opt-in."
  }

  assert {
    condition     = output.cors_allowed_origins == tolist(["https://app.example.com"])
    error_message = "Without the page, CORS origins are exactly allowed_origins."
  }
}

run "training_role_when_asked" {
  command = plan

  variables {
    training = {
      bucket_name = "imdb-sentiment-training-data"
    }
  }

  assert {
    condition     = output.training_role_arn != null
    error_message = "Setting training must create the training job role."
  }
}

run "rejects_missing_model_artifact" {
  command = plan

  variables {
    model_artifact_path = "tests/fixtures/does-not-exist.tar.gz"
  }

  expect_failures = [var.model_artifact_path]
}

run "rejects_missing_lambda_package" {
  command = plan

  variables {
    lambda_zip_path = "tests/fixtures/does-not-exist.zip"
  }

  expect_failures = [var.lambda_zip_path]
}

run "rejects_model_s3_uri_that_is_not_a_tarball" {
  command = plan

  variables {
    model_s3_uri = "s3://training-output-bucket/output/"
  }

  expect_failures = [var.model_s3_uri]
}

run "rejects_invalid_name" {
  command = plan

  variables {
    name = "IMDB_Sentiment"
  }

  expect_failures = [var.name]
}
