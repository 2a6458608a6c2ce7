# Plan-level tests of this module on a mocked AWS provider (paths relative to the module; the account,
# region and serving image come from the shared terraform/tests/mocks/aws):
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

# The same mocks generating values at apply time, for the runs that apply and then plan again.
mock_provider "aws" {
  alias  = "applying"
  source = "../../tests/mocks/aws"

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
  name           = "imdb-sentiment"
  model_data_url = "s3://imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"
  artifact_hash  = "0123456789abcdef0123456789abcdef"
}

run "serverless_by_default" {
  command = plan

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).serverless_config[0].memory_size_in_mb == 2048
    error_message = "The default endpoint is serverless with 2048 MB."
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).serverless_config[0].max_concurrency == 5
    error_message = "The default serverless max concurrency is 5."
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).instance_type == null
    error_message = "A serverless variant has no instance type (no idle cost)."
  }

  assert {
    condition     = length(aws_appautoscaling_target.this) == 0 && length(aws_appautoscaling_policy.invocations_per_instance) == 0
    error_message = "Serverless endpoints need no application autoscaling."
  }

  assert {
    condition     = length(aws_sagemaker_endpoint_configuration.capturing) == 0
    error_message = "Data capture is off by default."
  }
}

run "serverless_settings_flow_through" {
  command = plan

  variables {
    serverless = {
      memory_size_in_mb = 3072
      max_concurrency   = 20
    }
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).serverless_config[0].memory_size_in_mb == 3072
    error_message = "serverless.memory_size_in_mb must reach the variant."
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).serverless_config[0].max_concurrency == 20
    error_message = "serverless.max_concurrency must reach the variant."
  }
}

run "real_time_with_autoscaling" {
  command = plan

  variables {
    endpoint_type = "real-time"
    real_time = {
      instance_type                   = "ml.m5.large"
      initial_instance_count          = 2
      max_instance_count              = 4
      target_invocations_per_instance = 250
    }
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).instance_type == "ml.m5.large"
    error_message = "real_time.instance_type must reach the variant."
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.this[0].production_variants).initial_instance_count == 2
    error_message = "real_time.initial_instance_count must reach the variant."
  }

  assert {
    condition     = length(one(aws_sagemaker_endpoint_configuration.this[0].production_variants).serverless_config) == 0
    error_message = "A real-time variant has no serverless config."
  }

  assert {
    condition     = aws_appautoscaling_target.this[0].resource_id == "endpoint/imdb-sentiment/variant/AllTraffic"
    error_message = "Autoscaling must target the endpoint's variant."
  }

  assert {
    condition     = aws_appautoscaling_target.this[0].min_capacity == 2 && aws_appautoscaling_target.this[0].max_capacity == 4
    error_message = "Autoscaling bounds must come from real_time."
  }

  assert {
    condition     = one(aws_appautoscaling_policy.invocations_per_instance[0].target_tracking_scaling_policy_configuration).predefined_metric_specification[0].predefined_metric_type == "SageMakerVariantInvocationsPerInstance"
    error_message = "Scaling must track invocations per instance."
  }

  assert {
    condition     = one(aws_appautoscaling_policy.invocations_per_instance[0].target_tracking_scaling_policy_configuration).target_value == 250
    error_message = "The scaling target must come from real_time.target_invocations_per_instance."
  }

  assert {
    condition     = aws_sagemaker_model.this.enable_network_isolation
    error_message = "Real-time models run with network isolation."
  }
}

