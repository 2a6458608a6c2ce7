"""The local stack's Model Registry side: which package `make up` deploys, its Lambda zip, and emptying the group.

`make up` deploys the newest Approved package of the stack's model package group when there is one (a
package is a model.tar.gz registered with an approval status; rejecting the newest, or approving an older one,
and running `make up` again is the rollback), else the local artifact. The Lambda must ship the vocabulary of
the model it calls: it travels inside the package's model.tar.gz, so the zip is built from that archive.
The group is Terraform's; its packages are not (they are registered outside Terraform), so they are deleted
before ``terraform destroy``, which SageMaker refuses for a group that still holds packages.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from scripts.local_aws.layout import Layout
from scripts.package_lambda import PACKAGE, ROOT, package_files, write_zip

REGION = "us-east-1"  # the root's default region, which the local stack deploys to
DEFAULT_NAME = "imdb-sentiment"  # the root's default var.name
VOCABULARY_MEMBER = "vocabulary.json"


@dataclass(frozen=True)
class Package:
    """A registered model package: its ARN, version and model data."""

    arn: str
    version: int
    model_data_url: str


def group_name(variables: dict[str, Any]) -> str:
    """The root's model package group for these variables: lower("<name>-models")."""
    return f"{variables.get('name') or DEFAULT_NAME}-models".lower()


def client(layout: Layout, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=layout.endpoint_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def latest_approved(layout: Layout, group: str) -> Package | None:
    """The newest Approved package of ``group`` (by version), or None when there is none or no group yet."""
    sagemaker = client(layout, "sagemaker")
    try:
        summaries = sagemaker.list_model_packages(
            ModelPackageGroupName=group, ModelApprovalStatus="Approved", SortBy="CreationTime", SortOrder="Descending"
        )["ModelPackageSummaryList"]
    except sagemaker.exceptions.ClientError:
        return None
    if not summaries:
        return None
    newest = max(summaries, key=lambda summary: summary["ModelPackageVersion"])
    described = sagemaker.describe_model_package(ModelPackageName=newest["ModelPackageArn"])
    container = described["InferenceSpecification"]["Containers"][0]
    return Package(described["ModelPackageArn"], described["ModelPackageVersion"], container["ModelDataUrl"])


def lambda_zip_for(layout: Layout, package: Package) -> Path:
    """A Lambda zip with the vocabulary inside the package's model.tar.gz, in the stack's state directory."""
    bucket, _, key = package.model_data_url.removeprefix("s3://").partition("/")
    archive = client(layout, "s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        try:
            member = tar.extractfile(VOCABULARY_MEMBER)
        except KeyError:
            member = None
        if member is None:
            raise SystemExit(f"{package.arn}: {package.model_data_url} holds no {VOCABULARY_MEMBER}")
        vocabulary = member.read()
    output = layout.state / "packages" / f"lambda-{package.version}.zip"
    with tempfile.TemporaryDirectory() as work:
        vocabulary_path = Path(work) / VOCABULARY_MEMBER
        vocabulary_path.write_bytes(vocabulary)
        write_zip(package_files(ROOT / PACKAGE, vocabulary_path), output)
    return output


def delete_packages(layout: Layout, group: str) -> list[str]:
    """Delete every package of ``group`` (none when the group does not exist); their ARNs."""
    sagemaker = client(layout, "sagemaker")
    deleted = []
    try:
        pages = sagemaker.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group)
        arns = [summary["ModelPackageArn"] for page in pages for summary in page["ModelPackageSummaryList"]]
    except sagemaker.exceptions.ClientError:
        return deleted
    for arn in arns:
        sagemaker.delete_model_package(ModelPackageName=arn)
        deleted.append(arn)
    return deleted
