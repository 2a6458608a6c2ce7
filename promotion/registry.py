"""The SageMaker Model Registry as the gate uses it: one model package group, one package version per model.

The contract (SageMaker API reference; where moto differs, written for AWS):

- A package is created in the group (``ModelPackageGroupName``, no ``ModelPackageName``: a versioned package)
  as ``PendingManualApproval``, so a package whose decision never lands cannot be deployed; the decision is
  then set with ``UpdateModelPackage`` (``Approved``/``Rejected`` and ``ApprovalDescription``, at most 1,024
  characters). An IAM condition on ``sagemaker:ModelApprovalStatus`` can keep that second call to approvers.
- ``InferenceSpecification`` names the scikit-learn serving image and the archive, with the environment the
  image needs (``SAGEMAKER_PROGRAM``, ``SAGEMAKER_SUBMIT_DIRECTORY``) and the content types the endpoint takes.
- ``ModelMetrics`` points at a JSON document in S3 (metrics and lineage in full); ``CustomerMetadataProperties``
  carries the same lineage and the decision's figures flat, readable without S3 (see ``lineage``).
- Every ``UpdateModelPackage`` sends the status and the whole metadata together: moto replaces each field it
  manages with what is sent, so a status-only update would wipe the metadata there.
- "The champion" is the ``Approved`` package with the highest ``ModelPackageVersion``. ``ListModelPackages``
  returns summaries only (on AWS), so the champion is described before its metadata is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from promotion.lineage import MAX_PROPERTIES

PENDING = "PendingManualApproval"
CONTENT_TYPES = ["application/json", "text/csv", "text/plain", "application/jsonlines"]
RESPONSE_TYPES = ["application/json", "application/jsonlines"]
ENVIRONMENT = {"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}
MAX_DESCRIPTION = 1024
CREATE_TIMEOUT_SECONDS = 120


class RegistryError(Exception):
    """The group is missing or a registry call failed: the command line exits 2 with this message."""


@dataclass(frozen=True)
class Package:
    """What the gate needs of a registered package."""

    arn: str
    version: int
    status: str
    model_data_url: str
    properties: dict[str, str]
    description: str


def _call(what: str, function: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        return function(**kwargs)
    except (ClientError, BotoCoreError) as exc:
        raise RegistryError(f"{what}: {exc}") from exc


def check_group(client: Any, group: str) -> None:
    """Refuse a group that does not exist (Terraform creates it; a typo must not register nowhere)."""
    try:
        client.describe_model_package_group(ModelPackageGroupName=group)
    except ClientError as exc:
        raise RegistryError(f"no model package group {group!r} ({exc.response['Error'].get('Message', exc)})") from exc
    except BotoCoreError as exc:
        raise RegistryError(f"cannot reach the model registry: {exc}") from exc


def describe(client: Any, arn: str) -> Package:
    found = _call(f"describe {arn}", client.describe_model_package, ModelPackageName=arn)
    containers = found.get("InferenceSpecification", {}).get("Containers", [])
    return Package(
        arn=found["ModelPackageArn"],
        version=int(found.get("ModelPackageVersion", 0)),
        status=found["ModelApprovalStatus"],
        model_data_url=containers[0].get("ModelDataUrl", "") if containers else "",
        properties=dict(found.get("CustomerMetadataProperties") or {}),
        description=found.get("ApprovalDescription", ""),
    )


def latest_approved(client: Any, group: str) -> Package | None:
    """The group's Approved package with the highest version, described; None when there is none."""
    summaries: list[dict[str, Any]] = []
    token = None
    while True:
        page = _call(
            f"list the packages of {group}",
            client.list_model_packages,
            ModelPackageGroupName=group,
            ModelApprovalStatus="Approved",
            SortBy="CreationTime",
            SortOrder="Descending",
            **({"NextToken": token} if token else {}),
        )
        summaries += page.get("ModelPackageSummaryList", [])
        token = page.get("NextToken")
        if not token:
            break
    if not summaries:
        return None
    newest = max(summaries, key=lambda summary: int(summary.get("ModelPackageVersion", 0)))
    return describe(client, newest["ModelPackageArn"])


def register(
    client: Any,
    group: str,
    image: str,
    model_data_url: str,
    metrics_url: str,
    metrics_sha256: str,
    properties: dict[str, str],
    description: str,
) -> str:
    """Create the package version as PendingManualApproval and wait until it is Completed; return its ARN."""
    if len(properties) > MAX_PROPERTIES:
        raise RegistryError(f"{len(properties)} metadata properties; the registry takes at most {MAX_PROPERTIES}")
    created = _call(
        f"register a package in {group}",
        client.create_model_package,
        ModelPackageGroupName=group,
        ModelPackageDescription=description[:MAX_DESCRIPTION],
        InferenceSpecification={
            "Containers": [{"Image": image, "ModelDataUrl": model_data_url, "Environment": ENVIRONMENT}],
            "SupportedContentTypes": CONTENT_TYPES,
            "SupportedResponseMIMETypes": RESPONSE_TYPES,
        },
        ModelApprovalStatus=PENDING,
        ModelMetrics={
            "ModelQuality": {
                "Statistics": {
                    "ContentType": "application/json",
                    "S3Uri": metrics_url,
                    "ContentDigest": f"sha256:{metrics_sha256}",
                }
            }
        },
        CustomerMetadataProperties=properties,
    )
    arn = created["ModelPackageArn"]
    deadline = time.monotonic() + CREATE_TIMEOUT_SECONDS
    while True:  # no boto3 waiter exists for model packages
        state = _call(f"describe {arn}", client.describe_model_package, ModelPackageName=arn)
        status = state.get("ModelPackageStatus", "Completed")
        if status == "Completed":
            return arn
        if status == "Failed" or time.monotonic() > deadline:
            reason = state.get("ModelPackageStatusDetails", {})
            raise RegistryError(f"package {arn} is {status} after creation: {reason}")
        time.sleep(2)


def set_approval(client: Any, arn: str, status: str, description: str, properties: dict[str, str]) -> Package:
    """Set the status and description, merging ``properties`` into the package's metadata (all sent at once)."""
    current = describe(client, arn)
    merged = {**current.properties, **properties}
    if len(merged) > MAX_PROPERTIES:
        raise RegistryError(f"{len(merged)} metadata properties; the registry takes at most {MAX_PROPERTIES}")
    _call(
        f"set {arn} to {status}",
        client.update_model_package,
        ModelPackageArn=arn,
        ModelApprovalStatus=status,
        ApprovalDescription=description[:MAX_DESCRIPTION],
        CustomerMetadataProperties=merged,
    )
    return describe(client, arn)
