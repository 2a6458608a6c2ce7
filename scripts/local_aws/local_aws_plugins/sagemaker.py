"""SageMaker and SageMaker Runtime providers for LocalStack, backed by moto's control plane and real model servers.

Free LocalStack answers 501 for both services. moto implements the SageMaker control plane (models, endpoint
configurations, endpoints) but not UpdateEndpoint, starts nothing and answers InvokeEndpoint with canned
bytes. These providers keep moto for the bookkeeping and add what SageMaker does with it:

- CreateEndpoint / UpdateEndpoint / DeleteEndpoint answer at once, and the endpoint then goes through
  SageMaker's states (Creating, Updating, RollingBack, Deleting) as endpoint_fleet describes, taking the
  times set in emulation_settings (changeable while LocalStack runs).
- InvokeEndpoint forwards the body to the endpoint's live server; a non-2xx answer becomes ``ModelError``
  with ``OriginalStatusCode``/``OriginalMessage`` as on AWS; each invocation's metrics go to CloudWatch
  (endpoint_metrics).

Enabled with ``PROVIDER_OVERRIDE_SAGEMAKER=local`` and ``PROVIDER_OVERRIDE_SAGEMAKER_RUNTIME=local``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from local_aws_plugins import transform_jobs
from local_aws_plugins.endpoint_fleet import FLEETS, DeploymentPlan
from local_aws_plugins.endpoint_metrics import METRICS
from localstack.aws.api import RequestContext, ServiceException
from localstack.aws.skeleton import DispatchTable
from localstack.aws.spec import load_service
from localstack.services.moto import call_moto
from localstack.services.plugins import Service, ServiceLifecycleHook, aws_provider

LOG = logging.getLogger(__name__)

INVOKE_TIMEOUT_SECONDS = 60.0  # SageMaker's limit for a real-time endpoint answer
EMPTY_DESCRIBED_FIELDS = ("VpcConfig", "DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig")
UPDATABLE_STATES = ("InService", "Failed")


class ValidationError(ServiceException):
    code = "ValidationException"
    status_code = 400
    sender_fault = True


class RuntimeValidationError(ServiceException):
    code = "ValidationError"
    status_code = 400
    sender_fault = True


class ModelError(ServiceException):
    code = "ModelError"
    status_code = 424
    sender_fault = True


class ServiceUnavailable(ServiceException):
    code = "ServiceUnavailable"
    status_code = 503
    sender_fault = False


def _backend(account: str, region: str):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][region]


def _plan(backend, config_name: str) -> DeploymentPlan:
    """What the configuration's single production variant asks for; refused at once when it cannot be served."""
    config = backend.endpoint_configs.get(config_name)
    if config is None:
        raise ValidationError(f"Could not find endpoint configuration '{config_name}'.")
    variants = config.production_variants
    if len(variants) != 1:
        raise ValidationError("The local SageMaker emulation serves exactly one production variant per endpoint.")
    variant = variants[0]
    model = backend._models.get(variant["ModelName"])  # moto keeps models in a private dict
    if model is None:
        raise ValidationError(f"Could not find model '{variant['ModelName']}'.")
    container = model.primary_container or (model.containers[0] if model.containers else {})
    model_data_url = container.get("ModelDataUrl") or ""
    if not model_data_url.startswith("s3://"):
        raise ValidationError(
            f"Model '{model.model_name}' has no s3:// ModelDataUrl; only S3 model archives are served."
        )
    return DeploymentPlan(
        config_name=config_name,
        variant_name=variant["VariantName"],
        model_data_url=model_data_url,
        environment=dict(container.get("Environment") or {}),
        serverless=bool(variant.get("ServerlessConfig")),
    )


