"""`python -m training.remote` for real against the local AWS: the archive goes to the stack's S3 bucket once,
the SDK's CreateTrainingJob reaches its SageMaker provider (moto), the launcher follows the job to its end
and prints the model URI. The job itself does not run here (no containers): that is what the SM_* entry
point tests cover."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from training import data

ROOT = Path(__file__).resolve().parents[2]
REMOTE_PYTHON = ROOT / ".venv-remote" / "bin" / "python"
ROLE = "arn:aws:iam::000000000000:role/imdb-sentiment-training"

pytestmark = pytest.mark.integration


def _launch(local_stack, *args: str) -> subprocess.CompletedProcess:
    if not REMOTE_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{REMOTE_PYTHON} is missing: `make remote-venv` must run before the tests")
        pytest.skip("the SageMaker SDK venv is missing: run `make remote-venv`")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environment |= {
        "AWS_ENDPOINT_URL": local_stack.layout.endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    command = [str(REMOTE_PYTHON), "-m", "training.remote", "--bucket", local_stack.info.bucket_name]
    command += ["--role-arn", ROLE, "--job-name-prefix", "imdb-local", *args]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)


def test_train_remote_uploads_once_starts_the_job_and_prints_the_model_uri(local_stack) -> None:
    bucket = local_stack.info.bucket_name
    archive = data.configured_archive()  # what training.remote uploads without --data
    digest = data.sha256_of(archive)
    key = f"imdb-sentiment/training/input/data/{digest[:16]}/{archive.name}"

    first = _launch(local_stack, "--quick")

    assert first.returncode == 0, first.stderr[-3000:]
    s3, sagemaker = local_stack.client("s3"), local_stack.client("sagemaker")
    uploaded = s3.head_object(Bucket=bucket, Key=key)
    assert uploaded["Metadata"]["sha256"] == digest
    model_uri = first.stdout.strip().splitlines()[-1]
    job_name = model_uri.split("/")[-3]
    assert model_uri == f"s3://{bucket}/imdb-sentiment/training/output/{job_name}/output/model.tar.gz"
    job = sagemaker.describe_training_job(TrainingJobName=job_name)
    assert job["TrainingJobStatus"] == "Completed"
    assert job["ModelArtifacts"]["S3ModelArtifacts"] == model_uri
    assert job["HyperParameters"] == {"quick": "true"} and job["EnableManagedSpotTraining"] is True
    assert job["AlgorithmSpecification"]["TrainingImage"].endswith("/sagemaker-scikit-learn:1.4-2-cpu-py3")
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in job["InputDataConfig"]}
    assert channels["train"] == channels["test"] == f"s3://{bucket}/{key}"

    second = _launch(local_stack, "--no-spot")

    assert second.returncode == 0, second.stderr[-3000:]
    assert f"data already in S3: s3://{bucket}/{key}" in second.stderr
    assert s3.head_object(Bucket=bucket, Key=key)["ETag"] == uploaded["ETag"]
    assert second.stdout.strip().splitlines()[-1] != model_uri, "each run is a new job"


def test_train_remote_refuses_a_bucket_it_cannot_use(local_stack) -> None:
    done = _launch(local_stack, "--bucket", "no-such-bucket-imdb", "--quick")

    assert done.returncode != 0
    assert "error: cannot put the data into s3://no-such-bucket-imdb/" in done.stderr and "NoSuchBucket" in done.stderr
