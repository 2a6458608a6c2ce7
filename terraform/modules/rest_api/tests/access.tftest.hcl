# Plan-level tests of who can call the API (mocked AWS provider): API keys with usage plans, the keyless page
# route, the optional WAF and the API Gateway logging role and its trust. The Lambda's and the endpoint's
# trust are tested in their own modules. Paths are relative to the module; the account and the API Gateway
# ids come from the shared terraform/tests/mocks/aws:
#   terraform -chdir=terraform/modules/rest_api init -backend=false && terraform -chdir=terraform/modules/rest_api test

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/imdb-sentiment-role" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/imdb-sentiment/v1/access" }
  }
}

variables {
  name                = "imdb-sentiment"
  function_name       = "imdb-sentiment-predict"
  function_invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:imdb-sentiment-predict/invocations"
  allowed_origins     = ["https://app.example.com"]
}

run "keyless_by_default" {
  command = plan

  assert {
    condition     = aws_api_gateway_method.predict.api_key_required == false && length(aws_api_gateway_usage_plan.this) == 0
    error_message = "Without api_keys, POST /predict needs no key and there are no usage plans."
  }

  assert {
    condition     = length(aws_api_gateway_method.page_predict) == 0 && output.page_predict_url == output.predict_url
    error_message = "Without api_keys there is no separate page route: the page calls /predict."
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && output.web_acl_arn == null
    error_message = "WAF is opt-in."
  }
}

run "api_keys_require_a_key_each_with_its_own_plan" {
  command = plan

  variables {
    api_keys = {
      partner = { rate_limit = 5, burst_limit = 10, quota_limit = 10000 }
      nightly = { rate_limit = 2, burst_limit = 4, quota_limit = 500, quota_period = "WEEK" }
      trial   = { rate_limit = 1, burst_limit = 2 }
    }
  }

  assert {
    condition     = aws_api_gateway_method.predict.api_key_required == true
    error_message = "With api_keys, POST /predict must require a key."
  }

  assert {
    condition     = toset(keys(aws_api_gateway_usage_plan.this)) == toset(["partner", "nightly", "trial"]) && length(aws_api_gateway_usage_plan_key.this) == 3
    error_message = "Every key must get its own usage plan."
  }

  assert {
    condition     = aws_api_gateway_api_key.this["partner"].name == "imdb-sentiment-partner" && aws_api_gateway_api_key.this["partner"].enabled
    error_message = "Keys are named <name>-<key> and enabled."
  }

  assert {
    condition = (one(aws_api_gateway_usage_plan.this["partner"].throttle_settings).rate_limit == 5 &&
    one(aws_api_gateway_usage_plan.this["partner"].throttle_settings).burst_limit == 10)
    error_message = "A key's rate and burst must reach its own plan."
  }

  assert {
    condition = (one(aws_api_gateway_usage_plan.this["partner"].quota_settings).limit == 10000 &&
      one(aws_api_gateway_usage_plan.this["partner"].quota_settings).period == "DAY" &&
    one(aws_api_gateway_usage_plan.this["nightly"].quota_settings).period == "WEEK")
    error_message = "Quotas (per DAY unless set) must reach the plans."
  }

  assert {
    condition     = length(aws_api_gateway_usage_plan.this["trial"].quota_settings) == 0
    error_message = "A key without quota_limit has no quota."
  }

  assert {
    condition = alltrue([for plan in values(aws_api_gateway_usage_plan.this) :
    one(plan.api_stages).api_id == "a1b2c3d4e5" && one(plan.api_stages).stage == "v1"])
    error_message = "Every plan must cover this API's stage."
  }

  assert {
    condition     = aws_api_gateway_deployment.this.triggers["redeployment"] != run.keyless_by_default.redeployment_trigger
    error_message = "Turning keys on must redeploy the stage (api_key_required lives in the deployment)."
  }
}

run "page_gets_a_keyless_route_with_its_own_throttle" {
  command = plan

  variables {
    api_keys           = { partner = { rate_limit = 5, burst_limit = 10 } }
    page_route         = { rate_limit = 3, burst_limit = 6 }
    function_qualifier = "live"
  }

  override_resource {
    target          = aws_api_gateway_resource.page_predict
    override_during = plan
    values          = { id = "res002", path = "/web-predict" }
  }

  assert {
    condition     = aws_api_gateway_resource.page_predict[0].path_part == "web-predict" && aws_api_gateway_resource.page_predict[0].parent_id == "r00t00"
    error_message = "The page's route is /web-predict."
  }

  assert {
    condition = (aws_api_gateway_method.page_predict[0].http_method == "POST" && aws_api_gateway_method.page_predict[0].api_key_required == false &&
    aws_api_gateway_integration.page_predict[0].type == "AWS_PROXY" && aws_api_gateway_integration.page_predict[0].uri == var.function_invoke_arn)
    error_message = "POST /web-predict must be a keyless proxy of the same function."
  }

  assert {
    condition = (length(aws_api_gateway_method_settings.page_predict) == 1 && aws_api_gateway_method_settings.page_predict[0].method_path == "web-predict/POST" &&
      one(aws_api_gateway_method_settings.page_predict[0].settings).throttling_rate_limit == 3 &&
    one(aws_api_gateway_method_settings.page_predict[0].settings).throttling_burst_limit == 6)
    error_message = "The page route must have its own throttle."
  }

  assert {
    condition     = one(aws_api_gateway_method_settings.page_predict[0].settings).logging_level == "OFF"
    error_message = "Without an account CloudWatch role the page route's method setting must not turn execution logging on either."
  }

  assert {
    condition     = aws_api_gateway_integration.page_preflight[0].type == "MOCK" && aws_api_gateway_integration_response.page_preflight[0].response_templates["application/json"] == aws_api_gateway_integration_response.preflight.response_templates["application/json"]
    error_message = "The page route must answer CORS preflights exactly as /predict does."
  }

  assert {
    condition     = aws_lambda_permission.page[0].source_arn == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/POST/web-predict"
    error_message = "The page route's invoke permission must name this API, POST and /web-predict only."
  }

  assert {
    condition     = aws_lambda_permission.page[0].qualifier == "live"
    error_message = "The page route invokes the alias, so its permission must be granted on the alias too."
  }

  assert {
    condition     = output.page_predict_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1/web-predict"
    error_message = "page_predict_url must name the keyless route."
  }
}

