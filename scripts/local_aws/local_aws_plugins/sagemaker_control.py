"""SageMaker control-plane provider for LocalStack: moto's bookkeeping plus the endpoint lifecycle SageMaker runs.

Free LocalStack answers 501 for SageMaker. moto implements the control plane (models, endpoint
configurations, endpoints) but not UpdateEndpoint, and starts nothing. This provider keeps moto for the
bookkeeping and adds what SageMaker does with it: CreateEndpoint / UpdateEndpoint / DeleteEndpoint answer at
once, and the endpoint then goes through SageMaker's states (Creating, Updating, RollingBack, Deleting) as
endpoint_fleet describes, taking the times set in emulation_settings (changeable while LocalStack runs).
Batch Transform operations are transform_jobs', the Model Registry's model_registry's; InvokeEndpoint is
sagemaker_runtime's.

Enabled with ``PROVIDER_OVERRIDE_SAGEMAKER=local``.
"""

from __future__ import annotations

from typing import Any

from local_aws_plugins import model_registry, transform_jobs
from local_aws_plugins.endpoint_fleet import FLEETS, DeploymentPlan
from local_aws_plugins.endpoint_metrics import METRICS
from local_aws_plugins.moto_records import sagemaker_backend
from local_aws_shared.deployment_config import DeploymentConfigError, check_deployment_config
from localstack.aws.api import RequestContext, ServiceException
from localstack.aws.skeleton import DispatchTable
from localstack.aws.spec import load_service
from localstack.services.moto import call_moto
from localstack.services.plugins import Service, ServiceLifecycleHook, aws_provider

EMPTY_DESCRIBED_FIELDS = ("VpcConfig", "DataCaptureConfig", "AsyncInferenceConfig", "ExplainerConfig")
UPDATABLE_STATES = ("InService", "Failed")


class ValidationError(ServiceException):
    code = "ValidationException"
    status_code = 400
    sender_fault = True


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
    container = model_registry.serving_container(model)
    model_data_url = container.get("ModelDataUrl") or ""
    if not model_data_url.startswith("s3://"):
        raise ValidationError(
            f"Model '{model.model_name}' has no s3:// ModelDataUrl; only S3 model archives are served."
        )
    return DeploymentPlan(
        config_name=config_name,
        instance_count=None if variant.get("ServerlessConfig") else int(variant.get("InitialInstanceCount") or 1),
        variant_name=variant["VariantName"],
        model_data_url=model_data_url,
        environment=dict(container.get("Environment") or {}),
        serverless=bool(variant.get("ServerlessConfig")),
    )


def _check_deployment(request: dict[str, Any], plan: DeploymentPlan) -> None:
    """Refuse a DeploymentConfig as SageMaker does (step sizes, waits, execution timeout), before any change."""
    try:
        check_deployment_config(request.get("DeploymentConfig"), plan.instance_count)
    except DeploymentConfigError as error:
        raise ValidationError(str(error)) from None


def _existing_endpoint(backend, name: str):
    """moto's record of endpoint ``name``, else the ValidationException SageMaker answers for an unknown name."""
    endpoint = backend.endpoints.get(name)
    if endpoint is None:
        raise ValidationError(f"Could not find endpoint '{name}'.")
    return endpoint


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
            DescribeEndpoint=_describe_endpoint,
        )
        table.update(transform_jobs.dispatch_entries())
        table.update(model_registry.dispatch_entries())
        return table

    def on_before_stop(self) -> None:
        FLEETS.stop_all()
        METRICS.stop()

    def create_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = sagemaker_backend(context.account_id, context.region)
        name = request["EndpointName"]
        if name in backend.endpoints:
            raise ValidationError(f'Cannot create already existing endpoint "{backend.endpoints[name].arn}".')
        plan = _plan(backend, request["EndpointConfigName"])
        _check_deployment(request, plan)
        response = call_moto(context)
        backend.endpoints[name].endpoint_status = "Creating"
        backend.endpoints[name].last_deployment_config = request.get("DeploymentConfig")
        FLEETS.deploy(context.account_id, context.region, name, plan, creating=True)
        return response

    def update_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = sagemaker_backend(context.account_id, context.region)
        name = request["EndpointName"]
        endpoint = _existing_endpoint(backend, name)
        if endpoint.endpoint_status not in UPDATABLE_STATES:
            raise ValidationError(f'Cannot update in-progress endpoint "{endpoint.arn}".')
        plan = _plan(backend, request["EndpointConfigName"])
        _check_deployment(request, plan)
        endpoint.endpoint_status = "Updating"
        endpoint.failure_reason = None
        if request.get("DeploymentConfig"):
            endpoint.last_deployment_config = request["DeploymentConfig"]
        FLEETS.deploy(context.account_id, context.region, name, plan, creating=False)
        return {"EndpointArn": endpoint.arn}

    def delete_endpoint(self, context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
        backend = sagemaker_backend(context.account_id, context.region)
        name = request["EndpointName"]
        endpoint = _existing_endpoint(backend, name)
        if endpoint.endpoint_status != "Deleting":
            endpoint.endpoint_status = "Deleting"
            FLEETS.delete(context.account_id, context.region, name, endpoint)
        return {}


def _moto(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    return call_moto(context)


def _create_model(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """CreateModel as SageMaker answers it, where moto differs.

    moto silently replaces a model of the same name (SageMaker refuses: what a re-created name meets),
    creates a model from any package (SageMaker refuses one that is missing or not Approved) and reports
    ``EnableNetworkIsolation`` false whatever was sent (Terraform would then replace an isolated model on every
    plan). The model keeps the container as sent, as DescribeModel shows it; what it runs, a package's image
    and model data, is kept beside it for the endpoints and transform jobs.
    """
    backend = sagemaker_backend(context.account_id, context.region)
    existing = backend._models.get(request["ModelName"])
    if existing is not None:
        raise ValidationError(f'Cannot create already existing model "{existing.arn}".')
    container = request.get("PrimaryContainer") or next(iter(request.get("Containers") or []), {})
    resolved = model_registry.package_container(backend, container)
    response = call_moto(context)
    model = backend._models[request["ModelName"]]
    model.enable_network_isolation = bool(request.get("EnableNetworkIsolation", False))
    model.serving_container = resolved if resolved is not container else None
    return response


def _create_endpoint_config(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    existing = sagemaker_backend(context.account_id, context.region).endpoint_configs.get(request["EndpointConfigName"])
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


def _describe_endpoint(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto keeps no deployment configuration; AWS describes the last one given as ``LastDeploymentConfig``.

    The aws provider reads an endpoint's ``deployment_config`` from it, and a missing
    ``auto_rollback_configuration`` forces a new endpoint: without it every plan would replace a real-time
    endpoint with guardrails (delete, then create under the same name).
    """
    response = _moto_without_empty_fields(context, request)
    endpoint = sagemaker_backend(context.account_id, context.region).endpoints.get(request["EndpointName"])
    deployment = getattr(endpoint, "last_deployment_config", None)
    if deployment:
        response["LastDeploymentConfig"] = deployment
    return response


@aws_provider(api="sagemaker", name="local")
def sagemaker_local() -> Service:
    provider = SagemakerProvider()
    return Service.for_provider(provider, dispatch_table_factory=lambda p: p.dispatch_table())