run "model_serves_code_inference_py_from_the_prebuilt_image" {
  command = plan

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).environment["SAGEMAKER_PROGRAM"] == "inference.py"
    error_message = "SAGEMAKER_PROGRAM must be inference.py."
  }

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).environment["SAGEMAKER_SUBMIT_DIRECTORY"] == "/opt/ml/model/code"
    error_message = "SAGEMAKER_SUBMIT_DIRECTORY must be the code/ directory of the extracted model."
  }

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).image == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
    error_message = "The image must come from the prebuilt ECR image data source."
  }

  assert {
    condition     = data.aws_sagemaker_prebuilt_ecr_image.this.repository_name == "sagemaker-scikit-learn" && data.aws_sagemaker_prebuilt_ecr_image.this.image_tag == "1.4-2-cpu-py3"
    error_message = "The default image is sagemaker-scikit-learn:1.4-2-cpu-py3."
  }

  assert {
    condition     = one(aws_sagemaker_model.this.primary_container).model_data_url == var.model_data_url
    error_message = "The model must load the given artifact."
  }
}

run "names_end_in_a_content_hash" {
  command = plan

  assert {
    condition     = can(regex("^imdb-sentiment-[0-9a-f]{12}$", aws_sagemaker_model.this.name))
    error_message = "The model name must be <name>-<12 hex>."
  }

  assert {
    condition     = can(regex("^imdb-sentiment-[0-9a-f]{12}$", aws_sagemaker_endpoint_configuration.this[0].name))
    error_message = "The endpoint configuration name must be <name>-<12 hex>."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.name == "imdb-sentiment"
    error_message = "The endpoint name must stay stable for clients."
  }
}

run "a_new_artifact_renames_model_and_configuration" {
  command = plan

  variables {
    artifact_hash = "fedcba9876543210fedcba9876543210"
  }

  assert {
    condition     = aws_sagemaker_model.this.name != run.names_end_in_a_content_hash.model_name
    error_message = "A new artifact must give a new model name (create_before_destroy needs it)."
  }

  assert {
    condition     = aws_sagemaker_endpoint_configuration.this[0].name != run.names_end_in_a_content_hash.endpoint_configuration_name
    error_message = "A new artifact must give a new endpoint configuration name."
  }
}

run "execution_role_reads_only_its_model_object" {
  command = plan

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.execution.statement : statement.resources
      if statement.sid == "ReadModelArtifact"
    ]) == toset(["arn:aws:s3:::imdb-sentiment-models-0001/models/0123456789abcdef/model.tar.gz"])
    error_message = "The role may read exactly the model object."
  }

  assert {
    condition = alltrue(flatten([
      for statement in data.aws_iam_policy_document.execution.statement : [
        for action in statement.actions : startswith(action, "s3:") ? statement.sid == "ReadModelArtifact" : true
      ]
    ]))
    error_message = "No other statement may grant S3 access when data capture is off."
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.execution.statement : statement.resources
      if statement.sid == "PullServingImage"
    ]) == toset(["arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn"])
    error_message = "Image pulls are limited to the serving image repository."
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.execution.statement : statement.resources
      if statement.sid == "WriteOwnLogs"
      ]) == toset([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/imdb-sentiment",
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/imdb-sentiment:*",
    ])
    error_message = "Logs are limited to the endpoint's own log group."
  }
}

run "role_reads_every_model_version_under_the_prefix" {
  command = plan

  variables {
    model_read_prefix_url = "s3://imdb-sentiment-models-0001/models/"
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.execution.statement : statement.resources
      if statement.sid == "ReadModelArtifact"
    ]) == toset(["arn:aws:s3:::imdb-sentiment-models-0001/models/*"])
    error_message = "With a model prefix the role may read exactly the objects under it."
  }
}

run "rejects_model_outside_the_read_prefix" {
  command = plan

  variables {
    model_read_prefix_url = "s3://imdb-sentiment-models-0001/other/"
  }

  expect_failures = [var.model_read_prefix_url]
}

