# Plan-level tests of this module on a mocked AWS provider (paths relative to the module):
#   terraform -chdir=terraform/modules/batch_transform init -backend=false && terraform -chdir=terraform/modules/batch_transform test

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-batch" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name           = "imdb-sentiment"
  bucket_name    = "imdb-sentiment-models-0001"
  model_data_url = "s3://imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"
  artifact_hash  = "0123456789abcdef0123456789abcdef"
  tags           = { Project = "imdb-sentiment" }
}

run "own_model_with_its_own_role_in_this_account_only" {
  command = plan

  assert {
    condition     = startswith(aws_sagemaker_model.this.name, "imdb-sentiment-batch-") && length(aws_sagemaker_model.this.name) == length("imdb-sentiment-batch-") + 12
    error_message = "the model is named <name>-batch-<12 hex of its content>"
  }

  assert {
    condition = (
      aws_sagemaker_model.this.execution_role_arn == "arn:aws:iam::123456789012:role/imdb-sentiment-batch"
      && aws_sagemaker_model.this.enable_network_isolation
      && one(aws_sagemaker_model.this.primary_container).model_data_url == var.model_data_url
      && one(aws_sagemaker_model.this.primary_container).environment["SAGEMAKER_PROGRAM"] == "inference.py"
    )
    error_message = "the model runs the endpoint's artifact with inference.py, isolated, under the batch role"
  }

  assert {
    condition = (
      flatten([for p in data.aws_iam_policy_document.assume_role.statement[0].principals : tolist(p.identifiers)])
      == ["sagemaker.amazonaws.com"]
      && flatten([
        for c in data.aws_iam_policy_document.assume_role.statement[0].condition : tolist(c.values)
        if c.variable == "aws:SourceAccount"
      ]) == ["123456789012"]
    )
    error_message = "only SageMaker acting for this account may assume the role"
  }
}

run "role_reads_every_model_version_under_the_prefix" {
  command = plan

  variables {
    model_read_prefix_url = "s3://imdb-sentiment-models-0001/models/"
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.execution.statement : s.resources if s.sid == "ReadModelArtifact"
    ]) == toset(["arn:aws:s3:::imdb-sentiment-models-0001/models/*"])
    error_message = "with a model prefix the role may read exactly the objects under it (the same policy for every model version)"
  }
}

run "rejects_model_outside_the_read_prefix" {
  command = plan

  variables {
    model_read_prefix_url = "s3://imdb-sentiment-models-0001/other/"
  }

  expect_failures = [var.model_read_prefix_url]
}

run "reads_input_and_model_writes_only_output" {
  command = plan

  assert {
    condition = {
      for s in data.aws_iam_policy_document.execution.statement : s.sid => s.resources
      if contains(["ReadInput", "WriteOutput", "ReadModelArtifact"], s.sid)
      } == {
      ReadInput         = toset(["arn:aws:s3:::imdb-sentiment-models-0001/batch-transform/input/*"])
      WriteOutput       = toset(["arn:aws:s3:::imdb-sentiment-models-0001/batch-transform/output/*"])
      ReadModelArtifact = toset(["arn:aws:s3:::imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"])
    }
    error_message = "S3 reads are the input prefix and the model object; writes go to the output prefix only"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.execution.statement :
      !contains(s.actions, "s3:PutObject") || s.sid == "WriteOutput"
    ])
    error_message = "no other statement may write to S3"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.execution.statement : flatten([for c in s.condition : tolist(c.values)])
      if s.sid == "ListInputPrefix"
    ][0] == ["batch-transform/input/*"]
    error_message = "listing is limited to the input prefix"
  }

  assert {
    condition     = output.input_s3_uri == "s3://imdb-sentiment-models-0001/batch-transform/input/" && output.output_s3_uri == "s3://imdb-sentiment-models-0001/batch-transform/output/"
    error_message = "the outputs name the prefixes as s3:// URIs ending in /"
  }
}

run "writes_only_its_own_logs_and_starts_only_its_own_jobs" {
  command = plan

  variables {
    job_name_prefix = "Nightly-Score"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.execution.statement : s.resources if s.sid == "WriteOwnLogStreams"
    ][0] == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TransformJobs:log-stream:Nightly-Score-*"])
    error_message = "log streams are limited to this project's jobs"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.launcher.statement : s.resources if s.sid == "StartAndFollowTransformJobs"
    ][0] == toset(["arn:aws:sagemaker:us-east-1:123456789012:transform-job/nightly-score-*"])
    error_message = "the launcher may start, follow and stop only these jobs (ARNs are lower case)"
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.execution.statement :
      !contains(s.resources, "*") || contains(["EcrAuthorization", "PutTransformMetrics"], s.sid)
    ])
    error_message = "only ecr:GetAuthorizationToken and the namespaced PutMetricData name \"*\""
  }
}

run "rejects_overlapping_prefixes" {
  command = plan

  variables {
    input_prefix  = "batch"
    output_prefix = "batch/output"
  }

  expect_failures = [var.output_prefix]
}

run "rejects_prefixes_with_slashes_or_wildcards" {
  command = plan

  variables {
    input_prefix = "/batch/input/"
  }

  expect_failures = [var.input_prefix]
}

# IAM role names are global to the account: a fixed name collides when the same name is deployed in a
# second region (EntityAlreadyExists).
run "role_name_is_unique_per_deployment" {
  command = plan

  assert {
    condition     = aws_iam_role.this.name_prefix == "imdb-sentiment-batch-" && length(aws_iam_role.this.name_prefix) <= 38
    error_message = "the batch role takes a name_prefix (<name>-batch-, at most 38 characters), never a fixed name"
  }
}
