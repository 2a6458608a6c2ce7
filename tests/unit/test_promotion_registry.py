"""`python -m promotion` against moto's SageMaker and S3 in-process, with tiny real models scored for real.

Two tiny archives: ``good`` (a logistic regression fitted on six reviews, right on all six) and ``bad`` (the
same weights negated, wrong on all six). What the registry holds afterwards is read back through boto3.
"""

from __future__ import annotations

import json
import tarfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import boto3
import numpy as np
import pytest
from moto import mock_aws
from sklearn.linear_model import LogisticRegression

from lambda_src.tokenizer import TokenizerSettings, Vocabulary, analyze
from promotion import registry, store
from promotion.cli import main
from tests.conftest import TINY_REVIEWS
from training.artifacts import model_version, write_model
from training.model import TrainingConfig

REGION = "us-east-1"
GROUP = "sentiment-test"
BUCKET = "sentiment-test-models"


def tiny_archive(folder: Path, flip: bool) -> Path:
    """A model.tar.gz of `make train`'s layout fitted on TINY_REVIEWS (weights negated with ``flip``)."""
    settings = TokenizerSettings(1, 2)
    grams = [set(analyze(text, settings)) for text, _ in TINY_REVIEWS]
    terms = tuple(sorted(set().union(*grams)))
    matrix = np.array([[1.0 if term in row else 0.0 for term in terms] for row in grams])
    fitted = LogisticRegression(C=10.0, random_state=0).fit(matrix, [label for _, label in TINY_REVIEWS])
    sign = -1.0 if flip else 1.0
    coef, intercept = sign * fitted.coef_[0], sign * float(fitted.intercept_[0])
    vocabulary = Vocabulary(terms, settings)
    version = model_version(vocabulary.version, coef, intercept)
    config = TrainingConfig(settings=settings)
    metadata = {
        "model_version": version,
        "vocabulary_version": vocabulary.version,
        "intercept": intercept,
        "c": 10.0,
        "config": {**asdict(config), "c_grid": list(config.c_grid)},
        "data_sha256": "ab" * 32,
        "git_sha": "0123456789abcdef0123456789abcdef01234567",
        "versions": {"scikit-learn": "1.4.2"},
    }
    folder.mkdir(parents=True, exist_ok=True)
    return write_model(folder, Vocabulary(terms, settings, model_version=version), coef, metadata)


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("promotion-archives")
    return {"good": tiny_archive(root / "good", flip=False), "bad": tiny_archive(root / "bad", flip=True)}


