"""LocalStack plugins that run this project's Lambda and SageMaker endpoint on a machine without Docker.

Installed into LocalStack's own virtualenv (see ../pyproject.toml); found by LocalStack through plux entry
points: a Lambda runtime executor named ``local`` (lambda_executor) and providers named ``local`` for
``sagemaker`` (sagemaker_control), ``sagemaker-runtime`` (sagemaker_runtime) and ``cloudwatch``
(cloudwatch_tags), and ``fresh_account`` for ``apigateway`` (an account without API Gateway's CloudWatch
role, selected by the ``fresh`` account profile).
"""
