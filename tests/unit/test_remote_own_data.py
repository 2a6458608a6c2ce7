"""`make train-remote` with your own data: a .csv/.jsonl/.parquet file (and --test) uploaded by content, the data
options passed as hyperparameters, the test channel only when there is a test file (else the job splits)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from training.remote import cli, options
from training.remote.sdk import data_channels

ROOT = Path(__file__).resolve().parents[2]
REMOTE_PYTHON = ROOT / ".venv-remote" / "bin" / "python"
ROLE = "arn:aws:iam::123456789012:role/imdb-sentiment-training"


@pytest.fixture
def reviews(tmp_path: Path) -> Path:
    path = tmp_path / "reviews.csv"
    path.write_text("review,stars\n" + "".join(f"text {i},{i % 2}\n" for i in range(40)), encoding="utf-8")
    return path


def settings(*args: str) -> options.JobSettings:
    return options.settings_from(options.build_parser().parse_args(["--bucket", "b-1", "--role-arn", ROLE, *args]))


def test_data_options_become_hyperparameters(reviews: Path) -> None:
    job = settings(
        "--data", str(reviews), "--text-column", "review", "--label-column", "stars", "--test-fraction", "0.3"
    )
    assert job.hyperparameters == {"text-column": "review", "label-column": "stars", "test-fraction": 0.3}
    assert not job.is_imdb
    assert job.data_key("ab" * 32) == "imdb-sentiment/training/input/data/abababababababab/reviews.csv"


def test_channels_follow_the_data(reviews: Path, tmp_path: Path) -> None:
    own = settings("--data", str(reviews))
    assert data_channels(own, "s3://b/d.csv", None) == {"train": "s3://b/d.csv"}  # the job holds out its split
    assert data_channels(own, "s3://b/d.csv", "s3://b/t.csv") == {"train": "s3://b/d.csv", "test": "s3://b/t.csv"}
    archive = tmp_path / "aclImdb_v1.tar.gz"
    archive.write_bytes(b"x")
    imdb = settings("--data", str(archive))
    assert data_channels(imdb, "s3://b/a.tar.gz", None) == {"train": "s3://b/a.tar.gz", "test": "s3://b/a.tar.gz"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp, "is a folder: a job takes one file"),
        (lambda tmp: tmp / "reviews.xlsx", "unknown format"),
        (lambda tmp: tmp / "missing.csv", "is not a file"),
    ],
)
def test_data_a_job_cannot_take_is_refused(make, message: str, tmp_path: Path) -> None:
    path = make(tmp_path)
    if path.suffix == ".xlsx":
        path.write_bytes(b"PK")
    with pytest.raises(SystemExit) as exc:
        cli.main(["--bucket", "b-1", "--role-arn", ROLE, "--data", str(path), "--dry-run"])
    assert message in str(exc.value)


def test_bad_test_fraction_is_refused(reviews: Path) -> None:
    with pytest.raises(SystemExit, match="--test-fraction must be between 0 and 1"):
        settings("--data", str(reviews), "--test-fraction", "0")


def test_dry_run_with_own_data_uploads_both_files_and_passes_the_options(reviews: Path, tmp_path: Path) -> None:
    if not REMOTE_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{REMOTE_PYTHON} is missing: `make remote-venv` must run before the tests")
        pytest.skip("the SageMaker SDK venv is missing: run `make remote-venv`")
    test = tmp_path / "holdout.csv"
    test.write_text("review,stars\nheld out,1\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # no credentials at all
    args = ["--bucket", "b-1", "--role-arn", ROLE, "--data", str(reviews), "--test", str(test), "--dry-run"]
    args += ["--text-column", "review", "--label-column", "stars"]
    done = subprocess.run(
        [str(REMOTE_PYTHON), "-m", "training.remote", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    request = json.loads(done.stdout)
    channels = {c["ChannelName"]: c["DataSource"]["S3DataSource"]["S3Uri"] for c in request["InputDataConfig"]}
    assert channels["train"].endswith("/reviews.csv") and channels["test"].endswith("/holdout.csv")
    assert request["HyperParameters"] == {"text-column": "review", "label-column": "stars"}
