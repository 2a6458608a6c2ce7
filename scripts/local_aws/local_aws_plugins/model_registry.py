"""SageMaker Model Registry for the local SageMaker provider: moto's records, made to behave as SageMaker does.

moto keeps model package groups and packages, but where the deployment gate depends on it, it differs from
SageMaker (see the notes in docs/local-aws.md):

- CreateModelPackage accepts the group's name only (SageMaker takes its ARN too), takes tags for a versioned
  package (SageMaker refuses them: it uses its group's) and leaves a package without approval status when
  none is sent (SageMaker: ``PendingManualApproval`` for a versioned package);
- UpdateModelPackage overwrites every field with what was sent, so an approval-only update wipes the
  metadata; SageMaker changes only the fields sent;
- ListModelPackages returns whole descriptions; SageMaker returns summaries, so code that reads metrics
  from the list must fail here as it would there;
- DeleteModelPackage and DeleteModelPackageGroup do not exist (``terraform destroy`` of a group fails);
- CreateModel from a package checks neither that the package exists nor that it is Approved.

A deleted package stays in moto's records marked deleted, invisible to every operation: moto numbers a
group's next version by counting its packages, and SageMaker never reuses a version number.
"""

from __future__ import annotations

from typing import Any

from local_aws_plugins.moto_records import sagemaker_backend
from localstack.aws.api import RequestContext, ServiceException
from localstack.services.moto import call_moto

APPROVAL_STATUSES = ("Approved", "Rejected", "PendingManualApproval")
SUMMARY_FIELDS = {
    "model_package_name": "ModelPackageName",
    "model_package_group_name": "ModelPackageGroupName",
    "model_package_version": "ModelPackageVersion",
    "arn": "ModelPackageArn",
    "model_package_description": "ModelPackageDescription",
    "creation_time": "CreationTime",
    "model_package_status": "ModelPackageStatus",
    "model_approval_status": "ModelApprovalStatus",
}


class ValidationError(ServiceException):
    code = "ValidationException"
    status_code = 400
    sender_fault = True


def dispatch_entries() -> dict[str, Any]:
    """The operations this module serves, for the SageMaker provider's dispatch table."""
    return {
        "CreateModelPackage": create_model_package,
        "DescribeModelPackage": describe_model_package,
        "ListModelPackages": list_model_packages,
        "UpdateModelPackage": update_model_package,
        "DeleteModelPackage": delete_model_package,
        "DeleteModelPackageGroup": delete_model_package_group,
    }


