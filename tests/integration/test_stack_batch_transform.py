"""Batch Transform through the deployed stack: `python -m scoring --remote` against LocalStack.

The root is applied with ``batch_transform`` on (its own SageMaker model and role); the scoring CLI uploads
2,000 official test reviews, starts a transform job on two emulated instances, waits for it and downloads
the results. Every score must equal the model's own, and the accuracy the model's. Bad input fails the job
with a FailureReason while the good objects still get their ``.out``, and a stopped job ends ``Stopped``.

The stack fixture deploys the root with ``batch_transform`` on (so test_stack_deploy's empty-plan check covers
the transform model too), so this file applies nothing.
"""

from __future__ import annotations

import json
import random
import tarfile
import time
from pathlib import Path

import pytest

from scoring.cli import main as score_main
from scripts.local_aws.terraform import Terraform
from serving import inference

pytestmark = pytest.mark.integration

SAMPLE_SEED = 13
SAMPLE_PER_CLASS = 1000


@pytest.fixture(scope="module")
def transform_outputs(local_stack) -> dict:
    """The Terraform outputs naming the transform model and prefixes (the stack fixture deploys them)."""
    with local_stack.terraform_log.open("a") as log:
        outputs = Terraform(local_stack.layout, log).outputs()
    assert outputs.get("transform_model_name"), "the root did not create the transform model"
    return outputs


@pytest.fixture
def aws_env(local_stack, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CLI's AWS settings for LocalStack; returns the options naming the Terraform-made resources."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return ["--endpoint-url", local_stack.layout.endpoint_url]


def cli_options(outputs: dict) -> list[str]:
    return ["--model-name", outputs["transform_model_name"], "--input-prefix", outputs["transform_input_s3_uri"],
            "--output-prefix", outputs["transform_output_s3_uri"], "--job-name-prefix",
            outputs["transform_job_name_prefix"]]  # fmt: skip


@pytest.fixture(scope="module")
def sample(imdb_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, int]]]:
    """2,000 official test reviews (1,000 per class, fixed seed) as JSON Lines; {id: (text, label)}."""
    rng = random.Random(SAMPLE_SEED)
    reviews: dict[str, tuple[str, int]] = {}
    for label, sub in ((0, "neg"), (1, "pos")):
        files = sorted((imdb_folder / "test" / sub).glob("*.txt"))
        for path in rng.sample(files, SAMPLE_PER_CLASS):
            reviews[f"{sub}/{path.stem}"] = (path.read_text(encoding="utf-8"), label)
    order = list(reviews)
    rng.shuffle(order)
    path = tmp_path_factory.mktemp("batch") / "reviews.jsonl"
    path.write_text("".join(json.dumps({"id": key, "review": reviews[key][0]}) + "\n" for key in order))
    return path, reviews


def test_2000_reviews_through_a_transform_job_match_the_model(
    local_stack, transform_outputs, aws_env, sample, tmp_path: Path, capsys
) -> None:
    reviews_file, reviews = sample
    scores_file = tmp_path / "scores.jsonl"
    args = ["--remote", str(reviews_file), *cli_options(transform_outputs), *aws_env, "--instance-count", "2",
            "--download", str(scores_file), "--poll-seconds", "0.5", "-q"]  # fmt: skip
    assert score_main(args) == 0
    output_uri = capsys.readouterr().out.strip()
    job_name = output_uri.rstrip("/").rsplit("/", 1)[1]

    model_dir = tmp_path / "model"
    with tarfile.open(local_stack.artifacts / "model.tar.gz") as archive:
        archive.extractall(model_dir, filter="data")
    model = inference.model_fn(str(model_dir))
    lines = [json.loads(line) for line in scores_file.read_text().splitlines()]
    expected_order = [json.loads(line)["id"] for line in reviews_file.read_text().splitlines()]
    assert [line["id"] for line in lines] == expected_order, "every review answered once, in input order"
    correct = 0
    for line in lines:
        text, label = reviews[line["id"]]
        own = json.loads(inference.transform_fn(model, text, "text/plain", "application/json").get_data())
        own = own["predictions"][0]
        assert line["score"] == pytest.approx(own["score"], abs=1e-9) and line["label"] == own["label"]
        correct += (line["label"] == "positive") == bool(label)
    assert abs(correct / len(lines) - local_stack.metrics["accuracy"]) < 0.02

    sagemaker = local_stack.client("sagemaker")
    job = sagemaker.describe_transform_job(TransformJobName=job_name)
    assert job["TransformJobStatus"] == "Completed" and "FailureReason" not in job
    assert job["TransformResources"]["InstanceCount"] == 2
    bucket, prefix = output_uri.removeprefix("s3://").split("/", 1)
    outs = local_stack.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]
    assert sorted(item["Key"].rsplit("/", 1)[1] for item in outs) == ["part-00000.jsonl.out", "part-00001.jsonl.out"]
    listed = sagemaker.list_transform_jobs(NameContains=job_name)["TransformJobSummaries"]
    assert [summary["TransformJobStatus"] for summary in listed] == ["Completed"]
    assert not transform_servers(local_stack), "a transform instance outlived its job"


