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

run "real_time" {
  command = plan

  variables {
    alarm_topic_arn = "arn:aws:sns:us-east-1:123456789012:imdb-sentiment-alarms"
  }

  assert {
    condition     = output.autoscaling_policy_arn != null
    error_message = "The real-time example must autoscale its instances."
  }

  assert {
    condition     = join(",", sort(keys(output.endpoint_alarm_names))) == "Invocation5XXErrors,ModelLatency"
    error_message = "The real-time example's guardrails roll back on the 5XX and latency alarms (no serverless cold-start alarm)."
  }
}
