# The REST API, its stage and web ACL as the rest_api module's tests see them. Fixed ids, so that the
# deployment trigger depends only on the API definition and is known at plan time. Only API Gateway and WAF
# resources: a test file's own mock_resource of the same type wins over these.

mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id               = "a1b2c3d4e5"
    root_resource_id = "r00t00"
    execution_arn    = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"
  }
}

mock_resource "aws_api_gateway_resource" {
  defaults = { id = "res001", path = "/predict" }
}

mock_resource "aws_api_gateway_method" {
  defaults = { id = "method001" }
}

mock_resource "aws_api_gateway_integration" {
  defaults = { id = "integration001" }
}

mock_resource "aws_api_gateway_method_response" {
  defaults = { id = "methodresponse001" }
}

mock_resource "aws_api_gateway_integration_response" {
  defaults = { id = "integrationresponse001" }
}

mock_resource "aws_api_gateway_gateway_response" {
  defaults = { id = "response001" }
}

mock_resource "aws_api_gateway_stage" {
  defaults = {
    invoke_url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1"
    arn        = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/v1"
  }
}

mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/imdb-sentiment-api/0001" }
}
