output "topic_arn" {
  description = "ARN of the alarm topic, or null when create_topic is false."
  value       = try(aws_sns_topic.this[0].arn, null)
}

output "topic_kms_key_arn" {
  description = "ARN of the topic's own KMS key, or null (no topic, or kms_master_key_id given)."
  value       = try(aws_kms_key.topic[0].arn, null)
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard, or null when create_dashboard is false."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "subscription_arns" {
  description = "ARNs of the topic's subscriptions (pending confirmation for email)."
  value       = [for subscription in aws_sns_topic_subscription.this : subscription.arn]
}
