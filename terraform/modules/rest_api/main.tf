locals {
  allow_any_origin = contains(var.allowed_origins, "*")

  # A MOCK integration has no code, but its response template is Velocity: it echoes the request's Origin
  # only when that origin is in the allowed list, so several origins work and any other origin gets no
  # Access-Control-Allow-Origin at all (the browser then refuses). With "*" the grant is a static header.
  preflight_template = local.allow_any_origin ? "" : join("\n", [
    "#set($origin = $input.params().header.get('Origin'))",
    "#if(\"$!origin\" == \"\")#set($origin = $input.params().header.get('origin'))#end",
    "#set($allowed = [${join(", ", [for origin in var.allowed_origins : "\"${origin}\""])}])",
    "#if(\"$!origin\" != \"\" && $allowed.contains($origin))",
    "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
    "#end",
  ])

  preflight_headers = merge(
    {
      "method.response.header.Access-Control-Allow-Methods" = "'OPTIONS,POST'"
      "method.response.header.Access-Control-Allow-Headers" = "'${join(",", var.cors_allow_headers)}'"
      "method.response.header.Access-Control-Max-Age"       = "'${var.cors_max_age_seconds}'"
      "method.response.header.Vary"                         = "'Origin'"
    },
    local.allow_any_origin ? { "method.response.header.Access-Control-Allow-Origin" = "'*'" } : {},
  )

  # API Gateway's own errors (throttling, unknown path, timeouts) answer in the API's JSON error shape.
  gateway_error_responses = {
    DEFAULT_4XX = "client_error"
    DEFAULT_5XX = "gateway_error"
  }
  gateway_error_headers = local.allow_any_origin ? { "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'" } : {}

  # API Gateway refuses access logs, execution logging and data trace ("CloudWatch Logs role ARN must be set
  # in account settings to enable logging") until the account and region have a CloudWatch role, which a
  # fresh account does not: logging is on only where this module registers one or is told one exists.
  logging_enabled         = var.create_cloudwatch_role || var.existing_cloudwatch_role_arn != null
  execution_logging_level = local.logging_enabled ? var.execution_logging_level : "OFF"

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTime        = "$context.requestTime"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    status             = "$context.status"
    protocol           = "$context.protocol"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationLatency = "$context.integration.latency"
    integrationStatus  = "$context.integration.status"
    errorMessage       = "$context.error.message"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
  })
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = var.description

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "predict" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "predict"
}

resource "aws_api_gateway_method" "predict" {
  #checkov:skip=CKV_AWS_59:Public by default; api_keys makes it require a key per client (with usage plans), and stage throttling and Lambda input limits bound it either way.
  #checkov:skip=CKV2_AWS_53:The Lambda validates the body and answers each bad input with its own specific 4xx.
  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.predict.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = local.keys_enabled
}

resource "aws_api_gateway_integration" "predict" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.predict.id
  http_method             = aws_api_gateway_method.predict.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
  timeout_milliseconds    = 29000
}

resource "aws_api_gateway_method" "preflight" {
  #checkov:skip=CKV_AWS_59:CORS preflight requests carry no credentials by definition; the MOCK never reaches the model.
  #checkov:skip=CKV2_AWS_53:A MOCK preflight has no body to validate.
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.predict.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "preflight" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = aws_api_gateway_resource.predict.id
  http_method          = aws_api_gateway_method.preflight.http_method
  type                 = "MOCK"
  passthrough_behavior = "WHEN_NO_TEMPLATES"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.predict.id
  http_method = aws_api_gateway_method.preflight.http_method
  status_code = "200"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = false
    "method.response.header.Access-Control-Allow-Methods" = false
    "method.response.header.Access-Control-Allow-Headers" = false
    "method.response.header.Access-Control-Max-Age"       = false
    "method.response.header.Vary"                         = false
  }
}

resource "aws_api_gateway_integration_response" "preflight" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.predict.id
  http_method = aws_api_gateway_method.preflight.http_method
  status_code = aws_api_gateway_method_response.preflight.status_code

  response_parameters = local.preflight_headers

  response_templates = {
    "application/json" = local.preflight_template
  }

  depends_on = [aws_api_gateway_integration.preflight]
}

