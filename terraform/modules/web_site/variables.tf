variable "name" {
  description = "Name of the deployment: prefixes the bucket, the origin access control and the headers policy."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,27}[a-z0-9]$", var.name))
    error_message = "name must be 3-29 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "source_dir" {
  description = "Directory of the page (web/): its *.html, *.js, *.css and *.svg files are uploaded, except a local config.js."
  type        = string

  validation {
    condition     = fileexists("${var.source_dir}/index.html")
    error_message = "source_dir must contain index.html."
  }
}

variable "predict_url" {
  description = "Full URL of the API's POST /predict; written into the site's config.js."
  type        = string

  validation {
    condition     = can(regex("^https?://[^/]+/", var.predict_url))
    error_message = "predict_url must be an absolute http(s) URL."
  }
}

variable "connect_sources" {
  description = "Content-Security-Policy connect-src sources the page may call, e.g. [\"https://*.execute-api.eu-west-1.amazonaws.com\"]. Must not be derived from the API itself: the API's CORS origins are derived from this site."
  type        = list(string)

  validation {
    condition     = length(var.connect_sources) > 0 && alltrue([for source in var.connect_sources : can(regex("^https?://[^\\s;,']+$", source))])
    error_message = "connect_sources must be one or more http(s) sources with no spaces, quotes, commas or semicolons."
  }
}

variable "price_class" {
  description = "CloudFront price class (edge locations served)."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects (all versions)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource that takes them."
  type        = map(string)
  default     = {}
}
