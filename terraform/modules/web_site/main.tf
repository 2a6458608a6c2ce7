# The page as a private S3 bucket behind CloudFront with origin access control (OAC).
# Why not an S3 website bucket: website endpoints speak only HTTP and need a public bucket policy, so the
# page (and the review typed into it) would travel unencrypted and the bucket could not block public access.
# CloudFront gives HTTPS on its own domain, security headers and caching for about the same cost.

locals {
  content_types = {
    html = "text/html; charset=utf-8"
    js   = "text/javascript; charset=utf-8"
    css  = "text/css; charset=utf-8"
    svg  = "image/svg+xml"
  }

  # config.js in source_dir is a developer's local one (ignored by git); the site gets its own below.
  site_files = setsubtract(fileset(var.source_dir, "*.{html,js,css,svg}"), ["config.js"])

  config_js = "window.SENTIMENT_CONFIG = ${jsonencode({ predictUrl = var.predict_url })};\n"

  content_security_policy = join("; ", [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src ${join(" ", var.connect_sources)}",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ])

  origin_id = "s3-${var.name}-web"

  # CloudFront names are global to the account: the region keeps the same name deployable in each region.
  global_name = "${var.name}-web-${data.aws_region.current.name}"
}

data "aws_region" "current" {}

# The private bucket (public access block, no ACLs, encryption, versioning, lifecycle, TLS-only policy)
# is the shared submodule's; CloudFront's read grant joins its one bucket policy (iam.tf).
module "bucket" {
  source = "../private_bucket"

  bucket_prefix    = "${var.name}-web-"
  force_destroy    = var.force_destroy
  policy_documents = [data.aws_iam_policy_document.cloudfront_read.json]

  tags = var.tags
}

# Every file is revalidated (ETag) on each load: the site is a few kilobytes and must never mix versions.
resource "aws_s3_object" "page" {
  for_each = local.site_files

  bucket        = module.bucket.bucket_id
  key           = each.value
  source        = "${var.source_dir}/${each.value}"
  etag          = filemd5("${var.source_dir}/${each.value}")
  content_type  = local.content_types[reverse(split(".", each.value))[0]]
  cache_control = "no-cache"

  tags = var.tags
}

resource "aws_s3_object" "config" {
  bucket        = module.bucket.bucket_id
  key           = "config.js"
  content       = local.config_js
  content_type  = local.content_types.js
  cache_control = "no-cache"

  tags = var.tags
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = local.global_name
  description                       = "CloudFront reads the ${var.name} page bucket with SigV4"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_response_headers_policy" "security_headers" {
  name    = "${local.global_name}-security-headers"
  comment = "CSP limited to this site and the API, HSTS, nosniff, no framing, no referrer"

  security_headers_config {
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "no-referrer"
      override        = true
    }

    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:A static page with no forms posting to this origin; WAF belongs in front of the API if anywhere.
  #checkov:skip=CKV2_AWS_47:No WAF (see CKV_AWS_68); nothing on this origin runs Log4j.
  #checkov:skip=CKV_AWS_86:Access logs need a log bucket with ACLs enabled; the page holds no user data.
  #checkov:skip=CKV_AWS_310:One origin by design; a failover bucket would double the upload for a static page.
  #checkov:skip=CKV_AWS_374:The page is for everyone; no geo restriction.
  #checkov:skip=CKV2_AWS_42:The default *.cloudfront.net certificate; a custom domain is out of scope.
  #checkov:skip=CKV_AWS_174:With the default certificate CloudFront fixes the TLS policy; set when a custom domain is added.
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  comment             = "${var.name} sentiment page"
  default_root_object = "index.html"
  price_class         = var.price_class

  origin {
    origin_id                = local.origin_id
    domain_name              = module.bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security_headers.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  tags = var.tags
}
