"""`python -m training.remote`: option checks, the staged job code, and the CreateTrainingJob request the
SageMaker SDK builds (captured by --dry-run in the SDK's own venv, nothing sent, no credentials)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from training import data
from training.artifacts import code_members
from training.remote import cli, options, staging

ROOT = Path(__file__).resolve().parents[2]
REMOTE_PYTHON = ROOT / ".venv-remote" / "bin" / "python"
ROLE = "arn:aws:iam::123456789012:role/imdb-sentiment-training"
US_EAST_1 = "683313688378"  # the scikit-learn images' registry account there (as in terraform's serving image)
BASE = ["--bucket", "imdb-models-1", "--role-arn", ROLE, "--data", str(data.DEFAULT_ARCHIVE)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role-arn", ROLE], "--bucket is required"),
        (["--bucket", "Bad_Bucket", "--role-arn", ROLE], "--bucket 'Bad_Bucket' is not an S3 bucket name"),
        (["--bucket", "imdb-models-1"], "--role-arn is required"),
        (["--bucket", "b-1", "--role-arn", "imdb-training"], "is not an IAM role ARN"),
        ([*BASE, "--instance-type", "m5.large"], "is not a SageMaker instance type"),
        ([*BASE, "--job-name-prefix=-imdb"], "--job-name-prefix '-imdb'"),
        ([*BASE, "--job-name-prefix", "x" * 49], "use 1-48 letters"),
        ([*BASE, "--max-runtime", "0"], "--max-runtime must be 1-"),
        ([*BASE, "--max-runtime", "3600", "--max-wait", "600"], "--max-wait (600) must be at least --max-runtime"),
        ([*BASE, "--no-spot", "--max-wait", "7200"], "--max-wait applies to managed spot training only"),
        ([*BASE, "--volume-size", "0"], "--volume-size must be 1-16384 GB"),
        ([*BASE, "--max-terms", "0"], "--max-terms must be at least 1"),
        ([*BASE, "--prefix", "/"], "must be a non-empty S3 key prefix"),
        ([*BASE, "--data", "/nonexistent/imdb.tar.gz"], "--data /nonexistent/imdb.tar.gz is not a file"),
    ],
)
def test_bad_options_stop_with_a_clear_error(args: list[str], message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TRAINING_BUCKET", "SAGEMAKER_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit) as exc:
        cli.main([*args, "--dry-run"])
    assert message in str(exc.value)


def test_a_file_that_is_not_the_imdb_archive_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "aclImdb_v1.tar.gz"
    fake.write_bytes(b"not the archive")
    with pytest.raises(SystemExit) as exc:
        cli.main([*BASE, "--data", str(fake), "--dry-run"])
    assert "not a known IMDB archive" in str(exc.value)


def test_defaults_are_spot_with_twice_the_runtime_to_wait() -> None:
    settings = options.settings_from(options.build_parser().parse_args([*BASE, "--max-runtime", "1800"]))
    assert settings.spot and settings.max_wait == 3600 and settings.hyperparameters == {}
    assert settings.output_path == "s3://imdb-models-1/imdb-sentiment/training/output"
    on_demand = options.settings_from(options.build_parser().parse_args([*BASE, "--no-spot", "--quick"]))
    assert not on_demand.spot and on_demand.max_wait is None and on_demand.hyperparameters == {"quick": True}


def test_the_job_installs_only_what_the_image_lacks() -> None:
    requirements = staging.job_requirements()
    names = {pin.split("==")[0] for pin in requirements}
    assert names and not names & staging.IMAGE_PROVIDES
    assert all("==" in pin for pin in requirements), "the job's extra packages are pinned like ours"
    assert "tqdm" in names and "matplotlib" in names


def test_staged_code_is_the_training_and_serving_packages_and_the_one_tokeniser(tmp_path: Path) -> None:
    code = staging.stage_code(tmp_path / "code")
    files = {p.relative_to(code).as_posix() for p in code.rglob("*") if p.is_file()}
    assert {"training/__main__.py", "training/cli.py", "serving/inference.py", "lambda_src/tokenizer.py"} <= files
    assert {"training/datasets/prepare.py", "training/datasets/parquet.py", "serving/scoring.py"} <= files
    assert {"lambda_src/limits.py", "lambda_src/strict_json.py"} <= files  # packed into model.tar.gz's code/
    assert not any(f.startswith("training/remote") for f in files), "the launcher is not part of the job"
    assert "lambda_src/handler.py" not in files and not any(f.startswith("scoring/") for f in files)
    assert (code / "lambda_src" / "tokenizer.py").read_bytes() == (ROOT / "lambda_src" / "tokenizer.py").read_bytes()
    assert (code / "requirements.txt").read_text().split() == staging.job_requirements()


STAGED_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from training import artifacts
files = [artifacts.__file__, artifacts.inference.__file__]
print(json.dumps({"members": sorted(artifacts.code_members()), "files": files}))
"""