run "page_route_takes_the_stage_throttle_unless_given_one" {
  command = plan

  variables {
    api_keys = { partner = { rate_limit = 5, burst_limit = 10 } }
  }

  assert {
    condition     = length(aws_api_gateway_method.page_predict) == 1 && length(aws_api_gateway_method_settings.page_predict) == 0
    error_message = "By default the page route exists with the stage's per-method throttle (no method setting of its own)."
  }
}

run "rejects_half_a_page_throttle" {
  command = plan

  variables {
    api_keys   = { partner = { rate_limit = 5, burst_limit = 10 } }
    page_route = { rate_limit = 3 }
  }

  expect_failures = [var.page_route]
}

run "no_page_route_means_a_key_for_every_call" {
  command = plan

  variables {
    api_keys   = { partner = { rate_limit = 5, burst_limit = 10 } }
    page_route = null
  }

  assert {
    condition     = length(aws_api_gateway_method.page_predict) == 0 && length(aws_lambda_permission.page) == 0
    error_message = "page_route = null must leave no keyless route."
  }

  assert {
    condition     = output.page_predict_url == output.predict_url
    error_message = "Without a page route the page URL is /predict (which then needs a key)."
  }
}

run "rejects_a_key_faster_than_the_stage" {
  command = plan

  variables {
    throttling_rate_limit = 20
    api_keys              = { greedy = { rate_limit = 50, burst_limit = 10 } }
  }

  expect_failures = [var.api_keys]
}

run "rejects_an_unknown_quota_period" {
  command = plan

  variables {
    api_keys = { partner = { rate_limit = 5, burst_limit = 10, quota_limit = 100, quota_period = "HOUR" } }
  }

  expect_failures = [var.api_keys]
}

run "waf_rate_limits_each_ip_and_applies_the_common_rules" {
  command = plan

  variables {
    waf = { rate_limit_per_ip = 600, evaluation_window_sec = 120 }
  }

  assert {
    condition     = aws_wafv2_web_acl.this[0].scope == "REGIONAL" && length(one(aws_wafv2_web_acl.this[0].default_action).allow) == 1
    error_message = "A REGIONAL web ACL (API Gateway stages) that allows what no rule blocks."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this[0].rule : [
        for statement in one(rule.statement).rate_based_statement : [statement.limit, statement.evaluation_window_sec, statement.aggregate_key_type]
      ]
      if rule.name == "rate-limit-per-ip"
    ]) == [[600, 120, "IP"]]
    error_message = "The rate-based rule must count per client IP with the given limit and window."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this[0].rule : length(one(rule.action).block)
      if rule.name == "rate-limit-per-ip"
    ]) == 1
    error_message = "An IP over the limit must be blocked."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this[0].rule : one(one(rule.statement).managed_rule_group_statement).name
      if rule.name == "aws-managed-common"
    ]) == "AWSManagedRulesCommonRuleSet"
    error_message = "The AWS managed common rule set must be applied."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this[0].rule : [for override in one(one(rule.statement).managed_rule_group_statement).rule_action_override : override.name]
      if rule.name == "aws-managed-common"
    ]) == ["SizeRestrictions_BODY"]
    error_message = "Only the 8 KB body-size rule is counted instead of blocking (reviews may be longer; the Lambda enforces the limits)."
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this[0].resource_arn == "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/v1" && output.web_acl_arn == aws_wafv2_web_acl.this[0].arn
    error_message = "The web ACL must be associated with this stage."
  }
}

run "rejects_an_unsupported_waf_window" {
  command = plan

  variables {
    waf = { evaluation_window_sec = 90 }
  }

  expect_failures = [var.waf]
}

run "logging_role_is_opt_in_writes_only_and_resets_on_destroy" {
  command = plan

  variables {
    create_cloudwatch_role = true
  }

  assert {
    condition     = aws_api_gateway_account.this[0].reset_on_delete == true
    error_message = "Destroying the stack must reset the account setting rather than leave it pointing at a deleted role."
  }

  assert {
    condition = toset(flatten([for statement in data.aws_iam_policy_document.cloudwatch[0].statement : statement.actions])) == toset([
      "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents",
    ])
    error_message = "The logging role may write logs and list groups and streams, never read log events."
  }

  assert {
    condition = flatten([
      for condition in one(data.aws_iam_policy_document.cloudwatch_assume_role[0].statement).condition : tolist(condition.values)
      if condition.test == "StringEquals" && condition.variable == "aws:SourceAccount"
    ]) == ["123456789012"]
    error_message = "Only API Gateway acting for this account may assume the logging role."
  }
}