def transform_servers(local_stack) -> dict[str, int]:
    """Model server processes of transform jobs that still run (named after the job, "transform-<job>-<n>")."""
    return {name: pid for name, pid in local_stack.recorded_pids("").items() if "transform-" in name}


def start_job(local_stack, outputs: dict, name: str, objects: dict[str, bytes]) -> str:
    """Upload ``objects`` under <input prefix>/<name>/ and start a job on them directly (boto3)."""
    s3, sagemaker = local_stack.client("s3"), local_stack.client("sagemaker")
    bucket, prefix = outputs["transform_input_s3_uri"].removeprefix("s3://").split("/", 1)
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=f"{prefix}{name}/{key}", Body=body)
    sagemaker.create_transform_job(
        TransformJobName=name,
        ModelName=outputs["transform_model_name"],
        BatchStrategy="MultiRecord",
        MaxPayloadInMB=1,
        TransformInput={
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{bucket}/{prefix}{name}/"}},
            "ContentType": "application/jsonlines",
            "SplitType": "Line",
        },
        TransformOutput={
            "S3OutputPath": f"{outputs['transform_output_s3_uri']}{name}/",
            "AssembleWith": "Line",
            "Accept": "application/jsonlines",
        },  # fmt: skip
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1},
    )
    return name


def wait_for_end(local_stack, name: str, timeout: float = 120) -> dict:
    sagemaker, deadline = local_stack.client("sagemaker"), time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = sagemaker.describe_transform_job(TransformJobName=name)
        if job["TransformJobStatus"] in ("Completed", "Failed", "Stopped"):
            return job
        time.sleep(0.3)
    raise TimeoutError(f"{name} did not end within {timeout} s")


def out_objects(local_stack, outputs: dict, name: str) -> list[str]:
    bucket, prefix = f"{outputs['transform_output_s3_uri']}{name}/".removeprefix("s3://").split("/", 1)
    listed = local_stack.client("s3").list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"].removeprefix(prefix) for item in listed.get("Contents", []))


def test_bad_input_fails_the_job_but_not_the_good_objects(local_stack, transform_outputs) -> None:
    good = b'{"id": 1, "review": "A wonderful film."}\n{"id": 2, "review": ""}\n'
    name = start_job(local_stack, transform_outputs, f"bad-input-{int(time.time())}",
                     {"a-good.jsonl": good, "b-not-utf8.jsonl": b'{"review": "fine"}\n\xff\xfe\n'})  # fmt: skip
    job = wait_for_end(local_stack, name)
    assert job["TransformJobStatus"] == "Failed"
    assert job["FailureReason"].startswith("ClientError: See job logs for more information")
    assert "b-not-utf8.jsonl" in job["FailureReason"]
    assert out_objects(local_stack, transform_outputs, name) == ["a-good.jsonl.out"]
    bucket, prefix = f"{transform_outputs['transform_output_s3_uri']}{name}/".removeprefix("s3://").split("/", 1)
    body = local_stack.client("s3").get_object(Bucket=bucket, Key=f"{prefix}a-good.jsonl.out")["Body"].read()
    answers = [json.loads(line) for line in body.decode().splitlines()]
    assert answers[0]["id"] == 1 and answers[0]["label"] == "positive"
    assert answers[1] == {"id": 2, "error": "empty_review", "message": "empty input: the review text is empty"}
    data_log = local_stack.client("logs").get_log_events(
        logGroupName="/aws/sagemaker/TransformJobs", logStreamName=f"{name}/instance-0/data-log"
    )["events"]
    assert any("b-not-utf8.jsonl" in event["message"] for event in data_log), "the job log names the failed object"


def test_a_stopped_job_ends_stopped_without_output(local_stack, transform_outputs) -> None:
    name = start_job(local_stack, transform_outputs, f"stopped-{int(time.time())}",
                     {"reviews.jsonl": b'{"id": 1, "review": "A wonderful film."}\n'})  # fmt: skip
    local_stack.client("sagemaker").stop_transform_job(TransformJobName=name)
    job = wait_for_end(local_stack, name)
    assert job["TransformJobStatus"] == "Stopped"
    assert out_objects(local_stack, transform_outputs, name) == []
    assert not transform_servers(local_stack)


def test_a_job_on_a_missing_model_is_refused(local_stack, transform_outputs) -> None:
    import botocore.exceptions

    with pytest.raises(botocore.exceptions.ClientError) as refused:
        start_job(local_stack, {**transform_outputs, "transform_model_name": "no-such-model"}, "no-model", {})
    assert refused.value.response["Error"]["Code"] == "ValidationException"