def test_staged_code_alone_builds_the_model_archive_code(tmp_path: Path) -> None:
    """The job imports only what was staged: a module left out fails here, not an hour into a paid job."""
    code = staging.stage_code(tmp_path / "code")
    result = subprocess.run(
        [sys.executable, "-I", "-c", STAGED_PROBE, str(code)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert all(Path(path).is_relative_to(code) for path in probe["files"]), probe["files"]
    assert probe["members"] == sorted(code_members())


def _dry_run(*args: str) -> dict:
    if not REMOTE_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{REMOTE_PYTHON} is missing: `make remote-venv` must run before the tests")
        pytest.skip("the SageMaker SDK venv is missing: run `make remote-venv`")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # no credentials at all
    done = subprocess.run(
        [str(REMOTE_PYTHON), "-m", "training.remote", *BASE, "--dry-run", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "the job would run `python -m training --verbose`" in done.stderr  # the same entry point as `make train`
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def spot_request() -> dict:
    return _dry_run("--quick", "--max-terms", "5000", "--job-name-prefix", "imdb-test", "--max-runtime", "1800")


def test_dry_run_request_runs_our_entry_point_in_the_serving_framework_image(spot_request: dict) -> None:
    algorithm = spot_request["AlgorithmSpecification"]
    assert (
        algorithm["TrainingImage"]
        == "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3"
    )
    assert "sm_train.sh" in algorithm["ContainerArguments"][-1]  # the SDK's driver, which runs `python -m training`
    assert spot_request["RoleArn"] == ROLE
    assert spot_request["TrainingJobName"].startswith("imdb-test-")
    assert spot_request["HyperParameters"] == {"quick": "true", "max-terms": "5000"}
    assert spot_request["Environment"]["TRAINING_GIT_SHA"]


def test_dry_run_request_has_the_data_channels_and_output_path(spot_request: dict) -> None:
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in spot_request["InputDataConfig"]}
    digest = data.sha256_of(data.DEFAULT_ARCHIVE)
    archive_uri = f"s3://imdb-models-1/imdb-sentiment/training/input/data/{digest[:16]}/{data.DEFAULT_ARCHIVE.name}"
    assert channels["train"] == channels["test"] == archive_uri
    prefix = "s3://imdb-models-1/imdb-sentiment/training/input/"
    assert channels["code"].startswith(prefix) and channels["sm_drivers"].startswith(prefix)
    assert set(channels) == {"train", "test", "code", "sm_drivers"}
    assert spot_request["OutputDataConfig"]["S3OutputPath"] == "s3://imdb-models-1/imdb-sentiment/training/output"


def test_dry_run_request_uses_managed_spot_without_checkpoints(spot_request: dict) -> None:
    assert spot_request["EnableManagedSpotTraining"] is True
    assert spot_request["StoppingCondition"] == {"MaxRuntimeInSeconds": 1800, "MaxWaitTimeInSeconds": 3600}
    assert "CheckpointConfig" not in spot_request
    assert spot_request["ResourceConfig"] == {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10}


def test_dry_run_on_demand_in_another_region() -> None:
    request = _dry_run("--no-spot", "--region", "eu-west-1", "--instance-type", "ml.c5.xlarge", "--max-runtime", "900")
    assert request["AlgorithmSpecification"]["TrainingImage"].startswith(
        "141502667606.dkr.ecr.eu-west-1.amazonaws.com/"
    )
    assert request.get("EnableManagedSpotTraining") in (None, False)
    assert request["StoppingCondition"] == {"MaxRuntimeInSeconds": 900}
    assert request["ResourceConfig"]["InstanceType"] == "ml.c5.xlarge"
    assert request["HyperParameters"] == {}