run "data_capture_on_real_time" {
  command = plan

  variables {
    endpoint_type = "real-time"
    data_capture = {
      destination_s3_uri  = "s3://imdb-sentiment-models-0001/data-capture/imdb-sentiment"
      sampling_percentage = 50
    }
  }

  assert {
    condition     = one(aws_sagemaker_endpoint_configuration.capturing[0].data_capture_config).initial_sampling_percentage == 50
    error_message = "Data capture settings must reach the endpoint configuration."
  }

  assert {
    condition = one([
      for statement in data.aws_iam_policy_document.execution.statement : statement.resources
      if statement.sid == "WriteDataCapture"
    ]) == toset(["arn:aws:s3:::imdb-sentiment-models-0001/data-capture/imdb-sentiment*"])
    error_message = "The role may write only under the capture prefix."
  }
}

run "rejects_data_capture_on_serverless" {
  command = plan

  variables {
    data_capture = {
      destination_s3_uri = "s3://imdb-sentiment-models-0001/data-capture"
    }
  }

  expect_failures = [var.data_capture]
}

run "rejects_unsupported_serverless_memory" {
  command = plan

  variables {
    serverless = {
      memory_size_in_mb = 1000
    }
  }

  expect_failures = [var.serverless]
}

run "rejects_unknown_endpoint_type" {
  command = plan

  variables {
    endpoint_type = "async"
  }

  expect_failures = [var.endpoint_type]
}

run "rejects_max_below_initial_instances" {
  command = plan

  variables {
    endpoint_type = "real-time"
    real_time = {
      initial_instance_count = 3
      max_instance_count     = 2
    }
  }

  expect_failures = [var.real_time]
}

run "rejects_model_data_url_outside_s3" {
  command = plan

  variables {
    model_data_url = "https://example.com/model.tar.gz"
  }

  expect_failures = [var.model_data_url]
}

# The configuration without capture ignores data_capture_config (emulator drift). Turning capture on must
# still deploy a configuration that captures (ignore_changes alone would keep the old, empty value).
run "deployed_without_capture" {
  providers = {
    aws = aws.applying
  }

  variables {
    endpoint_type = "real-time"
  }
}

run "enabling_capture_replaces_the_configuration_with_capture" {
  command = plan

  providers = {
    aws = aws.applying
  }

  variables {
    endpoint_type = "real-time"
    data_capture = {
      destination_s3_uri = "s3://imdb-sentiment-models-0001/data-capture/imdb-sentiment"
    }
  }

  assert {
    condition     = aws_sagemaker_endpoint_configuration.capturing[0].name != run.deployed_without_capture.endpoint_configuration_name
    error_message = "Turning data capture on must replace the endpoint configuration."
  }

  assert {
    condition     = length(aws_sagemaker_endpoint_configuration.capturing[0].data_capture_config) == 1 && length(aws_sagemaker_endpoint_configuration.this) == 0
    error_message = "The replacement configuration must carry the data capture settings despite ignore_changes."
  }

  assert {
    condition     = aws_sagemaker_model.this.name == run.deployed_without_capture.model_name
    error_message = "Data capture is a configuration setting: the model itself is kept."
  }
}

# Deployment guardrails, autoscaling-compatible instances and alarms. The postcondition that catches a
# rolled-back update cannot be driven from here: a mocked provider returns the configured (non-computed)
# endpoint_config_name, never another one; tests/integration/test_stack_rollback.py drives a real rollback.

run "real_time_defaults_support_autoscaling_and_blue_green_with_rollback" {
  command = plan

  variables {
    endpoint_type = "real-time"
  }

  assert {
    condition     = !startswith(one(aws_sagemaker_endpoint_configuration.this[0].production_variants).instance_type, "ml.t")
    error_message = "The default real-time instance type must be one Application Auto Scaling accepts (not burstable)."
  }

  assert {
    condition     = length(aws_appautoscaling_target.this) == 1
    error_message = "Real-time endpoints scale automatically by default."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].type == "ALL_AT_ONCE"
    error_message = "The default deployment is blue/green, all at once."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].termination_wait_in_seconds == 300
    error_message = "The old fleet is kept 5 minutes after the shift by default."
  }

  assert {
    condition = toset([for alarm in aws_sagemaker_endpoint.this.deployment_config[0].auto_rollback_configuration[0].alarms : alarm.alarm_name]) == toset([
      "imdb-sentiment-Invocation5XXErrors", "imdb-sentiment-ModelLatency",
    ])
    error_message = "SageMaker must roll a deployment back when the 5XX or latency alarm fires."
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "ModelSetupTime")
    error_message = "Real-time endpoints have no cold starts to alarm on."
  }
}

