# Plan-level tests of this module on a mocked AWS provider (paths relative to the module):
#   terraform -chdir=terraform/modules/web_site init -backend=false && terraform -chdir=terraform/modules/web_site test

mock_provider "aws" {
  override_during = plan

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_cloudfront_cache_policy" {
    defaults = {
      id = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    }
  }

  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      id                          = "imdb-sentiment-web-0001"
      arn                         = "arn:aws:s3:::imdb-sentiment-web-0001"
      bucket_regional_domain_name = "imdb-sentiment-web-0001.s3.eu-west-1.amazonaws.com"
    }
  }

  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      id          = "E2EXAMPLE0001"
      arn         = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE0001"
      domain_name = "d111111abcdef8.cloudfront.net"
    }
  }
}

# The real provider, offline (fake credentials, no AWS call), for the policy run: aws_iam_policy_document
# is computed by the provider itself, so the merged policy is the one S3 would receive.
provider "aws" {
  alias                       = "offline"
  region                      = "eu-west-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

variables {
  name            = "imdb-sentiment"
  source_dir      = "tests/fixtures/site"
  predict_url     = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/predict"
  connect_sources = ["https://*.execute-api.eu-west-1.amazonaws.com"]
  tags            = { Project = "imdb-sentiment" }
}

# The bucket's hardening (public access block, encryption, versioning, lifecycle) is the private_bucket
# submodule's and tested there.
run "the_page_lives_in_the_private_bucket" {
  command = plan

  assert {
    condition     = output.bucket_name == "imdb-sentiment-web-0001" && output.bucket_arn == "arn:aws:s3:::imdb-sentiment-web-0001"
    error_message = "bucket_name and bucket_arn name the private bucket."
  }

  assert {
    condition     = aws_s3_object.config.bucket == "imdb-sentiment-web-0001" && alltrue([for object in aws_s3_object.page : object.bucket == "imdb-sentiment-web-0001"])
    error_message = "Every page file is uploaded to the private bucket."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.origin).domain_name == "imdb-sentiment-web-0001.s3.eu-west-1.amazonaws.com"
    error_message = "CloudFront reads the private bucket through its regional domain name."
  }
}

run "only_this_distribution_may_read" {
  command = plan

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.cloudfront_read.statement :
      statement.effect == "Allow" && statement.actions == toset(["s3:GetObject"]) &&
      statement.resources == toset(["arn:aws:s3:::imdb-sentiment-web-0001/*"]) &&
      anytrue([for principal in statement.principals : principal.type == "Service" && principal.identifiers == toset(["cloudfront.amazonaws.com"])]) &&
      anytrue([
        for condition in statement.condition :
        condition.test == "StringEquals" && condition.variable == "AWS:SourceArn" &&
        condition.values == tolist(["arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE0001"])
      ])
    ])
    error_message = "Only GetObject by CloudFront, and only for this distribution's ARN, may be allowed."
  }

  assert {
    condition     = aws_cloudfront_origin_access_control.this.signing_behavior == "always" && aws_cloudfront_origin_access_control.this.origin_access_control_origin_type == "s3"
    error_message = "CloudFront must sign every request to the bucket (origin access control)."
  }
}

run "uploads_the_page_and_a_generated_config" {
  command = plan

  assert {
    condition     = toset(keys(aws_s3_object.page)) == toset(["index.html", "app.js", "style.css"])
    error_message = "The page files are uploaded; a local config.js and other files are not."
  }

  assert {
    condition     = aws_s3_object.config.content == "window.SENTIMENT_CONFIG = {\"predictUrl\":\"https://abc123.execute-api.eu-west-1.amazonaws.com/v1/predict\"};\n"
    error_message = "config.js must name the API's predict URL."
  }

  assert {
    condition     = aws_s3_object.page["index.html"].content_type == "text/html; charset=utf-8" && aws_s3_object.page["app.js"].content_type == "text/javascript; charset=utf-8" && aws_s3_object.page["style.css"].content_type == "text/css; charset=utf-8"
    error_message = "Each file is served with its content type."
  }

  assert {
    condition     = output.uploaded_files == tolist(["app.js", "config.js", "index.html", "style.css"])
    error_message = "uploaded_files lists every key in the bucket."
  }
}

