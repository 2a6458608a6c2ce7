# One alarm per signal, named <function>-<signal>. Every alarm has a runbook line in docs/operations.md ("Alarms and
# dashboard"). Missing data (no traffic) is not breaching: a serverless deployment is idle most of the time.

locals {
  handler_namespace = var.metrics_namespace

  # During a rollout the endpoint serves the new vocabulary from its first traffic step until the function is
  # updated after the endpoint's update has finished (the function depends on the endpoint): every answer
  # may go through the text fallback for the whole canary or linear rollout. Only longer is an alarm.
  text_fallback_periods = var.alarm_thresholds.text_fallback_periods + ceil(var.endpoint_rollout_seconds / var.alarm_period_seconds)

  alarms = var.create_alarms ? {
    errors = {
      description = "The function failed (unhandled error, timeout or init error): callers got a 5XX from API Gateway."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      statistic   = "Sum"
      threshold   = var.alarm_thresholds.errors
      periods     = var.alarm_evaluation_periods
      datapoints  = var.alarm_datapoints_to_alarm
    }
    throttles = {
      description = "Invocations were throttled (concurrency limit): callers got 429/5XX."
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      statistic   = "Sum"
      threshold   = var.alarm_thresholds.throttles
      periods     = var.alarm_evaluation_periods
      datapoints  = var.alarm_datapoints_to_alarm
    }
    duration = {
      description = "The slowest invocation took over ${var.alarm_thresholds.duration_percent} % of the ${var.timeout} s timeout."
      namespace   = "AWS/Lambda"
      metric      = "Duration"
      statistic   = "Maximum"
      threshold   = var.timeout * 1000 * var.alarm_thresholds.duration_percent / 100
      periods     = var.alarm_evaluation_periods
      datapoints  = var.alarm_datapoints_to_alarm
    }
    endpoint-errors = {
      description = "The handler's calls to the SageMaker endpoint failed (any kind; the dashboard splits them by ErrorKind)."
      namespace   = local.handler_namespace
      metric      = "EndpointErrors"
      statistic   = "Sum"
      threshold   = var.alarm_thresholds.endpoint_errors
      periods     = var.alarm_evaluation_periods
      datapoints  = var.alarm_datapoints_to_alarm
    }
    text-fallback = {
      description = "Answers came through the raw-text fallback in every one of ${local.text_fallback_periods} periods: the Lambda and the endpoint carry different vocabularies for longer than a rollout takes (${var.endpoint_rollout_seconds} s of traffic steps and termination wait, plus ${var.alarm_thresholds.text_fallback_periods} periods)."
      namespace   = local.handler_namespace
      metric      = "TextFallbacks"
      statistic   = "Sum"
      threshold   = 1
      periods     = local.text_fallback_periods
      datapoints  = local.text_fallback_periods
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.function_name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  period              = var.alarm_period_seconds
  evaluation_periods  = each.value.periods
  datapoints_to_alarm = each.value.datapoints
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"

  # AWS/Lambda's FunctionName dimension aggregates every version and alias; the handler's EMF uses the same.
  dimensions = {
    FunctionName = aws_lambda_function.this.function_name
  }

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}