run "canary_deployment" {
  command = plan

  variables {
    endpoint_type = "real-time"
    real_time     = { initial_instance_count = 2, max_instance_count = 4 }
    deployment = {
      traffic_routing             = "CANARY"
      canary_size_percent         = 20
      wait_interval_in_seconds    = 600
      termination_wait_in_seconds = 120
    }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].canary_size[0].type == "CAPACITY_PERCENT" && aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].canary_size[0].value == 20
    error_message = "A canary shifts canary_size_percent of the capacity first."
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].wait_interval_in_seconds == 600 && aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].termination_wait_in_seconds == 120
    error_message = "Wait interval and termination wait come from deployment."
  }

  assert {
    condition     = length(aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].linear_step_size) == 0
    error_message = "A canary has no linear steps."
  }
}

run "linear_deployment_without_auto_rollback" {
  command = plan
  # A new endpoint: on the one deployed above, the rollback alarms could not change (see tests/guardrails.tftest.hcl).
  state_key = "new_endpoint"

  variables {
    endpoint_type = "real-time"
    real_time     = { initial_instance_count = 2, max_instance_count = 4 }
    deployment = {
      traffic_routing          = "LINEAR"
      linear_step_size_percent = 25
      auto_rollback            = false
    }
  }

  assert {
    condition     = aws_sagemaker_endpoint.this.deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].linear_step_size[0].value == 25
    error_message = "A linear deployment shifts linear_step_size_percent per step."
  }

  assert {
    condition     = length(aws_sagemaker_endpoint.this.deployment_config[0].auto_rollback_configuration) == 0
    error_message = "auto_rollback = false leaves the rollback to the operator."
  }
}

