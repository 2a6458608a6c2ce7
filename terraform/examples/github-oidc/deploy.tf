# What the deploy role may change: the stack's own resources, by name prefix where the service's ARNs carry
# the name, by the Project tag (the root's default tag, = stack name) where they carry only generated IDs.
locals {
  region_account = "${var.region}:${local.account}"
  arn            = "arn:${local.partition}"
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid = "StackRoles"
    actions = [
      "iam:CreateRole", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole",
      "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
      "iam:AttachRolePolicy", "iam:DetachRolePolicy",
    ]
    resources = ["${local.arn}:iam::${local.account}:role/${local.stack}*"]
  }

  statement {
    sid       = "PassStackRoles"
    actions   = ["iam:PassRole"]
    resources = ["${local.arn}:iam::${local.account}:role/${local.stack}*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com", "lambda.amazonaws.com", "apigateway.amazonaws.com"]
    }
  }

  statement {
    sid     = "StackBuckets"
    actions = ["s3:*"]
    resources = [
      "${local.arn}:s3:::${local.stack}*",
      "${local.arn}:s3:::${local.stack}*/*",
    ]
  }

  statement {
    sid = "StackSageMaker"
    actions = [
      "sagemaker:CreateModel", "sagemaker:DeleteModel", "sagemaker:CreateEndpointConfig",
      "sagemaker:DeleteEndpointConfig", "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint",
      "sagemaker:DeleteEndpoint", "sagemaker:AddTags", "sagemaker:DeleteTags",
      # The root's model package group; CreateModel from one of its packages reads the package.
      "sagemaker:CreateModelPackageGroup", "sagemaker:DeleteModelPackageGroup", "sagemaker:DescribeModelPackage",
    ]
    resources = ["${local.arn}:sagemaker:${local.region_account}:*/${lower(local.stack)}*"]
  }

  statement {
    sid       = "StackFunctions"
    actions   = ["lambda:*"]
    resources = ["${local.arn}:lambda:${local.region_account}:function:${local.stack}*"]
  }

  statement {
    sid     = "StackLogsAlarmsTopics"
    actions = ["logs:*", "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards", "sns:*"]
    resources = [
      "${local.arn}:logs:${local.region_account}:log-group:/aws/lambda/${local.stack}*",
      "${local.arn}:logs:${local.region_account}:log-group:/aws/sagemaker/Endpoints/${local.stack}*",
      "${local.arn}:logs:${local.region_account}:log-group:/aws/apigateway/${local.stack}*",
      "${local.arn}:cloudwatch:${local.region_account}:alarm:${local.stack}*",
      "${local.arn}:cloudwatch::${local.account}:dashboard/${local.stack}*",
      "${local.arn}:sns:${local.region_account}:${local.stack}*",
    ]
  }

  # REST API, KMS key, WAF and CloudFront ARNs carry generated IDs: creating requires the stack's tag on the
  # request, changing requires it on the resource.
  statement {
    sid       = "CreateTaggedForStack"
    actions   = ["apigateway:POST", "kms:CreateKey", "wafv2:CreateWebACL", "cloudfront:CreateDistributionWithTags"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Project"
      values   = [local.stack]
    }
  }

  statement {
    sid = "ChangeTaggedStackResources"
    actions = [
      "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE", "apigateway:POST", "kms:*", "wafv2:*",
      "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution", "cloudfront:TagResource",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [local.stack]
    }
  }

  statement {
    sid       = "EndpointScaling"
    actions   = ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:TagResource"]
    resources = ["${local.arn}:application-autoscaling:${local.region_account}:scalable-target/*"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "stack-${local.stack}"
  role   = aws_iam_role.ci["deploy"].name
  policy = data.aws_iam_policy_document.deploy.json
}