resource "aws_api_gateway_gateway_response" "errors" {
  for_each = local.gateway_error_responses

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key

  response_templates = {
    "application/json" = "{\"error\": \"${each.value}\", \"message\": $context.error.messageString}"
  }

  response_parameters = local.gateway_error_headers
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Managed by Terraform"

  # A deployment is a snapshot: redeploy whenever anything the snapshot contains changes, or the stage keeps
  # serving the old definition. Every argument of every method, integration and response is hashed (a unit
  # test checks that none is left out). The hash takes resource ids and configured values only (not values
  # read back, which may turn null into {}).
  triggers = {
    redeployment = sha1(jsonencode({
      resources = [aws_api_gateway_resource.predict.id, aws_api_gateway_resource.predict.path_part]
      predict = [
        aws_api_gateway_method.predict.id,
        aws_api_gateway_method.predict.http_method,
        aws_api_gateway_method.predict.authorization,
        aws_api_gateway_method.predict.api_key_required,
        aws_api_gateway_integration.predict.id,
        aws_api_gateway_integration.predict.type,
        aws_api_gateway_integration.predict.integration_http_method,
        aws_api_gateway_integration.predict.uri,
        aws_api_gateway_integration.predict.timeout_milliseconds,
      ]
      preflight = [
        aws_api_gateway_method.preflight.id,
        aws_api_gateway_method.preflight.http_method,
        aws_api_gateway_method.preflight.authorization,
        aws_api_gateway_integration.preflight.id,
        aws_api_gateway_integration.preflight.type,
        aws_api_gateway_integration.preflight.passthrough_behavior,
        aws_api_gateway_integration.preflight.request_templates,
        aws_api_gateway_method_response.preflight.id,
        aws_api_gateway_method_response.preflight.status_code,
        aws_api_gateway_method_response.preflight.response_parameters,
        aws_api_gateway_integration_response.preflight.id,
        local.preflight_headers,
        local.preflight_template,
      ]
      page = [
        [for resource in aws_api_gateway_resource.page_predict : [resource.id, resource.path_part]],
        [for method in aws_api_gateway_method.page_predict : [method.id, method.http_method, method.authorization, method.api_key_required]],
        [for integration in aws_api_gateway_integration.page_predict : [integration.id, integration.type, integration.integration_http_method, integration.uri, integration.timeout_milliseconds]],
        [for method in aws_api_gateway_method.page_preflight : [method.id, method.http_method, method.authorization]],
        [for integration in aws_api_gateway_integration.page_preflight : [integration.id, integration.type, integration.passthrough_behavior, integration.request_templates]],
        [for response in aws_api_gateway_method_response.page_preflight : [response.id, response.status_code, response.response_parameters]],
        [for response in aws_api_gateway_integration_response.page_preflight : response.id],
      ]
      errors = [
        [for response in aws_api_gateway_gateway_response.errors : [response.id, response.response_type, response.response_templates]],
        local.gateway_error_headers,
      ]
    }))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_158:Access logs hold no request bodies; CloudWatch's default encryption suffices.
  #checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days); a year of access logs is not needed.
  count = local.logging_enabled ? 1 : 0

  name              = "/aws/apigateway/${var.name}/${var.stage_name}/access"
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_73:X-Ray tracing is not used; access logs carry request ids and latencies.
  #checkov:skip=CKV_AWS_120:Predictions are POSTs of distinct reviews; a response cache would not hit.
  #checkov:skip=CKV2_AWS_29:WAF is optional (var.waf, waf.tf) because a web ACL has a monthly fee; stage throttling and usage plans bound abuse without it.
  #checkov:skip=CKV2_AWS_51:Public API for browsers: client certificates do not apply.
  #checkov:skip=CKV2_AWS_77:The optional web ACL (waf.tf) has no Log4j rule set: nothing behind this API runs Java (a Python Lambda, a Python model server).
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name

  xray_tracing_enabled = false

  dynamic "access_log_settings" {
    for_each = local.logging_enabled ? [1] : []

    content {
      destination_arn = aws_cloudwatch_log_group.access[0].arn
      format          = local.access_log_format
    }
  }

  tags = var.tags

  # On AWS, stage logging needs the account's CloudWatch role to be set first.
  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching does not help POSTs of distinct reviews.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = local.execution_logging_level
    data_trace_enabled     = false
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowInvokeFromRestApi"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  qualifier     = var.function_qualifier
  principal     = "apigateway.amazonaws.com"
  # Only this API, any stage, only POST /predict.
  source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/*/${aws_api_gateway_method.predict.http_method}${aws_api_gateway_resource.predict.path}"
}
