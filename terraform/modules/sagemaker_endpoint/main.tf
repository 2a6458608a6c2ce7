locals {
  real_time = var.endpoint_type == "real-time"

  variant_name = "AllTraffic"

  environment = merge(var.environment, {
    # The scikit-learn serving container imports code/inference.py from the extracted model.tar.gz.
    SAGEMAKER_PROGRAM          = "inference.py"
    SAGEMAKER_SUBMIT_DIRECTORY = "/opt/ml/model/code"
  })

  # Model and endpoint-configuration names end in a hash of what they contain. A new artifact (or image,
  # or environment) gives a new name, so the replacement is created beside the old one
  # (create_before_destroy) and the endpoint switches to it without downtime or a name clash.
  # With a model package its versioned ARN stands for the artifact and the image: a new package is a new model.
  from_package = var.model_package_arn != null
  model_hash = substr(sha256(jsonencode({
    artifact          = local.from_package ? var.model_package_arn : var.artifact_hash
    image             = local.from_package ? null : data.aws_sagemaker_prebuilt_ecr_image.this.registry_path
    environment       = local.environment
    network_isolation = local.real_time
  })), 0, 12)
  model_name = "${var.name}-${local.model_hash}"

  config_hash = substr(sha256(jsonencode({
    model        = local.model_name
    type         = var.endpoint_type
    serverless   = local.real_time ? null : var.serverless
    instance     = local.real_time ? [var.real_time.instance_type, var.real_time.initial_instance_count] : null
    data_capture = var.data_capture
  })), 0, 12)
  endpoint_config_name = "${var.name}-${local.config_hash}"

  # A package's model data is read through model_read_prefix_url (which a package requires).
  model_read_path = (var.model_read_prefix_url == null
    ? try(trimprefix(var.model_data_url, "s3://"), "") # null only when a validation has already failed
    : "${trimprefix(var.model_read_prefix_url, "s3://")}*"
  )
  model_read_arn = "arn:${data.aws_partition.current.partition}:s3:::${local.model_read_path}"
  capture_location = var.data_capture == null ? null : regex(
    "^s3://(?P<bucket>[^/]+)/?(?P<prefix>.*)$", var.data_capture.destination_s3_uri
  )
  log_group_name = "/aws/sagemaker/Endpoints/${var.name}"

  # How long a real-time deployment may take, against how long the aws provider waits for it. The provider's
  # update (and create) waiter gives up after a fixed 60 minutes (waitEndpointInService in
  # internal/service/sagemaker of provider 5.x; not configurable); the apply then fails while SageMaker is
  # still deploying, and the next apply finds the endpoint Updating. SageMaker first provisions the new
  # fleet (minutes: provisioning_allowance_seconds), then bakes after each traffic step (ALL_AT_ONCE one
  # step, CANARY two: the canary and the rest, LINEAR one per step), then waits termination_wait before
  # retiring the old fleet. Linear steps are counted in whole instances of the new fleet
  # (initial_instance_count), rounded down to at least one: the most steps SageMaker can take whichever
  # way it rounds a percentage.
  provider_update_wait_seconds   = 3600
  provisioning_allowance_seconds = 600
  fleet_size                     = var.real_time.initial_instance_count
  linear_step_instances          = max(1, floor(local.fleet_size * var.deployment.linear_step_size_percent / 100))
  traffic_steps = {
    ALL_AT_ONCE = 1
    CANARY      = 2
    LINEAR      = ceil(local.fleet_size / local.linear_step_instances)
  }[var.deployment.traffic_routing]
  deployment_wait_seconds   = local.traffic_steps * var.deployment.wait_interval_in_seconds + var.deployment.termination_wait_in_seconds
  deployment_budget_seconds = local.provisioning_allowance_seconds + local.deployment_wait_seconds

  # The alarms SageMaker watches during a deployment. The provider forces a new endpoint when they change
  # (auto_rollback_configuration is ForceNew), so they are fixed for an endpoint's life: see the endpoint.
  auto_rollback_alarm_names = var.deployment.auto_rollback ? local.rollback_alarm_names : []

  endpoint_config = one(concat(aws_sagemaker_endpoint_configuration.this, aws_sagemaker_endpoint_configuration.capturing))
  log_group_arn   = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:${local.log_group_name}"
}

data "aws_partition" "current" {}

