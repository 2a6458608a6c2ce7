"""SageMaker and SageMaker Runtime providers for LocalStack, backed by moto's control plane and real model servers.

Free LocalStack answers 501 for both services. moto implements the SageMaker control plane (models, endpoint
configurations, endpoints) but not UpdateEndpoint, starts nothing and answers InvokeEndpoint with canned
bytes. These providers keep moto for the bookkeeping and add what SageMaker does with it:

- CreateEndpoint / UpdateEndpoint download the model's ``ModelDataUrl`` from LocalStack's S3, extract it and
  start the project's model server with the container's environment (``SAGEMAKER_PROGRAM``); the endpoint
  reports ``Creating``/``Updating`` until the server answers ``/ping``, then ``InService`` (``Failed`` with a
  FailureReason otherwise). An update starts the new model before the old one is retired, so invocations
  never see a gap.
- DeleteEndpoint stops the servers.
- InvokeEndpoint forwards the body to the endpoint's server; a non-2xx answer becomes ``ModelError`` with
  ``OriginalStatusCode``/``OriginalMessage`` as on AWS.

Enabled with ``PROVIDER_OVERRIDE_SAGEMAKER=local`` and ``PROVIDER_OVERRIDE_SAGEMAKER_RUNTIME=local``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from local_aws_plugins import transform_jobs
from local_aws_plugins.model_servers import DeploymentError, ModelServer, start_model_server
from localstack.aws.api import RequestContext, ServiceException
from localstack.aws.connect import connect_to
from localstack.aws.skeleton import DispatchTable
from localstack.aws.spec import load_service
from localstack.services.moto import call_moto
from localstack.services.plugins import Service, ServiceLifecycleHook, aws_provider

LOG = logging.getLogger(__name__)

# How long Create/UpdateEndpoint wait for the deployment before answering. SageMaker answers at once and
# clients poll DescribeEndpoint; waiting for the (few seconds of) server start here means the first poll
# already sees InService, where the Terraform provider would otherwise sleep 30 s between polls.
SYNC_WAIT_SECONDS = float(os.environ.get("LOCAL_ENDPOINT_SYNC_WAIT", "60"))
# Old servers keep running this long after traffic moved to the new one, for requests already routed to them.
DRAIN_SECONDS = float(os.environ.get("LOCAL_ENDPOINT_DRAIN_SECONDS", "2"))
INVOKE_TIMEOUT_SECONDS = 60.0  # SageMaker's limit for a real-time endpoint answer
EMPTY_DESCRIBED_FIELDS = ("VpcConfig", "DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig")


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


@dataclass
class EndpointState:
    """What serves one endpoint: the live server, and a generation that invalidates deployments in flight."""

    server: ModelServer | None = None
    variant_name: str = "AllTraffic"
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def is_current(self, generation: int) -> bool:
        with self.lock:
            return self.generation == generation

    def promote(self, generation: int, server: ModelServer, variant_name: str) -> tuple[bool, ModelServer | None]:
        """Route traffic to ``server`` if its deployment is still the latest: (promoted, server it replaced)."""
        with self.lock:
            if self.generation != generation:  # the endpoint was deleted or redeployed meanwhile
                return False, None
            old, self.server, self.variant_name = self.server, server, variant_name
            return True, old


class Deployments:
    """All endpoints' model servers in this LocalStack process, shared by both providers."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str, str], EndpointState] = {}
        self._lock = threading.Lock()

    def state(self, account: str, region: str, name: str) -> EndpointState:
        with self._lock:
            return self._states.setdefault((account, region, name), EndpointState())

    def find(self, account: str, region: str, name: str) -> EndpointState | None:
        with self._lock:
            return self._states.get((account, region, name))

    def remove(self, account: str, region: str, name: str) -> EndpointState | None:
        with self._lock:
            return self._states.pop((account, region, name), None)

    def stop_all(self) -> None:
        with self._lock:
            states, self._states = list(self._states.values()), {}
        for state in states:
            with state.lock:
                state.generation += 1
                server, state.server = state.server, None
            if server:
                server.stop()


DEPLOYMENTS = Deployments()


def _backend(account: str, region: str):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][region]


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _fetch_model(account: str, region: str, model_data_url: str) -> bytes:
    """Read s3://bucket/key from LocalStack's S3 with the caller's account, as SageMaker reads it with the role."""
    if not model_data_url.startswith("s3://"):
        raise DeploymentError(f"ModelDataUrl must be an s3:// URL, got {model_data_url!r}")
    bucket, _, key = model_data_url[len("s3://") :].partition("/")
    s3 = connect_to(aws_access_key_id=account, aws_secret_access_key="test", region_name=region).s3
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as error:  # any client error is the deployment's failure reason
        raise DeploymentError(f"Could not download model data from {model_data_url}: {error}") from error


def _plan_deployment(backend, config_name: str) -> tuple[str, str, dict[str, str]]:
    """(variant name, ModelDataUrl, environment) of the configuration's single production variant."""
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
    model_data_url = container.get("ModelDataUrl")
    if not model_data_url:
        raise ValidationError(f"Model '{model.model_name}' has no ModelDataUrl; only S3 model archives are served.")
    return variant["VariantName"], model_data_url, dict(container.get("Environment") or {})