run "serverless_has_no_deployment_config_and_alarms_on_cold_starts" {
  command = plan

  variables {
    alarm_actions = ["arn:aws:sns:us-east-1:123456789012:imdb-sentiment-alarms"]
    alarms = {
      period_seconds       = 10
      evaluation_periods   = 1
      datapoints_to_alarm  = 1
      model_latency_p99_ms = 250
    }
  }

  assert {
    condition     = length(aws_sagemaker_endpoint.this.deployment_config) == 0
    error_message = "Serverless endpoints use SageMaker's default deployment (this module sets no guardrails there)."
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["Invocation5XXErrors", "ModelLatency", "ModelSetupTime"])
    error_message = "A serverless endpoint has one alarm per signal: 5XX errors, p99 model latency, cold starts."
  }

  assert {
    condition = alltrue([for signal, alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_name == "imdb-sentiment-${signal}" && alarm.namespace == "AWS/SageMaker"
      && alarm.dimensions["EndpointName"] == "imdb-sentiment" && alarm.dimensions["VariantName"] == "AllTraffic"
    ])
    error_message = "Alarms are named <name>-<signal> and watch the endpoint's variant in AWS/SageMaker."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["ModelLatency"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.this["ModelLatency"].threshold == 250000
    error_message = "The latency alarm watches p99 in microseconds, as SageMaker publishes ModelLatency."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["Invocation5XXErrors"].statistic == "Sum" && aws_cloudwatch_metric_alarm.this["Invocation5XXErrors"].period == 10 && aws_cloudwatch_metric_alarm.this["Invocation5XXErrors"].evaluation_periods == 1
    error_message = "Periods and evaluation come from alarms."
  }

  assert {
    condition = alltrue([for alarm in aws_cloudwatch_metric_alarm.this :
      alarm.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:imdb-sentiment-alarms"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "alarm_actions are notified on ALARM and on OK."
  }
}

run "alarms_can_be_turned_off" {
  command = plan
  # A new endpoint: on the one deployed above, the rollback alarms could not change (see tests/guardrails.tftest.hcl).
  state_key = "new_endpoint"

  variables {
    endpoint_type = "real-time"
    alarms        = { enabled = false }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0 && length(aws_sagemaker_endpoint.this.deployment_config[0].auto_rollback_configuration) == 0
    error_message = "Without alarms there is nothing to roll back on."
  }
}

run "rejects_burstable_instances_with_autoscaling" {
  command = plan

  variables {
    endpoint_type = "real-time"
    real_time     = { instance_type = "ml.t2.medium" }
  }

  expect_failures = [var.real_time]
}

run "burstable_instances_without_autoscaling" {
  command = plan

  variables {
    endpoint_type = "real-time"
    real_time     = { instance_type = "ml.t2.medium", autoscaling = false }
  }

  assert {
    condition     = length(aws_appautoscaling_target.this) == 0 && length(aws_appautoscaling_policy.invocations_per_instance) == 0
    error_message = "autoscaling = false registers no scalable target."
  }
}

run "rejects_unknown_traffic_routing" {
  command = plan

  variables {
    endpoint_type = "real-time"
    deployment    = { traffic_routing = "ROLLING" }
  }

  expect_failures = [var.deployment]
}

run "rejects_termination_wait_beyond_an_hour" {
  command = plan

  variables {
    deployment = { termination_wait_in_seconds = 3601 }
  }

  expect_failures = [var.deployment]
}

run "rejects_alarm_period_cloudwatch_does_not_offer" {
  command = plan

  variables {
    alarms = { period_seconds = 45 }
  }

  expect_failures = [var.alarms]
}

# IAM role names are global to the account: a fixed name would collide when the same name is deployed in a
# second region (EntityAlreadyExists); a generated suffix cannot.
run "execution_role_name_is_unique_per_deployment" {
  command = plan

  variables {
    name = "an-endpoint-name-of-forty-nine-characters-long-ok"
  }

  assert {
    condition     = aws_iam_role.this.name_prefix == "an-endpoint-name-of-forty-n-sagemaker-" && length(aws_iam_role.this.name_prefix) <= 38
    error_message = "The role takes a name_prefix (<name>-sagemaker-, at most 38 characters), never a fixed name."
  }
}

# The provider builds any tag into an image URI; a tag that does not exist fails only at CreateModel.
run "rejects_an_image_tag_that_does_not_exist" {
  command = plan

  variables {
    image_tag = "1.4-1-cpu-py3"
  }

  expect_failures = [var.image_tag]
}

run "accepts_the_python_3_12_scikit_learn_image" {
  command = plan

  variables {
    image_tag = "1.4-2-py312-cpu-py3"
  }

  assert {
    condition     = data.aws_sagemaker_prebuilt_ecr_image.this.image_tag == "1.4-2-py312-cpu-py3"
    error_message = "Every existing sagemaker-scikit-learn tag is accepted."
  }
}

run "rejects_serverless_where_sagemaker_has_none" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "cn-north-1" }
  }

  expect_failures = [data.aws_region.current]
}

run "real_time_is_accepted_where_serverless_is_not" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "cn-north-1" }
  }

  variables {
    endpoint_type = "real-time"
  }

  assert {
    condition     = length(aws_sagemaker_endpoint_configuration.this[0].production_variants) == 1
    error_message = "The serverless region check must not block a real-time endpoint."
  }
}

run "sagemaker_role_trusts_only_this_account" {
  command = plan

  assert {
    condition = flatten([
      for condition in one(data.aws_iam_policy_document.assume_role.statement).condition : tolist(condition.values)
      if condition.test == "StringEquals" && condition.variable == "aws:SourceAccount"
    ]) == ["123456789012"]
    error_message = "Only SageMaker acting for this account may assume the endpoint's role."
  }
}