data "aws_region" "current" {
  lifecycle {
    postcondition {
      condition     = var.endpoint_type != "serverless" || contains(var.serverless_regions, self.name)
      error_message = "SageMaker Serverless Inference is not available in ${self.name}: use endpoint_type = \"real-time\", or another region (serverless_regions lists where it exists)."
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_sagemaker_prebuilt_ecr_image" "this" {
  repository_name = var.image_repository
  image_tag       = var.image_tag
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:Logs use CloudWatch's default encryption; a customer KMS key is not required for this data.
  #checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days); a year of container logs is not needed.
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_sagemaker_model" "this" {
  #checkov:skip=CKV_AWS_370:Network isolation is on for real-time endpoints; serverless endpoints do not support it.
  name                     = local.model_name
  execution_role_arn       = aws_iam_role.this.arn
  enable_network_isolation = local.real_time

  # From a package: only its ARN (plus the environment), as the SageMaker SDK's ModelPackage does; SageMaker takes
  # the image and model data from the package, and refuses (CreateModel fails) a package that is not Approved.
  primary_container {
    image              = local.from_package ? null : data.aws_sagemaker_prebuilt_ecr_image.this.registry_path
    model_data_url     = var.model_data_url
    model_package_name = var.model_package_arn
    environment        = local.environment
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
    # This module never sets a VPC. Emulators (moto) report an empty vpc_config that would otherwise
    # force a replacement on every plan; on AWS the attribute stays empty, so ignoring it changes nothing.
    ignore_changes = [vpc_config]
  }

  depends_on = [aws_iam_role_policy.this]
}

# Two configuration resources, one per data-capture setting, because emulators (moto) report an empty
# data_capture_config when none is set: the one without capture ignores that attribute, which is exact
# there since it never sets it. A single resource could not ignore it: ignore_changes also keeps the
# old (empty) value when a replacement is planned, so turning capture on would silently do nothing.
resource "aws_sagemaker_endpoint_configuration" "this" {
  #checkov:skip=CKV_AWS_98:Serverless variants have no ML storage volume; SageMaker encrypts with its AWS-managed key.
  count = var.data_capture == null ? 1 : 0

  name = local.endpoint_config_name

  production_variants {
    variant_name           = local.variant_name
    model_name             = aws_sagemaker_model.this.name
    instance_type          = local.real_time ? var.real_time.instance_type : null
    initial_instance_count = local.real_time ? var.real_time.initial_instance_count : null

    dynamic "serverless_config" {
      for_each = local.real_time ? [] : [var.serverless]

      content {
        memory_size_in_mb       = serverless_config.value.memory_size_in_mb
        max_concurrency         = serverless_config.value.max_concurrency
        provisioned_concurrency = serverless_config.value.provisioned_concurrency
      }
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [data_capture_config]
  }
}

resource "aws_sagemaker_endpoint_configuration" "capturing" {
  #checkov:skip=CKV_AWS_98:Real-time variants use SageMaker's AWS-managed key for the ML storage volume.
  count = var.data_capture == null ? 0 : 1

  name = local.endpoint_config_name

  production_variants {
    variant_name           = local.variant_name
    model_name             = aws_sagemaker_model.this.name
    instance_type          = var.real_time.instance_type
    initial_instance_count = var.real_time.initial_instance_count
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = var.data_capture.sampling_percentage
    destination_s3_uri          = var.data_capture.destination_s3_uri

    capture_options {
      capture_mode = "Input"
    }

    capture_options {
      capture_mode = "Output"
    }

    capture_content_type_header {
      json_content_types = ["application/json"]
    }
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_endpoint" "this" {
  name                 = var.name
  endpoint_config_name = local.endpoint_config.name

  # Real-time endpoints: blue/green with the chosen traffic shifting, rolled back by SageMaker when one of
  # this module's alarms fires. Serverless endpoints get SageMaker's default (blue/green, all at once).
  dynamic "deployment_config" {
    for_each = local.real_time ? [var.deployment] : []

    content {
      blue_green_update_policy {
        termination_wait_in_seconds          = deployment_config.value.termination_wait_in_seconds
        maximum_execution_timeout_in_seconds = deployment_config.value.maximum_execution_timeout_in_seconds

        traffic_routing_configuration {
          type                     = deployment_config.value.traffic_routing
          wait_interval_in_seconds = deployment_config.value.wait_interval_in_seconds

          dynamic "canary_size" {
            for_each = deployment_config.value.traffic_routing == "CANARY" ? [deployment_config.value.canary_size_percent] : []

            content {
              type  = "CAPACITY_PERCENT"
              value = canary_size.value
            }
          }

          dynamic "linear_step_size" {
            for_each = deployment_config.value.traffic_routing == "LINEAR" ? [deployment_config.value.linear_step_size_percent] : []

            content {
              type  = "CAPACITY_PERCENT"
              value = linear_step_size.value
            }
          }
        }
      }

      dynamic "auto_rollback_configuration" {
        for_each = length(local.auto_rollback_alarm_names) > 0 ? [local.auto_rollback_alarm_names] : []

        content {
          dynamic "alarms" {
            for_each = auto_rollback_configuration.value

            content {
              alarm_name = alarms.value
            }
          }
        }
      }
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = !local.real_time || local.deployment_budget_seconds <= local.provider_update_wait_seconds
      error_message = "A deployment of endpoint ${var.name} may take ${local.deployment_budget_seconds} s: ${local.provisioning_allowance_seconds} s to provision the new fleet + ${local.traffic_steps} ${var.deployment.traffic_routing} step(s) x wait_interval_in_seconds ${var.deployment.wait_interval_in_seconds} s + termination_wait_in_seconds ${var.deployment.termination_wait_in_seconds} s. The aws provider waits at most ${local.provider_update_wait_seconds} s (60 minutes) for an endpoint update, so the apply would fail mid-rollout. Shorten the waits or use fewer, larger steps (at most ${local.provider_update_wait_seconds - local.provisioning_allowance_seconds} s of waits in all)."
    }

    precondition {
      condition     = !local.real_time || var.deployment.maximum_execution_timeout_in_seconds == null || coalesce(var.deployment.maximum_execution_timeout_in_seconds, 0) > local.deployment_wait_seconds
      error_message = "deployment.maximum_execution_timeout_in_seconds (${coalesce(var.deployment.maximum_execution_timeout_in_seconds, 0)} s) must exceed the deployment's waits, ${local.deployment_wait_seconds} s (${local.traffic_steps} step(s) x ${var.deployment.wait_interval_in_seconds} s + termination wait ${var.deployment.termination_wait_in_seconds} s), as SageMaker requires; else every deployment times out and rolls back."
    }

    # The provider forces a new endpoint when deployment_config.auto_rollback_configuration changes, and the
    # name is fixed, so a replacement cannot work: deleted first, the provider counts the Deleting endpoint
    # as gone at once and the create under the same name fails ("Cannot create already existing endpoint"),
    # leaving no endpoint; created first (create_before_destroy, which a dependent's, such as the root's API
    # deployment, extends to the endpoint), the create fails on every apply. So the rollback alarms never
    # change on an existing endpoint: Terraform keeps what it was created with (ignore_changes), and the
    # postcondition below refuses the plan when the wanted alarms differ. The README explains how to change them.
    ignore_changes = [deployment_config[0].auto_rollback_configuration]

    postcondition {
      condition     = !local.real_time || join(",", sort(flatten([for deployment in self.deployment_config : [for rollback in deployment.auto_rollback_configuration : [for alarm in rollback.alarms : alarm.alarm_name]]]))) == join(",", sort(local.auto_rollback_alarm_names))
      error_message = "Endpoint ${var.name} exists with auto-rollback alarms [${join(", ", sort(flatten([for deployment in self.deployment_config : [for rollback in deployment.auto_rollback_configuration : [for alarm in rollback.alarms : alarm.alarm_name]]])))}], and this plan wants [${join(", ", sort(local.auto_rollback_alarm_names))}] (alarms.enabled, deployment.auto_rollback). The aws provider can only change them by replacing the endpoint under the same name, which fails (\"Cannot create already existing endpoint\") and, where the live endpoint is deleted first, leaves none. Keep alarms.enabled and deployment.auto_rollback as they were, or replace the endpoint deliberately, with downtime, as the sagemaker_endpoint README describes (\"Changing the rollback alarms\")."
    }

    # SageMaker rolls a failed update back (a model that does not load, a failed health check, an alarm
    # during the deployment) and reports InService on the OLD configuration; the provider's waiter sees
    # only the status (terraform-provider-aws issues 46663, 48997). Failing here stops the apply before
    # create_before_destroy deletes the old configuration, model and artifact that the endpoint still runs.
    postcondition {
      condition     = self.endpoint_config_name == local.endpoint_config.name
      error_message = "SageMaker did not switch endpoint ${var.name} to the new configuration ${local.endpoint_config.name}: it still runs ${self.endpoint_config_name}, so the update failed and was rolled back (or is still rolling back). Nothing it runs on was deleted, and the old model keeps serving. SageMaker's reason: `aws sagemaker describe-endpoint --endpoint-name ${var.name} --query FailureReason`; the container logs: CloudWatch log group ${local.log_group_name}. Fix the model and apply again, or see \"Roll back by hand\" in the repository's docs/operations.md."
    }
  }

  # On destroy the endpoint goes first: SageMaker takes minutes to delete it and its containers keep
  # writing logs, which would recreate a log group deleted meanwhile (the next apply then fails with
  # ResourceAlreadyExistsException).
  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_appautoscaling_target" "this" {
  count = local.real_time && var.real_time.autoscaling ? 1 : 0

  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.this.name}/variant/${local.variant_name}"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = var.real_time.initial_instance_count
  max_capacity       = var.real_time.max_instance_count

  tags = var.tags
}

resource "aws_appautoscaling_policy" "invocations_per_instance" {
  count = local.real_time && var.real_time.autoscaling ? 1 : 0

  name               = "${var.name}-invocations-per-instance"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.real_time.target_invocations_per_instance
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "SageMakerVariantInvocationsPerInstance"
    }
  }
}
