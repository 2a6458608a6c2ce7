# One alarm per signal, named <api name>-<signal>. Every alarm has a runbook line in docs/operations.md ("Alarms and
# dashboard"). API Gateway publishes these metrics per ApiName and Stage; no traffic is not breaching.

locals {
  alarm_dimensions = {
    ApiName = aws_api_gateway_rest_api.this.name
    Stage   = aws_api_gateway_stage.this.stage_name
  }

  alarms = var.create_alarms ? {
    "5xx" = {
      description         = "The stage answered 5XX (the Lambda failed or timed out, or API Gateway itself failed)."
      metric              = "5XXError"
      statistic           = "Sum"
      extended_statistic  = null
      threshold           = var.alarm_thresholds.server_errors
      datapoints_to_alarm = 1
    }
    latency-p99 = {
      description         = "The slowest 1 % of requests took over ${var.alarm_thresholds.latency_p99_ms} ms end to end."
      metric              = "Latency"
      statistic           = null
      extended_statistic  = "p99"
      threshold           = var.alarm_thresholds.latency_p99_ms
      datapoints_to_alarm = min(3, var.alarm_evaluation_periods)
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/ApiGateway"
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = var.alarm_period_seconds
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  dimensions          = local.alarm_dimensions

  alarm_actions = var.alarm_actions
  ok_actions    = var.alarm_actions

  tags = var.tags
}
