# The access log group exists only while stage logging is on (see logging_enabled in main.tf): this block
# keeps an existing deployment's group (a state move, nothing destroyed or recreated).

moved {
  from = aws_cloudwatch_log_group.access
  to   = aws_cloudwatch_log_group.access[0]
}