class SagemakerProvider(ServiceLifecycleHook):
    """Every SageMaker operation goes to moto; the endpoint lifecycle operations also manage the fleets."""

    service = "sagemaker"

    def dispatch_table(self) -> DispatchTable:
        table: DispatchTable = {name: _moto for name in load_service("sagemaker").operation_names}
        table.update(
            CreateModel=_create_model,
            CreateEndpointConfig=_create_endpoint_config,
            CreateEndpoint=self.create_endpoint,
            UpdateEndpoint=self.update_endpoint,
            DeleteEndpoint=self.delete_endpoint,
            DescribeModel=_moto_without_empty_fields,
            DescribeEndpointConfig=_moto_without_empty_fields,
            DescribeEndpoint=_moto_without_empty_fields,
        )
        table.update(transform_jobs.dispatch_entries())
        return table

    def on_before_stop(self) -> None:
        FLEETS.stop_all()
        METRICS.stop()

    def create_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = _backend(context.account_id, context.region)
        name = request["EndpointName"]
        if name in backend.endpoints:
            raise ValidationError(f'Cannot create already existing endpoint "{backend.endpoints[name].arn}".')
        plan = _plan(backend, request["EndpointConfigName"])
        response = call_moto(context)
        backend.endpoints[name].endpoint_status = "Creating"
        FLEETS.deploy(context.account_id, context.region, name, plan, creating=True)
        return response

    def update_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = _backend(context.account_id, context.region)
        name = request["EndpointName"]
        endpoint = backend.endpoints.get(name)
        if endpoint is None:
            raise ValidationError(f"Could not find endpoint '{name}'.")
        if endpoint.endpoint_status not in UPDATABLE_STATES:
            raise ValidationError(f'Cannot update in-progress endpoint "{endpoint.arn}".')
        plan = _plan(backend, request["EndpointConfigName"])
        endpoint.endpoint_status = "Updating"
        endpoint.failure_reason = None
        FLEETS.deploy(context.account_id, context.region, name, plan, creating=False)
        return {"EndpointArn": endpoint.arn}

    def delete_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = _backend(context.account_id, context.region)
        name = request["EndpointName"]
        endpoint = backend.endpoints.get(name)
        if endpoint is None:
            raise ValidationError(f"Could not find endpoint '{name}'.")
        if endpoint.endpoint_status != "Deleting":
            endpoint.endpoint_status = "Deleting"
            FLEETS.delete(context.account_id, context.region, name, endpoint)
        return {}


def _moto(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    return call_moto(context)


def _create_model(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto silently replaces a model of the same name; SageMaker refuses (what a re-created name meets)."""
    existing = _backend(context.account_id, context.region)._models.get(request["ModelName"])
    if existing is not None:
        raise ValidationError(f'Cannot create already existing model "{existing.arn}".')
    return call_moto(context)


def _create_endpoint_config(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    existing = _backend(context.account_id, context.region).endpoint_configs.get(request["EndpointConfigName"])
    if existing is not None:
        arn = existing.endpoint_config_arn
        raise ValidationError(f'Cannot create already existing endpoint configuration "{arn}".')
    return call_moto(context)


def _moto_without_empty_fields(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto describes unset optional structures as ``{}``; AWS omits them (else Terraform plans a replacement)."""
    response = call_moto(context)
    for key in EMPTY_DESCRIBED_FIELDS:
        if key in response and not response[key]:
            del response[key]
    return response


class SagemakerRuntimeProvider(ServiceLifecycleHook):
    """InvokeEndpoint reaches the endpoint's live model server; the other operations are not emulated."""

    service = "sagemaker-runtime"

    def dispatch_table(self) -> DispatchTable:
        return {"InvokeEndpoint": self.invoke_endpoint}

    def invoke_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        received = time.perf_counter()
        account, region, name = context.account_id, context.region, request["EndpointName"]
        endpoint = _backend(account, region).endpoints.get(name)
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
            kind = "client" if answer.status_code < 500 else "server"
            log_group = f"/aws/sagemaker/Endpoints/{name}"
            raise ModelError(
                f'Received {kind} error ({answer.status_code}) from primary with message "{answer.text}". '
                f"See the log group {log_group} in account {account} for more information.",
                OriginalStatusCode=answer.status_code,
                OriginalMessage=answer.text,
                LogStreamArn=f"arn:aws:logs:{region}:{account}:log-group:{log_group}",
            )
        result = {"Body": answer.content, "InvokedProductionVariant": variant}
        if answer.headers.get("Content-Type"):
            result["ContentType"] = answer.headers["Content-Type"]
        return result


@aws_provider(api="sagemaker", name="local")
def sagemaker_local() -> Service:
    provider = SagemakerProvider()
    return Service.for_provider(provider, dispatch_table_factory=lambda p: p.dispatch_table())


@aws_provider(api="sagemaker-runtime", name="local")
def sagemaker_runtime_local() -> Service:
    provider = SagemakerRuntimeProvider()
    return Service.for_provider(provider, dispatch_table_factory=lambda p: p.dispatch_table())
