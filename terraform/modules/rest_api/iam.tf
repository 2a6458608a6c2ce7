# API Gateway writes stage logs through one CloudWatch role per account and region. On an account that
# has none, set create_cloudwatch_role = true (once per region); emulators and accounts that already
# have one leave it false.

data "aws_iam_policy_document" "cloudwatch_assume_role" {
  count = var.create_cloudwatch_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
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

  statement {
    sid = "WriteApiGatewayLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
      "logs:PutLogEvents",
    ]
    # The account-level role serves every API of the region, so it is scoped to the region's log groups.
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

  depends_on = [aws_iam_role_policy.cloudwatch]
}
