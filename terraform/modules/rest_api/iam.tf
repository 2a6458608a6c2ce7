# API Gateway writes stage logs through one CloudWatch role per account and region. That setting belongs to
# the account, not to this API: create_cloudwatch_role = true creates and registers a role (replacing any
# role set there) and resets the setting on destroy; otherwise the account's own role is used.

data "aws_iam_policy_document" "cloudwatch_assume_role" {
  count = var.create_cloudwatch_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    # Only API Gateway acting for this account may assume it (confused-deputy protection).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.create_cloudwatch_role ? 1 : 0

  # IAM names are global to the account: a generated suffix lets the same name deploy in every region.
  name_prefix        = "${substr(var.name, 0, 26)}-api-logs-"
  assume_role_policy = data.aws_iam_policy_document.cloudwatch_assume_role[0].json

  tags = var.tags
}

data "aws_iam_policy_document" "cloudwatch" {
  count = var.create_cloudwatch_role ? 1 : 0

  # Write only: no GetLogEvents or FilterLogEvents (the managed AmazonAPIGatewayPushToCloudWatchLogs
  # policy grants both on every log group). The Describe calls read names and metadata, not log events;
  # API Gateway uses them to find its execution log groups.
  statement {
    sid = "WriteApiGatewayLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    # The account-level role serves every REST API of the region (execution logs go to
    # API-Gateway-Execution-Logs_<api id>/<stage>, access logs to any group a stage names), so it is
    # scoped to the region's log groups rather than to this API's.
    resources = ["arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"]
  }
}

resource "aws_iam_role_policy" "cloudwatch" {
  count = var.create_cloudwatch_role ? 1 : 0

  name   = "apigateway-cloudwatch"
  role   = aws_iam_role.cloudwatch[0].id
  policy = data.aws_iam_policy_document.cloudwatch[0].json
}

resource "aws_api_gateway_account" "this" {
  count = var.create_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn
  # Provider 5.x otherwise leaves the account pointing at the role destroyed with this stack (6.x always
  # resets). The argument is deprecated in 5.x only because 6.x makes it the behaviour.
  reset_on_delete = true

  depends_on = [aws_iam_role_policy.cloudwatch]
}
