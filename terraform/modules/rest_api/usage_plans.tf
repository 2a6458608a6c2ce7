# Optional API keys for programmatic clients. Each key has its own usage plan, so its rate, burst and quota
# are its own: one client using up its allowance gets 429s without touching anyone else's. The stage's
# throttle still caps the sum, and the keyless page route (page_route.tf) has a separate, smaller bucket.

resource "aws_api_gateway_api_key" "this" {
  for_each = var.api_keys

  name        = "${var.name}-${each.key}"
  description = "Programmatic client ${each.key} of ${var.name}"
  enabled     = true

  tags = var.tags
}

resource "aws_api_gateway_usage_plan" "this" {
  for_each = var.api_keys

  name        = "${var.name}-${each.key}"
  description = "Limits of the API key ${var.name}-${each.key}"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = each.value.rate_limit
    burst_limit = each.value.burst_limit
  }

  dynamic "quota_settings" {
    for_each = each.value.quota_limit == null ? [] : [each.value]

    content {
      limit  = quota_settings.value.quota_limit
      period = quota_settings.value.quota_period
    }
  }

  tags = var.tags
}

resource "aws_api_gateway_usage_plan_key" "this" {
  for_each = var.api_keys

  key_id        = aws_api_gateway_api_key.this[each.key].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this[each.key].id
}