class SagemakerProvider(ServiceLifecycleHook):
    """Every SageMaker operation goes to moto; the endpoint lifecycle operations also manage model servers."""

    service = "sagemaker"

    def dispatch_table(self) -> DispatchTable:
        table: DispatchTable = {name: _moto for name in load_service("sagemaker").operation_names}
        table.update(
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
        DEPLOYMENTS.stop_all()

    def create_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = _backend(context.account_id, context.region)
        name, config_name = request["EndpointName"], request["EndpointConfigName"]
        if name in backend.endpoints:
            raise ValidationError(f'Cannot create already existing endpoint "{backend.endpoints[name].arn}".')
        variant_name, model_data_url, environment = _plan_deployment(backend, config_name)
        response = call_moto(context)
        backend.endpoints[name].endpoint_status = "Creating"
        self._deploy(context, name, variant_name, model_data_url, environment, config_name=None)
        return response

    def update_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = _backend(context.account_id, context.region)
        name, config_name = request["EndpointName"], request["EndpointConfigName"]
        endpoint = backend.endpoints.get(name)
        if endpoint is None:
            raise ValidationError(f"Could not find endpoint '{name}'.")
        if endpoint.endpoint_status not in ("InService", "Failed"):
            raise ValidationError(f'Cannot update in-progress endpoint "{endpoint.arn}".')
        variant_name, model_data_url, environment = _plan_deployment(backend, config_name)
        endpoint.endpoint_status = "Updating"
        endpoint.failure_reason = None
        self._deploy(context, name, variant_name, model_data_url, environment, config_name=config_name)
        return {"EndpointArn": endpoint.arn}

    def delete_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        response = call_moto(context)
        state = DEPLOYMENTS.remove(context.account_id, context.region, request["EndpointName"])
        if state is not None:
            with state.lock:
                state.generation += 1
                server, state.server = state.server, None
            if server:
                server.stop()
        return response

    def _deploy(
        self,
        context: RequestContext,
        name: str,
        variant_name: str,
        model_data_url: str,
        environment: dict[str, str],
        config_name: str | None,
    ) -> None:
        """Start the new model in a thread; wait for it up to SYNC_WAIT_SECONDS so clients see the final status."""
        account, region = context.account_id, context.region
        state = DEPLOYMENTS.state(account, region, name)
        with state.lock:
            state.generation += 1
            generation = state.generation

        def run() -> None:
            started = time.monotonic()
            try:
                server = start_model_server(name, _fetch_model(account, region, model_data_url), environment)
            except DeploymentError as error:
                LOG.error("Deployment of endpoint %s failed: %s", name, error)
                if state.is_current(generation):
                    _set_status(account, region, name, "Failed", str(error)[:1024])
                return
            promoted, old = state.promote(generation, server, variant_name)
            if not promoted:
                server.stop()
                return
            endpoint = _backend(account, region).endpoints.get(name)
            if endpoint is not None:
                if config_name is not None:
                    config = _backend(account, region).endpoint_configs[config_name]
                    endpoint.endpoint_config_name = config_name
                    endpoint.production_variants = endpoint._process_production_variants(config.production_variants)
                    endpoint.data_capture_config = config.data_capture_config
                    endpoint.last_modified_time = _now()
                endpoint.endpoint_status = "InService"
            LOG.info("Endpoint %s in service on %s after %.1f s", name, server.url, time.monotonic() - started)
            if old is not None:
                threading.Timer(DRAIN_SECONDS, old.stop).start()

        worker = threading.Thread(target=run, name=f"sagemaker-deploy-{name}", daemon=True)
        worker.start()
        worker.join(SYNC_WAIT_SECONDS)


def _set_status(account: str, region: str, name: str, status: str, reason: str | None) -> None:
    endpoint = _backend(account, region).endpoints.get(name)
    if endpoint is not None:
        endpoint.endpoint_status = status
        endpoint.failure_reason = reason
        endpoint.last_modified_time = _now()


def _moto(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    return call_moto(context)


def _moto_without_empty_fields(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto describes unset optional structures as ``{}``; AWS omits them (else Terraform plans a replacement)."""
    response = call_moto(context)
    for key in EMPTY_DESCRIBED_FIELDS:
        if key in response and not response[key]:
            del response[key]
    return response


class SagemakerRuntimeProvider(ServiceLifecycleHook):
    """InvokeEndpoint reaches the endpoint's model server; the other operations are not emulated."""

    service = "sagemaker-runtime"

    def dispatch_table(self) -> DispatchTable:
        return {"InvokeEndpoint": self.invoke_endpoint}

    def invoke_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        account, region, name = context.account_id, context.region, request["EndpointName"]
        endpoint = _backend(account, region).endpoints.get(name)
        if endpoint is None:
            raise RuntimeValidationError(f"Endpoint {name} of account {account} not found.")
        state = DEPLOYMENTS.find(account, region, name)
        server = state.server if state else None
        if server is None:
            raise RuntimeValidationError(f"Endpoint {name} of account {account} is not in service.")
        body = request.get("Body") or b""
        if hasattr(body, "read"):  # a streamed body would be forwarded chunked, without Content-Length
            body = body.read()
        headers = {"Content-Type": request.get("ContentType") or "application/octet-stream"}
        if request.get("Accept"):
            headers["Accept"] = request["Accept"]
        if request.get("CustomAttributes"):
            headers["X-Amzn-SageMaker-Custom-Attributes"] = request["CustomAttributes"]
        started = time.perf_counter()
        try:
            answer = requests.post(
                f"{server.url}/invocations", data=body, headers=headers, timeout=INVOKE_TIMEOUT_SECONDS
            )
        except requests.Timeout as error:
            raise ModelError(
                "Received server error (0) from primary with message "
                '"Your invocation timed out while waiting for a response from container primary."'
            ) from error
        except requests.ConnectionError as error:
            raise ServiceUnavailable(f"The model server of endpoint {name} is not reachable.") from error
        server.record_invocation((time.perf_counter() - started) * 1000, answer.status_code)
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
        result = {"Body": answer.content, "InvokedProductionVariant": state.variant_name}
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
