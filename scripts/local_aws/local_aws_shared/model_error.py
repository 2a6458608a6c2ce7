"""SageMaker Runtime's ModelError: what InvokeEndpoint answers when the model's container answers 4xx or 5xx.

Built in one place for both stand-ins (the LocalStack runtime provider and serve_endpoint's runtime route), so
a caller such as lambda_src/endpoint.py sees one shape whichever it talks to. The members are those of
botocore's ``ModelError`` shape (sagemaker-runtime 2017-05-13: Message, OriginalStatusCode, OriginalMessage,
LogStreamArn; HTTP 424), plus the ``ErrorCode`` AWS also puts in the body (CLIENT_ERROR_FROM_MODEL or
SERVER_ERROR_FROM_MODEL), which botocore does not model.
"""

from __future__ import annotations

MODEL_ERROR_STATUS = 424  # Failed Dependency, the httpStatusCode of botocore's ModelError shape


def model_error_body(endpoint_name: str, region: str, account: str, status: int, message: str) -> dict[str, str | int]:
    """The JSON body AWS sends with a 424 ``ModelError`` for the container's ``status`` and body ``message``."""
    kind = "client" if status < 500 else "server"
    log_group = f"/aws/sagemaker/Endpoints/{endpoint_name}"
    return {
        "ErrorCode": f"{kind.upper()}_ERROR_FROM_MODEL",
        "LogStreamArn": f"arn:aws:logs:{region}:{account}:log-group:{log_group}",
        "Message": f'Received {kind} error ({status}) from primary with message "{message}". '
        f"See the log group {log_group} in account {account} for more information.",
        "OriginalMessage": message,
        "OriginalStatusCode": status,
    }
