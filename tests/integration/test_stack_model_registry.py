"""Deploying approved model packages on the local stack: the Model Registry emulation and the apply gate.

A quick model is registered in the stack's model package group (its archive under the model bucket's
registry/ prefix, as the root's endpoint role reads it). While the package is pending, an apply with it fails
naming its status and the endpoint keeps serving; once approved, it keeps its metadata and is what `make up`
would choose (the newest Approved package, with a Lambda zip holding the package's own vocabulary).
test_stack_promotion.py deploys such a choice with `make up` under traffic. The stack's variables are applied
again after, and the package deleted, however the test ends.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
import requests

from lambda_src.tokenizer import Vocabulary
from scripts.local_aws import registry, stack
from tests.integration.rollout import lambda_zip

# Two applies (the refused one, which waits out the aws provider's two minutes of CreateModel retries, and the
# restore) plus the quick model's training if no test trained it.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

GROUP = "imdb-sentiment-models"  # the root's lower("<name>-models") for the default name
REQUEST_TIMEOUT_SECONDS = 30
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"


def register(local_stack, model_tar: Path, **fields) -> str:
    """Upload the archive under registry/ and register it in the group (given by ARN, as SageMaker allows)."""
    body = model_tar.read_bytes()
    key = f"registry/{hashlib.sha256(body).hexdigest()}/model.tar.gz"
    local_stack.client("s3").put_object(Bucket=local_stack.info.bucket_name, Key=key, Body=body)
    sagemaker = local_stack.client("sagemaker")
    group_arn = sagemaker.describe_model_package_group(ModelPackageGroupName=GROUP)["ModelPackageGroupArn"]
    return sagemaker.create_model_package(
        ModelPackageGroupName=group_arn,
        InferenceSpecification={
            "Containers": [
                {
                    "Image": SKLEARN_IMAGE,
                    "ModelDataUrl": f"s3://{local_stack.info.bucket_name}/{key}",
                    "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
                }
            ],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        },
        **fields,
    )["ModelPackageArn"]


def predict(local_stack) -> dict:
    response = requests.post(
        local_stack.predict_url, json={"review": "A moving, beautifully acted film."}, timeout=REQUEST_TIMEOUT_SECONDS
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_pending_package_is_refused_and_an_approved_one_is_what_make_up_chooses(
    local_stack, quick_artifacts: Path, tmp_path: Path
) -> None:
    sagemaker = local_stack.client("sagemaker")
    quick_version = Vocabulary.load(quick_artifacts / "vocabulary.json").model_version
    served_before = predict(local_stack)["model_version"]
    assert served_before != quick_version
    quick_zip = str(local_stack.keep(lambda_zip(quick_artifacts / "vocabulary.json", tmp_path / "lambda.zip")))
    # The session deploys with batch_transform, which runs artifacts only: the package's applies turn it off.

    arn = register(local_stack, quick_artifacts / "model.tar.gz", CustomerMetadataProperties={"data": "quick"})
    try:
        described = sagemaker.describe_model_package(ModelPackageName=arn)
        assert described["ModelApprovalStatus"] == "PendingManualApproval"  # SageMaker's default
        assert described["ModelPackageGroupName"] == GROUP and arn.endswith(
            f"/{GROUP}/{described['ModelPackageVersion']}"
        )
        with pytest.raises(sagemaker.exceptions.ClientError, match="contains 1 model package"):
            sagemaker.delete_model_package_group(ModelPackageGroupName=GROUP)
        assert registry.latest_approved(local_stack.layout, GROUP) is None  # `make up` keeps the artifact

        with local_stack.restoring():
            log_size = local_stack.terraform_log.stat().st_size
            with pytest.raises(stack.TerraformError):
                local_stack.apply(model_package_arn=arn, lambda_zip_path=quick_zip, batch_transform=None)
            with local_stack.terraform_log.open() as log:
                log.seek(log_size)
                refusal = log.read()
            assert f"{arn} has ModelApprovalStatus PendingManualApproval" in refusal, refusal[-3000:]
            assert predict(local_stack)["model_version"] == served_before  # the endpoint kept its model

            # An approval alone keeps the package's metadata (moto alone would wipe it).
            sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved")
            described = sagemaker.describe_model_package(ModelPackageName=arn)
            assert described["ModelApprovalStatus"] == "Approved"
            assert described["CustomerMetadataProperties"] == {"data": "quick"}
            summaries = sagemaker.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
            assert [summary["ModelPackageArn"] for summary in summaries] == [arn]
            assert "CustomerMetadataProperties" not in summaries[0]  # summaries only, as SageMaker answers

            # What `make up` would deploy: this package, with a Lambda zip of the package's vocabulary.
            chosen = registry.latest_approved(local_stack.layout, GROUP)
            assert chosen is not None and chosen.arn == arn
            with zipfile.ZipFile(registry.lambda_zip_for(local_stack.layout, chosen)) as built:
                assert built.read("lambda_src/vocabulary.json") == (quick_artifacts / "vocabulary.json").read_bytes()
    finally:
        sagemaker.delete_model_package(ModelPackageName=arn)
    assert sagemaker.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"] == []
    assert predict(local_stack)["model_version"] == served_before
