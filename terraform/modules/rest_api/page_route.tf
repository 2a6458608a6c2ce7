# With API keys on, POST /predict needs a key; a web page cannot keep one secret (anything in its
# JavaScript is public, and a shared key's quota would let one visitor lock every other visitor out).
# So the page gets its own keyless POST /web-predict, the same Lambda proxy with the same CORS answer.
# API Gateway applies the stage's throttle to each method, so abuse of the keyless route uses up only that
# route's bucket; page_route can make it smaller.

locals {
  keys_enabled       = length(var.api_keys) > 0
  page_route_enabled = local.keys_enabled && var.page_route != null
  page_throttled     = local.page_route_enabled && try(var.page_route.rate_limit != null, false)
}

# One path segment: a nested /web/predict would work on AWS, but LocalStack's API Gateway (moto) stores
# the method setting of a nested path under its escaped name, so the provider never finds it again.
resource "aws_api_gateway_resource" "page_predict" {
  count = local.page_route_enabled ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "web-predict"
}

resource "aws_api_gateway_method" "page_predict" {
  #checkov:skip=CKV_AWS_59:The web page's route: a browser cannot hold a secret key; its own method throttle (and the optional WAF) bound it.
  #checkov:skip=CKV2_AWS_53:The Lambda validates the body and answers each bad input with its own specific 4xx.
  count = local.page_route_enabled ? 1 : 0

  rest_api_id      = aws_api_gateway_rest_api.this.id
  resource_id      = aws_api_gateway_resource.page_predict[0].id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = false
}

resource "aws_api_gateway_integration" "page_predict" {
  count = local.page_route_enabled ? 1 : 0

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.page_predict[0].id
  http_method             = aws_api_gateway_method.page_predict[0].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
  timeout_milliseconds    = 29000
}

resource "aws_api_gateway_method" "page_preflight" {
  #checkov:skip=CKV_AWS_59:CORS preflight requests carry no credentials by definition; the MOCK never reaches the model.
  #checkov:skip=CKV2_AWS_53:A MOCK preflight has no body to validate.
  count = local.page_route_enabled ? 1 : 0

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.page_predict[0].id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "page_preflight" {
  count = local.page_route_enabled ? 1 : 0

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = aws_api_gateway_resource.page_predict[0].id
  http_method          = aws_api_gateway_method.page_preflight[0].http_method
  type                 = "MOCK"
  passthrough_behavior = "WHEN_NO_TEMPLATES"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "page_preflight" {
  count = local.page_route_enabled ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.page_predict[0].id
  http_method = aws_api_gateway_method.page_preflight[0].http_method
  status_code = "200"

  response_parameters = aws_api_gateway_method_response.preflight.response_parameters
}

resource "aws_api_gateway_integration_response" "page_preflight" {
  count = local.page_route_enabled ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.page_predict[0].id
  http_method = aws_api_gateway_method.page_preflight[0].http_method
  status_code = aws_api_gateway_method_response.page_preflight[0].status_code

  response_parameters = local.preflight_headers

  response_templates = {
    "application/json" = local.preflight_template
  }

  depends_on = [aws_api_gateway_integration.page_preflight]
}

resource "aws_api_gateway_method_settings" "page_predict" {
  #checkov:skip=CKV_AWS_225:Caching does not help POSTs of distinct reviews.
  count = local.page_throttled ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "web-predict/POST"

  settings {
    metrics_enabled        = true
    logging_level          = local.execution_logging_level
    data_trace_enabled     = false
    throttling_rate_limit  = var.page_route.rate_limit
    throttling_burst_limit = var.page_route.burst_limit
  }

  # Stage settings are updated one call at a time.
  depends_on = [aws_api_gateway_method_settings.all]
}

resource "aws_lambda_permission" "page" {
  count = local.page_route_enabled ? 1 : 0

  statement_id  = "AllowInvokeFromRestApiPage"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  qualifier     = var.function_qualifier
  principal     = "apigateway.amazonaws.com"
  # Only this API, any stage, only POST /web-predict.
  source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/*/${aws_api_gateway_method.page_predict[0].http_method}${aws_api_gateway_resource.page_predict[0].path}"
}
