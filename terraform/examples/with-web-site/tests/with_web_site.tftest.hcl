# Plan tests of this example on a mocked AWS provider (run by `make tf-check`; a copy of the example does not
# need them): the inputs it passes satisfy every module's validations, and its modules are wired together.
# Here, not in terraform/tests/: an example is a root configuration with an import block, which Terraform
# refuses in a module (as a `run` block's `module` source would make it).

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws_examples"
}

variables {
  lambda_zip_path     = "../../tests/fixtures/lambda_package.txt"
  model_artifact_path = "../../tests/fixtures/model_artifact.txt"
}

run "with_web_site" {
  command = plan

  variables {
    web_source_dir = "../../../web"
  }

  assert {
    condition     = output.site_url == "https://d111111abcdef8.cloudfront.net/"
    error_message = "The web example must output the page's CloudFront URL."
  }

  assert {
    condition     = contains(module.web_site.uploaded_files, "config.js") && contains(module.web_site.uploaded_files, "index.html")
    error_message = "The web example must upload the page and its config.js (the API URL)."
  }
}
