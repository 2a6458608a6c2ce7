locals {
  # One alarm per signal SageMaker publishes for the variant (namespace AWS/SageMaker). Latencies are in
  # microseconds there; thresholds are given in milliseconds.
  alarm_signals = {
    Invocation5XXErrors = {
      description        = "The model answered InvokeEndpoint with a 5xx (it raised, timed out or is unreachable)."
      metric_name        = "Invocation5XXErrors"
      statistic          = "Sum"
      extended_statistic = null
      threshold          = var.alarms.invocation_5xx_errors
      rollback           = true
    }
    ModelLatency = {
      description        = "The p99 time the model takes to answer, as SageMaker sees it."
      metric_name        = "ModelLatency"
      statistic          = null
      extended_statistic = "p99"
      threshold          = var.alarms.model_latency_p99_ms * 1000
      rollback           = true
    }
    ModelSetupTime = {
      description        = "Serverless cold starts: the time to launch compute and load the model for a request."
      metric_name        = "ModelSetupTime"
      statistic          = "Maximum"
      extended_statistic = null
      threshold          = var.alarms.model_setup_time_maximum_ms * 1000
      rollback           = false
    }
  }

  alarms = {
    for signal, alarm in local.alarm_signals : signal => alarm
    if var.alarms.enabled && (signal != "ModelSetupTime" || !local.real_time)
  }

  # From the resources, so that the endpoint (whose guardrails name them) is created after its alarms.
  rollback_alarm_names = [for signal, alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name if local.alarms[signal].rollback]
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name        = "${var.name}-${each.key}"
  alarm_description = "${each.value.description} Endpoint ${var.name}, variant ${local.variant_name}."
  namespace         = "AWS/SageMaker"
  metric_name       = each.value.metric_name
  dimensions = {
    EndpointName = var.name
    VariantName  = local.variant_name
  }

  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  datapoints_to_alarm = var.alarms.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No invocations (an idle serverless endpoint) is no evidence of a problem.
  treat_missing_data = "notBreaching"

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}
