locals {
  create_topic = var.create_topic
  # The topic's own key unless the caller names one (which must let CloudWatch publish, as ours does).
  create_key = var.create_topic && var.kms_master_key_id == null

  # One row per layer a request crosses, left to right as it travels; the alarms' state on top.
  api_dimensions      = ["ApiName", var.api_name, "Stage", var.stage_name]
  function_dimensions = ["FunctionName", var.function_name]
  endpoint_dimensions = ["EndpointName", var.endpoint_name, "VariantName", var.variant_name]

  widgets = concat(
    length(var.alarm_arns) == 0 ? [] : [{
      type       = "alarm", x = 0, y = 0, width = 24, height = 3
      properties = { title = "Alarms", alarms = var.alarm_arns }
    }],
    [
      {
        type = "metric", x = 0, y = 3, width = 8, height = 6
        properties = {
          title = "API: requests and errors", region = var.region, stat = "Sum", period = 60, view = "timeSeries"
          metrics = [
            concat(["AWS/ApiGateway", "Count"], local.api_dimensions),
            concat(["AWS/ApiGateway", "4XXError"], local.api_dimensions),
            concat(["AWS/ApiGateway", "5XXError"], local.api_dimensions),
          ]
        }
      },
      {
        type = "metric", x = 8, y = 3, width = 8, height = 6
        properties = {
          title = "API: latency (ms)", region = var.region, period = 60, view = "timeSeries"
          metrics = [
            concat(["AWS/ApiGateway", "Latency"], local.api_dimensions, [{ stat = "p50", label = "p50" }]),
            concat(["AWS/ApiGateway", "Latency"], local.api_dimensions, [{ stat = "p99", label = "p99" }]),
            concat(["AWS/ApiGateway", "IntegrationLatency"], local.api_dimensions, [{ stat = "p99", label = "integration p99" }]),
          ]
        }
      },
      {
        type = "metric", x = 16, y = 3, width = 8, height = 6
        properties = {
          title = "Lambda: invocations, errors, throttles", region = var.region, stat = "Sum", period = 60, view = "timeSeries"
          metrics = [
            concat(["AWS/Lambda", "Invocations"], local.function_dimensions),
            concat(["AWS/Lambda", "Errors"], local.function_dimensions),
            concat(["AWS/Lambda", "Throttles"], local.function_dimensions),
            concat(["AWS/Lambda", "Duration"], local.function_dimensions, [{ stat = "Maximum", yAxis = "right", label = "max duration (ms)" }]),
          ]
        }
      },
      {
        type = "metric", x = 0, y = 9, width = 8, height = 6
        properties = {
          title = "Handler: vocabulary fallbacks and endpoint errors", region = var.region, stat = "Sum", period = 60, view = "timeSeries"
          metrics = [
            concat([var.metrics_namespace, "VocabularyMismatches"], local.function_dimensions),
            concat([var.metrics_namespace, "TextFallbacks"], local.function_dimensions),
            concat([var.metrics_namespace, "EndpointErrors"], local.function_dimensions),
          ]
        }
      },
      {
        type = "metric", x = 8, y = 9, width = 8, height = 6
        properties = {
          title = "Handler: endpoint errors by kind", region = var.region, period = 60, view = "timeSeries"
          metrics = [[{
            expression = "SEARCH('{${var.metrics_namespace},ErrorKind,FunctionName} FunctionName=\"${var.function_name}\" MetricName=\"EndpointErrors\"', 'Sum', 60)"
            label      = "by kind"
          }]]
        }
      },
      {
        type = "metric", x = 16, y = 9, width = 8, height = 6
        properties = {
          title = "Endpoint: invocations, errors, model latency", region = var.region, period = 60, view = "timeSeries"
          metrics = [
            concat(["AWS/SageMaker", "Invocations"], local.endpoint_dimensions, [{ stat = "Sum" }]),
            concat(["AWS/SageMaker", "Invocation4XXErrors"], local.endpoint_dimensions, [{ stat = "Sum" }]),
            concat(["AWS/SageMaker", "Invocation5XXErrors"], local.endpoint_dimensions, [{ stat = "Sum" }]),
            concat(["AWS/SageMaker", "ModelLatency"], local.endpoint_dimensions, [{ stat = "p99", yAxis = "right", label = "model latency p99 (µs)" }]),
          ]
        }
      },
    ],
  )
}

# Dashboard names are global to the account (the dashboard lists are not per region), unlike the alarms and
# the topic: the region keeps the same name deployed to two regions from overwriting one dashboard.
resource "aws_cloudwatch_dashboard" "this" {
  count = var.create_dashboard ? 1 : 0

  dashboard_name = "${var.name}-${var.region}"
  dashboard_body = jsonencode({ widgets = local.widgets })
}

# CloudWatch may publish to an encrypted topic only with a customer managed key whose policy lets it use the
# key (the AWS managed aws/sns key cannot grant that): one key, for this topic alone.
data "aws_iam_policy_document" "topic_key" {
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; CloudWatch's use is bounded by account and alarm-name conditions.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself (key policies cannot name it otherwise).
  #checkov:skip=CKV_AWS_109:The account root statement is AWS's default key policy, which keeps the key manageable through IAM.
  count = local.create_key ? 1 : 0

  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudwatch:${var.region}:${data.aws_caller_identity.current.account_id}:alarm:${var.alarm_name_prefix}*"]
    }
  }
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "topic" {
  count = local.create_key ? 1 : 0

  description             = "Encrypts the ${var.name} alarm topic; CloudWatch alarms may use it to publish."
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.topic_key[0].json

  tags = var.tags
}

resource "aws_sns_topic" "this" {
  count = local.create_topic ? 1 : 0

  name              = "${var.name}-alarms"
  kms_master_key_id = local.create_key ? aws_kms_key.topic[0].arn : var.kms_master_key_id

  tags = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  for_each = local.create_topic ? { for index, subscription in var.subscriptions : tostring(index) => subscription } : {}

  topic_arn = aws_sns_topic.this[0].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}
