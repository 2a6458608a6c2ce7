# Plan-level tests of this module on a mocked AWS provider (paths relative to the module):
#   terraform -chdir=terraform/modules/training_role init -backend=false && terraform -chdir=terraform/modules/training_role test

mock_provider "aws" {
  override_during = plan

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

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-training" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name        = "imdb-sentiment"
  bucket_name = "imdb-sentiment-models-0001"
  tags        = { Project = "imdb-sentiment" }
}

run "role_is_for_sagemaker_in_this_account_only" {
  command = plan

  assert {
    condition     = aws_iam_role.this.name_prefix == "imdb-sentiment-training-" && aws_iam_role.this.tags["Project"] == "imdb-sentiment"
    error_message = "the role is named <name>-training-<unique suffix> (IAM names are global: a fixed name collides in a second region) and tagged"
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

run "reads_the_input_prefix_and_writes_only_the_output_prefix" {
  command = plan

  assert {
    condition = {
      for s in data.aws_iam_policy_document.execution.statement : s.sid => s.resources
      if contains(["ReadDataAndCode", "WriteOutput"], s.sid)
      } == {
      ReadDataAndCode = toset([
        "arn:aws:s3:::imdb-sentiment-models-0001/imdb-sentiment/training/input/*",
        "arn:aws:s3:::imdb-sentiment-models-0001/imdb-sentiment/training/output/*",
      ])
      WriteOutput = toset(["arn:aws:s3:::imdb-sentiment-models-0001/imdb-sentiment/training/output/*"])
    }
    error_message = "S3 access is scoped to the two prefixes; writes go to the output prefix only"
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
      if s.sid == "ListJobPrefixes"
    ][0] == ["imdb-sentiment/training/input/*", "imdb-sentiment/training/output/*"]
    error_message = "listing is limited to the job prefixes"
  }
}

run "pulls_only_the_framework_image_and_writes_only_its_own_logs" {
  command = plan

  variables {
    job_name_prefix = "imdb-nightly"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.execution.statement : s.resources if s.sid == "PullTrainingImage"
    ][0] == toset(["arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn"])
    error_message = "image pulls are limited to the scikit-learn repository"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.execution.statement : s.resources if s.sid == "WriteOwnLogStreams"
    ][0] == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:imdb-nightly-*"])
    error_message = "log streams are limited to this project's jobs"
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.launcher.statement : s.resources if s.sid == "StartAndFollowTrainingJobs"
    ][0] == toset(["arn:aws:sagemaker:us-east-1:123456789012:training-job/imdb-nightly-*"])
    error_message = "the launcher may start and follow only these jobs"
  }
}

run "no_wildcard_resources_beyond_the_unscopable_actions" {
  command = plan

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.execution.statement :
      !contains(s.resources, "*") || contains(["EcrAuthorization", "PutTrainingMetrics"], s.sid)
    ])
    error_message = "only ecr:GetAuthorizationToken and the namespaced PutMetricData name \"*\""
  }
}

run "rejects_prefixes_with_slashes_or_wildcards" {
  command = plan

  variables {
    input_prefix  = "/imdb/input/"
    output_prefix = "imdb/*"
  }

  expect_failures = [var.input_prefix, var.output_prefix]
}

run "rejects_a_bad_job_name_prefix" {
  command = plan

  variables {
    job_name_prefix = "imdb_nightly"
  }

  expect_failures = [var.job_name_prefix]
}

run "a_long_name_still_fits_the_role_name_prefix" {
  command = plan

  variables {
    name = "a-deployment-name-that-is-forty-five-characters"
  }

  assert {
    condition     = length(aws_iam_role.this.name_prefix) <= 38 && startswith(aws_iam_role.this.name_prefix, "a-deployment-name-that-is-f")
    error_message = "name_prefix must stay within the provider's 38 characters, keeping the start of the name"
  }
}
