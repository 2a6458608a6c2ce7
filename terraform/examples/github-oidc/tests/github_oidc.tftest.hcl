# Plan tests of this example (run by `make tf-check`). The real aws provider runs with fake credentials and no
# AWS call: the account lookups and the OIDC provider's ARN are overridden, and aws_iam_policy_document really
# renders the trust and permission policies the assertions read.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "mock"
  secret_key                  = "mock"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "123456789012" }
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws" }
}

override_resource {
  target          = aws_iam_openid_connect_provider.github
  override_during = plan
  values          = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
}

variables {
  github_repository = "example-org/imdb-sentiment"
  state_bucket_arn  = "arn:aws:s3:::imdb-sentiment-tfstate-0001"
}

run "trust_names_only_githubs_issuer_audience_and_exact_subjects" {
  command = plan

  assert {
    condition = alltrue([for role, document in output.trust_policies : alltrue([
      for statement in jsondecode(document).Statement :
      statement.Action == "sts:AssumeRoleWithWebIdentity" &&
      statement.Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" &&
      statement.Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com" &&
      keys(statement.Condition) == ["StringEquals"]
    ])])
    error_message = "Each role must trust only GitHub's provider, with audience sts.amazonaws.com and StringEquals conditions only (no StringLike)."
  }

  assert {
    condition = toset(flatten([jsondecode(output.trust_policies.plan).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]])) == toset([
      "repo:example-org/imdb-sentiment:pull_request",
      "repo:example-org/imdb-sentiment:ref:refs/heads/main",
    ])
    error_message = "The plan role must trust exactly the repository's pull requests and its main branch."
  }

  assert {
    condition     = jsondecode(output.trust_policies.deploy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/imdb-sentiment:environment:production"
    error_message = "The deploy role must trust exactly the repository's production environment."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1 && one(aws_iam_openid_connect_provider.github).client_id_list == toset(["sts.amazonaws.com"])
    error_message = "Without oidc_provider_arn the example creates GitHub's provider for audience sts.amazonaws.com."
  }
}

run "an_existing_provider_is_reused" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "A given provider must be reused: an account has only one per issuer."
  }
}

run "the_plan_role_only_reads_the_state_and_takes_its_lock" {
  command = plan

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.state["plan"].json).Statement[1].Action == "s3:GetObject" && toset(jsondecode(data.aws_iam_policy_document.state["plan"].json).Statement[2].Action) == toset(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]) && jsondecode(data.aws_iam_policy_document.state["plan"].json).Statement[2].Resource == "arn:aws:s3:::imdb-sentiment-tfstate-0001/imdb-sentiment/production/terraform.tfstate.tflock"
    error_message = "The plan role may write only the lock file, never the state."
  }

  assert {
    condition     = !contains(keys(aws_iam_role_policy.deploy), "plan") && aws_iam_role.ci["plan"].name == "github-imdb-sentiment-plan"
    error_message = "Only the deploy role gets the stack's write permissions."
  }
}

run "deploy_writes_only_the_stacks_resources" {
  command = plan

  assert {
    condition = alltrue([
      for statement in jsondecode(data.aws_iam_policy_document.deploy.json).Statement :
      statement.Resource != "*" || can(statement.Condition.StringEquals["aws:RequestTag/Project"]) || can(statement.Condition.StringEquals["aws:ResourceTag/Project"])
    ])
    error_message = "Every deploy statement must name the stack's resources or require its Project tag."
  }

  assert {
    condition     = !startswith(aws_iam_role.ci["deploy"].name, var.stack_name)
    error_message = "The deploy role may change roles named after the stack: it must not be one of them."
  }
}

run "wildcard_subjects_are_refused" {
  command = plan

  variables {
    deploy_subjects = ["repo:example-org/*"]
  }

  expect_failures = [var.deploy_subjects]
}

run "the_training_role_is_opt_in_and_trusts_only_its_environment" {
  command = plan

  variables {
    training = {
      role_arn   = "arn:aws:iam::123456789012:role/imdb-sentiment-training-0001"
      bucket_arn = "arn:aws:s3:::imdb-sentiment-training-0001"
    }
  }

  assert {
    condition     = jsondecode(output.trust_policies.train).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/imdb-sentiment:environment:training"
    error_message = "The training role must trust exactly the repository's training environment."
  }

  assert {
    condition     = !contains(keys(aws_iam_role_policy_attachment.read_only), "train") && !contains(keys(aws_iam_role_policy.state), "train")
    error_message = "The training role needs neither the Terraform state nor read access to everything."
  }
}

run "no_training_role_unless_asked" {
  command = plan

  assert {
    condition     = !contains(keys(aws_iam_role.ci), "train")
    error_message = "Without `training` no training role may exist."
  }
}