def _group_name(name_or_arn: str) -> str:
    """SageMaker accepts a group's name or ARN (``...:model-package-group/NAME``); moto keys groups by name."""
    return name_or_arn.rsplit("model-package-group/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn


def _live_packages(backend) -> list[Any]:
    return [package for package in backend.model_packages.values() if not getattr(package, "deleted", False)]


def find_package(backend, name_or_arn: str) -> Any:
    """The live package of this ARN (or unversioned name), else SageMaker's ValidationException."""
    arn = backend.model_package_name_mapping.get(name_or_arn, name_or_arn)
    package = backend.model_packages.get(arn) or backend.model_packages.get(arn.lower())
    if package is None or getattr(package, "deleted", False):
        raise ValidationError(f"Model Package {name_or_arn} does not exist.")
    return package


def _check_status(status: str | None) -> None:
    if status is not None and status not in APPROVAL_STATUSES:
        raise ValidationError(
            f"1 validation error detected: Value '{status}' at 'modelApprovalStatus' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(APPROVAL_STATUSES)}]"
        )


def create_model_package(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """A versioned package (group given by name or ARN) starts ``PendingManualApproval`` unless a status is sent."""
    group = request.get("ModelPackageGroupName")
    if not group:
        return call_moto(context)  # an unversioned package: moto's behaviour is SageMaker's
    backend = sagemaker_backend(context.account_id, context.region)
    name = _group_name(group)
    if name not in backend.model_package_groups:
        raise ValidationError(f"Model Package Group {group} does not exist.")
    if request.get("ModelPackageName"):
        raise ValidationError("Both ModelPackageName and ModelPackageGroupName are provided in the input.")
    if request.get("Tags"):  # a versioned package carries its group's tags
        raise ValidationError("Tags cannot be set on a model package of a model package group; tag the group.")
    if not request.get("InferenceSpecification", {}).get("Containers"):
        raise ValidationError("InferenceSpecification with at least one container is required for a model package.")
    status = request.get("ModelApprovalStatus", "PendingManualApproval")
    _check_status(status)
    arn = backend.create_model_package(
        model_package_name=None,
        model_package_group_name=name,
        model_package_description=request.get("ModelPackageDescription"),
        inference_specification=request.get("InferenceSpecification"),
        validation_specification=request.get("ValidationSpecification"),
        source_algorithm_specification=request.get("SourceAlgorithmSpecification"),
        certify_for_marketplace=request.get("CertifyForMarketplace", False),
        tags=None,
        model_approval_status=status,
        metadata_properties=request.get("MetadataProperties"),
        model_metrics=request.get("ModelMetrics"),
        client_token=request.get("ClientToken"),
        customer_metadata_properties=request.get("CustomerMetadataProperties"),
        drift_check_baselines=request.get("DriftCheckBaselines"),
        domain=request.get("Domain"),
        task=request.get("Task"),
        sample_payload_url=request.get("SamplePayloadUrl"),
        additional_inference_specifications=request.get("AdditionalInferenceSpecifications"),
    )
    return {"ModelPackageArn": arn}


def describe_model_package(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    find_package(sagemaker_backend(context.account_id, context.region), request["ModelPackageName"])
    return call_moto(context)


def list_model_packages(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Summaries only, oldest first unless ``SortOrder=Descending``, paged by ``MaxResults``/``NextToken``."""
    backend = sagemaker_backend(context.account_id, context.region)
    group = request.get("ModelPackageGroupName")
    status = request.get("ModelApprovalStatus")
    package_type = request.get("ModelPackageType") or ("Versioned" if group else "Unversioned")
    packages = [
        package
        for package in _live_packages(backend)
        if (group is None or package.model_package_group_name == _group_name(group))
        and (status is None or package.model_approval_status == status)
        and (request.get("NameContains") is None or request["NameContains"] in package.model_package_name)
        and (package_type == "Both" or (package.model_package_version is not None) == (package_type == "Versioned"))
    ]
    by_name = request.get("SortBy") == "Name"
    packages.sort(
        key=lambda p: (p.model_package_name, p.model_package_version or 0) if by_name else (
            p.creation_time, p.model_package_version or 0),
        reverse=request.get("SortOrder") == "Descending",
    )  # fmt: skip
    start = int(request.get("NextToken") or 0)
    end = start + int(request.get("MaxResults") or 100)
    response: dict[str, Any] = {"ModelPackageSummaryList": [_summary(package) for package in packages[start:end]]}
    if end < len(packages):
        response["NextToken"] = str(end)
    return response


def _summary(package) -> dict[str, Any]:
    summary = {key: getattr(package, attribute) for attribute, key in SUMMARY_FIELDS.items()}
    return {key: value for key, value in summary.items() if value is not None}


def update_model_package(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Change only the fields sent, as SageMaker does (moto would reset the others)."""
    package = find_package(sagemaker_backend(context.account_id, context.region), request["ModelPackageArn"])
    if "ModelApprovalStatus" in request:
        _check_status(request["ModelApprovalStatus"])
        package.model_approval_status = request["ModelApprovalStatus"]
    if "ApprovalDescription" in request:
        package.approval_description = request["ApprovalDescription"]
    if request.get("CustomerMetadataProperties") or request.get("CustomerMetadataPropertiesToRemove"):
        properties = {**(package.customer_metadata_properties or {}), **request.get("CustomerMetadataProperties", {})}
        for key in request.get("CustomerMetadataPropertiesToRemove", []):
            properties.pop(key, None)
        package.customer_metadata_properties = properties or None
    if request.get("AdditionalInferenceSpecificationsToAdd"):
        package.add_additional_inference_specifications(request["AdditionalInferenceSpecificationsToAdd"])
    package.modifications_done()
    return {"ModelPackageArn": package.arn}


def delete_model_package(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    package = find_package(sagemaker_backend(context.account_id, context.region), request["ModelPackageName"])
    package.deleted = True
    return {}


def delete_model_package_group(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Refused while the group holds packages, as SageMaker does; then its deleted packages go too."""
    backend = sagemaker_backend(context.account_id, context.region)
    name = _group_name(request["ModelPackageGroupName"])
    group = backend.model_package_groups.get(name)
    if group is None:
        raise ValidationError(f"Model Package Group {request['ModelPackageGroupName']} does not exist.")
    remaining = [package.arn for package in _live_packages(backend) if package.model_package_group_name == name]
    if remaining:
        raise ValidationError(
            f"Model Package Group {group.arn} cannot be deleted: it contains {len(remaining)} model package(s) "
            f"({', '.join(remaining)}). Delete them first."
        )
    for arn in [arn for arn, package in backend.model_packages.items() if package.model_package_group_name == name]:
        del backend.model_packages[arn]
    for key in [key for key, arn in backend.model_package_name_mapping.items() if arn not in backend.model_packages]:
        del backend.model_package_name_mapping[key]
    del backend.model_package_groups[name]
    return {}


def package_container(backend, container: dict[str, Any]) -> dict[str, Any]:
    """The container a CreateModel from a package runs: the package's image and model data, refused unless Approved.

    SageMaker refuses a model from a package that is not Approved; the model's own environment is laid over
    the package container's. A container without ``ModelPackageName`` is returned as it is.
    """
    name = container.get("ModelPackageName")
    if not name:
        return container
    package = find_package(backend, name)
    if package.model_approval_status != "Approved":
        raise ValidationError(
            f"Model Package {package.arn} has ModelApprovalStatus {package.model_approval_status}: only an "
            "Approved model package can be deployed."
        )
    source = (package.inference_specification or {}).get("Containers") or [{}]
    return {
        "Image": source[0].get("Image"),
        "ModelDataUrl": source[0].get("ModelDataUrl"),
        "Environment": {**(source[0].get("Environment") or {}), **(container.get("Environment") or {})},
        "ModelPackageName": package.arn,
    }


def serving_container(model) -> dict[str, Any]:
    """What a model runs: the package's container resolved at CreateModel, else the container it was created with."""
    resolved = getattr(model, "serving_container", None)
    return resolved or model.primary_container or (model.containers[0] if model.containers else {})