@pytest.fixture(scope="module")
def test_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("promotion-test-set") / "holdout.jsonl"
    lines = [json.dumps({"text": text, "label": "pos" if label else "neg"}) for text, label in TINY_REVIEWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    """moto's SageMaker and S3 with the stack's bucket and group; the clients to read them back."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        sagemaker = boto3.client("sagemaker", region_name=REGION)
        sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
        yield sagemaker, s3


def promote(model: Path | None, test_set: Path, *extra: str) -> int:
    target = [str(model)] if model is not None else []
    return main([*target, "--group", GROUP, "--bucket", BUCKET, "--region", REGION, "--test", str(test_set), *extra])


def packages(sagemaker: Any) -> list[dict[str, Any]]:
    listed = sagemaker.list_model_packages(ModelPackageGroupName=GROUP)["ModelPackageSummaryList"]
    return [
        sagemaker.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
        for summary in sorted(listed, key=lambda summary: summary["ModelPackageVersion"])
    ]


def test_the_first_package_is_registered_approved_with_lineage_metrics_and_an_encrypted_archive(
    aws: Any, archives: dict[str, Path], test_set: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sagemaker, s3 = aws
    assert promote(archives["good"], test_set) == 0
    [package] = packages(sagemaker)
    assert package["ModelApprovalStatus"] == "Approved"
    assert package["ApprovalDescription"].startswith("Approved: first package; accuracy 1.0000 on 6 rows")
    container = package["InferenceSpecification"]["Containers"][0]
    assert container["Image"] == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
    assert container["Environment"]["SAGEMAKER_PROGRAM"] == "inference.py"
    properties = package["CustomerMetadataProperties"]
    with tarfile.open(archives["good"]) as tar:
        metadata = json.load(tar.extractfile("metadata.json"))
    assert properties["model_version"] == metadata["model_version"]
    assert properties["git_commit"] == metadata["git_sha"] and properties["data_sha256"] == "ab" * 32
    assert properties["tokenizer_version"] == metadata["config"]["settings"]["tokenizer_version"]
    assert properties["evaluation_set"] == "holdout.jsonl" and properties["evaluation_rows"] == "6"
    assert properties["gate_status"] == "Approved" and properties["champion_package"] == "none"
    assert "max_terms=100000" in properties["training_args"] and "c_grid=0.1/0.2/0.5" in properties["training_args"]
    bucket, key = container["ModelDataUrl"].removeprefix("s3://").split("/", 1)
    assert (bucket, key) == (BUCKET, f"registry/{metadata['model_version']}/model.tar.gz")
    stored = s3.get_object(Bucket=bucket, Key=key)
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["Body"].read() == archives["good"].read_bytes()
    statistics = package["ModelMetrics"]["ModelQuality"]["Statistics"]
    document_key = statistics["S3Uri"].removeprefix(f"s3://{BUCKET}/")
    document = json.loads(s3.get_object(Bucket=BUCKET, Key=document_key)["Body"].read())
    assert document["gate"]["figures"] == {"n": 6, "accuracy": 1.0, "floor": 0.85}
    assert document["lineage"]["model_version"] == metadata["model_version"]
    assert package["ModelPackageArn"] in capsys.readouterr().out


def test_a_worse_challenger_is_rejected_with_the_figures_and_the_champion_stays(
    aws: Any, archives: dict[str, Path], test_set: Path
) -> None:
    sagemaker, _ = aws
    assert promote(archives["good"], test_set) == 0
    assert promote(archives["bad"], test_set) == 3
    champion, challenger = packages(sagemaker)
    assert challenger["ModelApprovalStatus"] == "Rejected"
    reason = challenger["ApprovalDescription"]
    assert reason.startswith("Rejected: accuracy 0.0000 vs champion v1")
    assert "b=6 c=0 exact p=0.0312" in reason and "difference -1.0000" in reason
    assert challenger["CustomerMetadataProperties"]["champion_package"] == champion["ModelPackageArn"]
    assert challenger["CustomerMetadataProperties"]["gate_b"] == "6"
    assert registry.latest_approved(sagemaker, GROUP).arn == champion["ModelPackageArn"]


def test_the_first_package_below_the_floor_is_rejected(aws: Any, archives: dict[str, Path], test_set: Path) -> None:
    sagemaker, _ = aws
    assert promote(archives["bad"], test_set, "--floor", "0.5") == 3
    [package] = packages(sagemaker)
    assert package["ModelApprovalStatus"] == "Rejected"
    assert "is below the floor 0.5000" in package["ApprovalDescription"]


def test_a_manual_override_is_recorded_and_rollback_keeps_the_metadata(
    aws: Any, archives: dict[str, Path], test_set: Path
) -> None:
    sagemaker, _ = aws
    assert promote(archives["good"], test_set) == 0
    assert promote(archives["bad"], test_set, "--approve", "--reason", "known label noise, see ticket 7") == 0
    first, second = packages(sagemaker)
    assert second["ModelApprovalStatus"] == "Approved"
    assert second["ApprovalDescription"].startswith("Manual override to Approved by ")
    assert "known label noise, see ticket 7. Gate: Rejected: accuracy 0.0000" in second["ApprovalDescription"]
    properties = second["CustomerMetadataProperties"]
    assert properties["override"] == "Approved" and properties["gate_status"] == "Rejected"
    assert properties["override_reason"] == "known label noise_ see ticket 7"  # commas are not allowed there
    assert registry.latest_approved(sagemaker, GROUP).arn == second["ModelPackageArn"]

    # Rollback: reject the newest approved package; the older one is the latest approved again.
    assert main(["--package", second["ModelPackageArn"], "--region", REGION, "--reject", "--reason", "rollback"]) == 0
    rolled = sagemaker.describe_model_package(ModelPackageName=second["ModelPackageArn"])
    assert rolled["ModelApprovalStatus"] == "Rejected" and "rollback (was Approved)" in rolled["ApprovalDescription"]
    assert rolled["CustomerMetadataProperties"]["model_version"] == properties["model_version"]  # merged, not wiped
    assert rolled["CustomerMetadataProperties"]["override_reason"] == "rollback"
    assert registry.latest_approved(sagemaker, GROUP).arn == first["ModelPackageArn"]


def test_dry_run_registers_and_uploads_nothing(
    aws: Any, archives: dict[str, Path], test_set: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sagemaker, s3 = aws
    assert promote(archives["bad"], test_set, "--dry-run") == 3
    assert "Rejected: first package; accuracy 0.0000" in capsys.readouterr().out
    assert packages(sagemaker) == []
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0


def test_an_archive_is_never_written_over(aws: Any, archives: dict[str, Path], test_set: Path) -> None:
    sagemaker, s3 = aws
    with tarfile.open(archives["good"]) as tar:
        version = json.load(tar.extractfile("metadata.json"))["model_version"]
    key = store.archive_key(version)
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"someone else's bytes", Metadata={"sha256": "0" * 64})
    assert promote(archives["good"], test_set) == 2
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"someone else's bytes"
    assert packages(sagemaker) == []


def test_the_same_archive_is_reused_not_uploaded_twice(aws: Any, archives: dict[str, Path], test_set: Path) -> None:
    sagemaker, _ = aws
    assert promote(archives["good"], test_set) == 0
    assert promote(archives["good"], test_set) == 0  # identical to the champion: not worse
    first, second = packages(sagemaker)
    urls = {package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] for package in (first, second)}
    assert len(urls) == 1
    assert "b=0 c=0 exact p=1" in second["ApprovalDescription"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "model not found"),
        ("not-an-archive", "cannot read metadata.json"),
        ("no-group", "no model package group 'nope'"),
        ("no-bucket", "NoSuchBucket"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    aws: Any,
    archives: dict[str, Path],
    test_set: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    message: str,
) -> None:
    model, args = archives["good"], ["--group", GROUP, "--bucket", BUCKET]
    if setup == "missing":
        model = tmp_path / "absent.tar.gz"
    elif setup == "not-an-archive":
        model = tmp_path / "model.tar.gz"
        model.write_text("not a tar")
    elif setup == "no-group":
        args = ["--group", "nope", "--bucket", BUCKET]
    else:
        args = ["--group", GROUP, "--bucket", "no-such-bucket"]
    assert main([str(model), *args, "--region", REGION, "--test", str(test_set)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and message in error and "Traceback" not in error
    assert packages(aws[0]) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["model.tar.gz", "--approve"],  # an override needs a reason
        ["model.tar.gz", "--reason", "why"],  # a reason needs an override
        ["--package", "arn:aws:sagemaker:us-east-1:1:model-package/g/1"],  # a package needs --approve/--reject
        ["model.tar.gz", "--approve", "--reject", "--reason", "x"],
        [],
    ],
)
def test_bad_usage_exits_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2


def test_two_runs_in_the_same_second_write_two_documents() -> None:
    assert store.evaluation_key("v1", "20260101T000000Z") != store.evaluation_key("v1", "20260101T000000Z")
