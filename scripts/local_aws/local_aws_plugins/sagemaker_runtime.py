"""SageMaker Runtime provider for LocalStack: InvokeEndpoint reaches the endpoint's live model server.

moto answers InvokeEndpoint with canned bytes. Here the body goes to the server endpoint_fleet runs for the
endpoint (the project's real model server); a non-2xx answer becomes ``ModelError`` with
``OriginalStatusCode``/``OriginalMessage`` as on AWS (local_aws_shared.model_error, the builder serve_endpoint's
runtime route uses too); each invocation's metrics go to CloudWatch (endpoint_metrics). The endpoint itself is
looked up in moto's records, which sagemaker_control keeps.

Enabled with ``PROVIDER_OVERRIDE_SAGEMAKER_RUNTIME=local``.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from local_aws_plugins.endpoint_fleet import FLEETS
from local_aws_plugins.endpoint_metrics import METRICS
from local_aws_plugins.moto_records import sagemaker_backend
from local_aws_shared.model_error import MODEL_ERROR_STATUS, model_error_body
from localstack.aws.api import RequestContext, ServiceException
from localstack.aws.skeleton import DispatchTable
from localstack.services.plugins import Service, ServiceLifecycleHook, aws_provider

INVOKE_TIMEOUT_SECONDS = 60.0  # SageMaker's limit for a real-time endpoint answer


class RuntimeValidationError(ServiceException):
    code = "ValidationError"
    status_code = 400
    sender_fault = True


class ModelError(ServiceException):
    code = "ModelError"
    status_code = MODEL_ERROR_STATUS
    sender_fault = True


class ServiceUnavailable(ServiceException):
    code = "ServiceUnavailable"
    status_code = 503
    sender_fault = False


class SagemakerRuntimeProvider(ServiceLifecycleHook):
    """InvokeEndpoint reaches the endpoint's live model server; the other operations are not emulated."""

    service = "sagemaker-runtime"

    def dispatch_table(self) -> DispatchTable:
        return {"InvokeEndpoint": self.invoke_endpoint}

    def invoke_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        received = time.perf_counter()
        account, region, name = context.account_id, context.region, request["EndpointName"]
        endpoint = sagemaker_backend(account, region).endpoints.get(name)
        if endpoint is None:
            raise RuntimeValidationError(f"Endpoint {name} of account {account} not found.")
        state = FLEETS.find(account, region, name)
        server = state.server if state else None
        if server is None:
            raise RuntimeValidationError(f"Endpoint {name} of account {account} is not in service.")
        variant = state.variant_name
        if state.serverless and (setup := server.take_cold_start()) is not None:
            METRICS.record_setup_time(account, region, name, variant, setup * 1e6)
        body = request.get("Body") or b""
        if hasattr(body, "read"):  # a streamed body would be forwarded chunked, without Content-Length
            body = body.read()
        headers = {"Content-Type": request.get("ContentType") or "application/octet-stream"}
        if request.get("Accept"):
            headers["Accept"] = request["Accept"]
        if request.get("CustomAttributes"):
            headers["X-Amzn-SageMaker-Custom-Attributes"] = request["CustomAttributes"]

        def record(status: int, model_seconds: float | None) -> None:
            overhead = time.perf_counter() - received - (model_seconds or 0.0)
            model = None if model_seconds is None else model_seconds * 1e6
            METRICS.record_invocation(account, region, name, variant, status, model, overhead * 1e6)

        sent = time.perf_counter()
        try:
            answer = requests.post(
                f"{server.url}/invocations", data=body, headers=headers, timeout=INVOKE_TIMEOUT_SECONDS
            )
        except requests.Timeout as error:
            record(0, time.perf_counter() - sent)
            raise ModelError(
                "Received server error (0) from primary with message "
                '"Your invocation timed out while waiting for a response from container primary."'
            ) from error
        except requests.ConnectionError as error:
            record(0, None)
            raise ServiceUnavailable(f"The model server of endpoint {name} is not reachable.") from error
        model_seconds = time.perf_counter() - sent
        server.record_invocation(model_seconds * 1000, answer.status_code)
        record(answer.status_code, model_seconds)
        if not answer.ok:
            error = model_error_body(name, region, account, answer.status_code, answer.text)
            raise ModelError(error.pop("Message"), **error)  # LocalStack sends the members botocore models
        result = {"Body": answer.content, "InvokedProductionVariant": variant}
        if answer.headers.get("Content-Type"):
            result["ContentType"] = answer.headers["Content-Type"]
        return result


@aws_provider(api="sagemaker-runtime", name="local")
def sagemaker_runtime_local() -> Service:
    provider = SagemakerRuntimeProvider()
    return Service.for_provider(provider, dispatch_table_factory=lambda p: p.dispatch_table())
