# Optional AWS WAF in front of the stage: one client IP sending more than rate_limit_per_ip requests in
# an evaluation window is blocked until its rate falls, and the AWS managed common rule set blocks
# well-known attack patterns. Its body-size rule is only counted: reviews may be longer than its 8 KB,
# and the Lambda enforces the API's own size limits with specific 413 answers.

locals {
  waf_enabled = var.waf != null
}

resource "aws_wafv2_web_acl" "this" {
  #checkov:skip=CKV_AWS_192:The Log4j rule set protects Java applications; nothing behind this API runs Java (a Python Lambda, a Python model server).
  #checkov:skip=CKV2_AWS_31:Sampled requests and per-rule CloudWatch metrics are on; full WAF logs (client IPs, headers) are not kept.
  count = local.waf_enabled ? 1 : 0

  name        = "${var.name}-api"
  description = "Per-IP rate limit and AWS managed common rules for the ${var.name} API"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.waf.rate_limit_per_ip
        evaluation_window_sec = var.waf.evaluation_window_sec
        aggregate_key_type    = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit-per-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-managed-common"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"

        dynamic "rule_action_override" {
          for_each = toset(var.waf.common_rule_set_count_rules)

          content {
            name = rule_action_override.value

            action_to_use {
              count {}
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-aws-managed-common"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-api"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = local.waf_enabled ? 1 : 0

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}
