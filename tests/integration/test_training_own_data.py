"""Training on your own data end to end: the example CSV -> --quick model -> counts in metrics and report ->
the packed model serves through inference.py. Seconds, not minutes: 32 rows, no IMDB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import extract_model, load_inference, read_metrics

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reviews.csv"
README_COMMAND = ["--data", str(EXAMPLE), "--text-column", "review", "--label-column", "sentiment"]


def train(out: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "training", *README_COMMAND, "--output", str(out), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_example_csv_trains_and_serves(tmp_path: Path) -> None:
    out = tmp_path / "artifacts"
    done = train(out, "--positive-label", "good", "--quick")
    assert done.returncode == 0, done.stderr[-3000:]

    metrics = read_metrics(out)
    data = metrics["data"]
    assert data["format"] == "csv" and data["labels"] == {"negative": "bad", "positive": "good"}
    assert data["skipped"]["train"] == {"empty text": 1, "missing label": 1}
    assert data["rows_read"] == {"train": 32, "test": None}
    assert data["class_counts"] == {"train": {"negative": 12, "positive": 12}, "test": {"negative": 3, "positive": 3}}
    assert metrics["train_reviews"] == 24 and metrics["test_reviews"] == 6
    assert metrics["data_sha256"] and metrics["model_version"] in done.stdout
    report = (out / "report.md").read_text()
    assert "| train | 32 | 1 empty text, 1 missing label | 12 | 12 |" in report
    assert "positive label `good`" in report and "a stratified 20% split of the data, seed 0" in report

    model_dir = extract_model(out / "model.tar.gz", tmp_path / "model")
    served = load_inference(model_dir)
    model = served.model_fn(str(model_dir))
    texts = ["Great quality, very happy, works great.", "Broken on arrival. Terrible and disappointed."]
    answers = [served.transform_fn(model, text.encode(), "text/plain", "application/json") for text in texts]
    assert [answer.status_code for answer in answers] == [200, 200]
    scores = [json.loads(answer.get_data())["predictions"][0]["score"] for answer in answers]
    assert scores[0] > 0.5 > scores[1]  # the labels mean what --positive-label said


def test_the_same_data_and_seed_give_the_same_model(tmp_path: Path) -> None:
    first, again = (
        train(tmp_path / "a", "--positive-label", "good", "--quick"),
        train(tmp_path / "b", "--positive-label", "good", "--quick"),
    )
    assert first.returncode == again.returncode == 0, first.stderr[-2000:] + again.stderr[-2000:]
    assert (tmp_path / "a" / "model.tar.gz").read_bytes() == (tmp_path / "b" / "model.tar.gz").read_bytes()


def test_refused_data_exits_2_before_training(tmp_path: Path) -> None:
    done = train(tmp_path / "artifacts")  # no --positive-label: 'good' is not a well-known positive name
    assert done.returncode == 2
    assert "say which one is positive with --positive-label" in done.stderr
    assert "tokenise" not in done.stderr and not (tmp_path / "artifacts").exists()