run "https_only_with_security_headers" {
  command = plan

  assert {
    condition     = one(aws_cloudfront_distribution.this.default_cache_behavior).viewer_protocol_policy == "redirect-to-https"
    error_message = "Plain HTTP must be redirected to HTTPS."
  }

  assert {
    condition     = toset(one(aws_cloudfront_distribution.this.default_cache_behavior).allowed_methods) == toset(["GET", "HEAD"])
    error_message = "The site is read-only."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_root_object == "index.html"
    error_message = "The distribution's root serves the page."
  }

  assert {
    condition = strcontains(
      one(one(aws_cloudfront_response_headers_policy.security_headers.security_headers_config).content_security_policy).content_security_policy,
      "connect-src https://*.execute-api.eu-west-1.amazonaws.com;"
    )
    error_message = "The CSP must let the page call the API and nothing else."
  }

  assert {
    condition     = output.site_origin == "https://d111111abcdef8.cloudfront.net" && output.site_url == "https://d111111abcdef8.cloudfront.net/"
    error_message = "site_origin (for CORS) has no trailing slash; site_url is the page."
  }
}

run "rejects_a_relative_predict_url" {
  command = plan

  variables {
    predict_url = "/v1/predict"
  }

  expect_failures = [var.predict_url]
}

run "rejects_a_csp_source_that_could_inject_directives" {
  command = plan

  variables {
    connect_sources = ["https://api.example.com; script-src *"]
  }

  expect_failures = [var.connect_sources]
}

run "rejects_a_directory_without_a_page" {
  command = plan

  variables {
    source_dir = "tests"
  }

  expect_failures = [var.source_dir]
}

# CloudFront names are global to the account: the same name deployed in a second region must not collide.
run "cloudfront_names_carry_the_region" {
  command = plan

  assert {
    condition     = aws_cloudfront_origin_access_control.this.name == "imdb-sentiment-web-eu-west-1"
    error_message = "The origin access control is named <name>-web-<region>."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.security_headers.name == "imdb-sentiment-web-eu-west-1-security-headers"
    error_message = "The response headers policy is named <name>-web-<region>-security-headers."
  }
}

run "a_second_region_gets_other_cloudfront_names" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "ap-southeast-4" }
  }

  assert {
    condition     = aws_cloudfront_origin_access_control.this.name == "imdb-sentiment-web-ap-southeast-4"
    error_message = "Another region must give another origin access control name."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.security_headers.name == "imdb-sentiment-web-ap-southeast-4-security-headers"
    error_message = "Another region must give another response headers policy name."
  }
}

run "the_longest_name_in_the_longest_region_fits" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "ap-southeast-4" }
  }

  variables {
    name = "a-twenty-nine-character-name"
  }

  assert {
    condition     = length(aws_cloudfront_origin_access_control.this.name) <= 64
    error_message = "The origin access control name must fit its 64 characters."
  }
}

# One bucket policy with both CloudFront's read grant and the TLS-only deny. The real provider, offline,
# with every managed resource overridden (nothing is created): a data source that refers to a bucket
# being created is read only at apply. Last, so no plan refreshes these resources.
run "one_bucket_policy_lets_cloudfront_read_and_denies_plain_http" {
  command   = apply
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_cloudfront_cache_policy.caching_optimized
    values = { id = "658327ea-f89d-4fab-a63d-7e88639e58f6" }
  }

  override_data {
    target = data.aws_region.current
    values = { name = "eu-west-1" }
  }

  override_resource {
    target = module.bucket.aws_s3_bucket.this
    values = {
      id                          = "imdb-sentiment-web-0001"
      arn                         = "arn:aws:s3:::imdb-sentiment-web-0001"
      bucket_regional_domain_name = "imdb-sentiment-web-0001.s3.eu-west-1.amazonaws.com"
    }
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_public_access_block.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_ownership_controls.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_server_side_encryption_configuration.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_versioning.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_lifecycle_configuration.this
  }

  override_resource {
    target = module.bucket.aws_s3_bucket_policy.this
  }

  override_resource {
    target = aws_s3_object.page
  }

  override_resource {
    target = aws_s3_object.config
  }

  override_resource {
    target = aws_cloudfront_origin_access_control.this
  }

  override_resource {
    target = aws_cloudfront_response_headers_policy.security_headers
  }

  override_resource {
    target = aws_cloudfront_distribution.this
    values = {
      arn         = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE0001"
      domain_name = "d111111abcdef8.cloudfront.net"
    }
  }

  assert {
    condition     = toset([for statement in jsondecode(module.bucket.policy).Statement : statement.Sid]) == toset(["AllowCloudFrontRead", "DenyInsecureTransport"])
    error_message = "CloudFront's read grant and the TLS-only deny are in the bucket's one policy."
  }

  assert {
    condition     = one([for statement in jsondecode(module.bucket.policy).Statement : statement.Condition if statement.Sid == "AllowCloudFrontRead"]) == { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE0001" } }
    error_message = "Only this distribution may read."
  }

  assert {
    condition     = one([for statement in jsondecode(module.bucket.policy).Statement : statement.Condition if statement.Sid == "DenyInsecureTransport"]) == { Bool = { "aws:SecureTransport" = "false" } }
    error_message = "Requests without TLS are denied."
  }
}
