# Plan-level tests of this module on a mocked AWS provider: the encrypted alarm topic, its subscriptions
# and the dashboard (paths relative to the module; the account comes from the shared terraform/tests/mocks/aws):
#   terraform -chdir=terraform/modules/monitoring init -backend=false && terraform -chdir=terraform/modules/monitoring test

mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks/aws"

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
  }

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:imdb-sentiment-alarms" }
  }
}

variables {
  name              = "imdb-sentiment"
  region            = "us-east-1"
  alarm_name_prefix = "imdb-sentiment-"
  alarm_arns        = ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:imdb-sentiment-5xx"]
  api_name          = "imdb-sentiment"
  stage_name        = "v1"
  function_name     = "imdb-sentiment-predict"
  metrics_namespace = "ImdbSentiment"
  endpoint_name     = "imdb-sentiment"
  subscriptions = [
    { protocol = "email", endpoint = "oncall@example.com" },
    { protocol = "sqs", endpoint = "arn:aws:sqs:us-east-1:123456789012:alarms" },
  ]
}

run "topic_is_encrypted_with_a_key_cloudwatch_may_use" {
  command = plan

  assert {
    condition     = aws_sns_topic.this[0].name == "imdb-sentiment-alarms" && aws_sns_topic.this[0].kms_master_key_id == aws_kms_key.topic[0].arn
    error_message = "The topic must be <name>-alarms, encrypted with its own customer managed key."
  }

  assert {
    condition     = aws_kms_key.topic[0].enable_key_rotation
    error_message = "The topic key must rotate."
  }

  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.topic_key[0].statement :
      contains(flatten([for p in statement.principals : p.identifiers]), "cloudwatch.amazonaws.com")
      && toset(statement.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey*"])
      && contains(flatten([for c in statement.condition : c.values]), "arn:aws:cloudwatch:us-east-1:123456789012:alarm:imdb-sentiment-*")
    ])
    error_message = "CloudWatch alarms of this deployment (and only they) may use the key to publish."
  }

  assert {
    condition     = output.topic_arn == "arn:aws:sns:us-east-1:123456789012:imdb-sentiment-alarms"
    error_message = "topic_arn must be the topic's ARN."
  }
}

run "every_subscription_is_created_on_the_topic" {
  command = plan

  assert {
    condition     = length(aws_sns_topic_subscription.this) == 2
    error_message = "One subscription per entry of var.subscriptions."
  }

  assert {
    condition     = aws_sns_topic_subscription.this["0"].protocol == "email" && aws_sns_topic_subscription.this["1"].endpoint == "arn:aws:sqs:us-east-1:123456789012:alarms"
    error_message = "Subscriptions keep their protocol and endpoint."
  }

  assert {
    condition     = alltrue([for s in aws_sns_topic_subscription.this : s.topic_arn == aws_sns_topic.this[0].arn])
    error_message = "Subscriptions must be on the alarm topic."
  }
}

run "dashboard_shows_every_layer_and_the_alarms" {
  command = plan

  assert {
    condition     = aws_cloudwatch_dashboard.this[0].dashboard_name == "imdb-sentiment-us-east-1"
    error_message = "The dashboard is named after the deployment and its region (dashboard names are global to the account)."
  }

  assert {
    condition = alltrue([
      for needle in ["\"AWS/ApiGateway\"", "\"5XXError\"", "\"AWS/Lambda\"", "\"Throttles\"", "\"AWS/SageMaker\"", "\"Invocation5XXErrors\"", "\"ModelLatency\"", "\"ImdbSentiment\"", "\"TextFallbacks\"", "\"EndpointErrors\"", "ErrorKind", "imdb-sentiment-5xx"] :
      strcontains(aws_cloudwatch_dashboard.this[0].dashboard_body, needle)
    ])
    error_message = "The dashboard must show API, Lambda, handler and endpoint metrics, errors by kind and the alarms."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets) == 7
    error_message = "Six metric widgets and the alarm status row."
  }
}

run "topic_and_dashboard_are_optional" {
  command = plan

  variables {
    create_topic     = false
    create_dashboard = false
  }

  assert {
    condition     = length(aws_sns_topic.this) == 0 && length(aws_kms_key.topic) == 0 && length(aws_sns_topic_subscription.this) == 0
    error_message = "No topic, key or subscription without create_topic."
  }

  assert {
    condition     = output.topic_arn == null && output.dashboard_name == null
    error_message = "Outputs are null for parts not created."
  }
}

run "rejects_unknown_subscription_protocol" {
  command = plan

  variables {
    subscriptions = [{ protocol = "pager", endpoint = "x" }]
  }

  expect_failures = [var.subscriptions]
}

run "a_given_key_replaces_the_topics_own" {
  command = plan

  variables {
    kms_master_key_id = "arn:aws:kms:us-east-1:123456789012:key/shared"
  }

  assert {
    condition     = length(aws_kms_key.topic) == 0 && aws_sns_topic.this[0].kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/shared"
    error_message = "With kms_master_key_id the topic uses that key and no key of its own is created."
  }
}
