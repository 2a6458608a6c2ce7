"""Training on the real IMDB data: artifacts, quality, determinism, train/serve parity."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np
import pytest

from lambda_src.tokenizer import Vocabulary
from tests.conftest import extract_model, load_inference, read_metrics
from training.cli import main as train_main
from training.data import load_split
from training.model import make_vectorizer

pytestmark = pytest.mark.integration

EXPECTED_MEMBERS = {
    "coef.npy",
    "metadata.json",
    "vocabulary.json",
    "code/inference.py",
    "code/lambda_src/__init__.py",
    "code/lambda_src/limits.py",
    "code/lambda_src/strict_json.py",
    "code/lambda_src/tokenizer.py",
    *(f"code/serving/{name}.py" for name in ("__init__", "errors", "explanation", "json_lines")),
    *(
        f"code/serving/{name}.py"
        for name in ("limits", "media", "parsing", "request", "scoring", "sentiment_model", "transform")
    ),
}


def test_quick_run_writes_every_artifact(quick_artifacts: Path) -> None:
    for name in ("model.tar.gz", "vocabulary.json", "metrics.json", "report.md"):
        assert (quick_artifacts / name).stat().st_size > 0, name
    for plot in ("roc_curve.png", "confusion_matrix.png", "top_terms.png"):
        assert (quick_artifacts / "plots" / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with tarfile.open(quick_artifacts / "model.tar.gz") as tar:
        assert set(tar.getnames()) == EXPECTED_MEMBERS
    metrics = read_metrics(quick_artifacts)
    assert metrics["vocabulary_size"] == 20_000 and metrics["test_reviews"] == 2_000
    assert 0.8 < metrics["accuracy"] <= 1.0  # a real model on 2,000 reviews, far above chance
    vocabulary = Vocabulary.load(quick_artifacts / "vocabulary.json")
    assert vocabulary.model_version == metrics["model_version"]
    assert vocabulary.version == metrics["vocabulary_version"]


def test_training_is_deterministic(quick_artifacts: Path, tmp_path: Path) -> None:
    assert train_main(["--quick", "--output", str(tmp_path)]) == 0
    again, first = read_metrics(tmp_path), read_metrics(quick_artifacts)
    for key in ("model_version", "vocabulary_version", "accuracy", "roc_auc", "confusion_matrix", "c"):
        assert again[key] == first[key], key
    assert (tmp_path / "vocabulary.json").read_bytes() == (quick_artifacts / "vocabulary.json").read_bytes()
    assert (tmp_path / "model.tar.gz").read_bytes() == (quick_artifacts / "model.tar.gz").read_bytes()


def test_sklearn_and_stdlib_paths_give_identical_vectors(full_artifacts: Path, imdb_folder: Path) -> None:
    """Train/serve parity: CountVectorizer over the tokeniser == Vocabulary.vectorize, on 1,000 real reviews."""
    vocabulary = Vocabulary.load(full_artifacts / "vocabulary.json")
    texts = load_split(imdb_folder, "test", limit=500).texts
    matrix = make_vectorizer(vocabulary.settings, vocabulary=vocabulary.index).transform(texts).tocsr()
    nonempty = 0
    for row, text in enumerate(texts):
        vector = vocabulary.vectorize(text)
        assert vector.indices == matrix[row].indices.tolist()
        assert vector.values == matrix[row].data.tolist()
        nonempty += bool(vector.indices)
    assert len(texts) == 1000 and nonempty == 1000


def test_full_model_meets_the_quality_floor(full_artifacts: Path) -> None:
    metrics = read_metrics(full_artifacts)
    assert metrics["test_reviews"] == 25_000
    assert metrics["vocabulary_size"] <= 100_000
    assert metrics["accuracy"] >= 0.915
    assert metrics["roc_auc"] >= 0.95
    metadata_vocab = json.loads((full_artifacts / "vocabulary.json").read_text())
    assert len(metadata_vocab["terms"]) == metrics["vocabulary_size"]


def test_served_model_reproduces_training_scores(full_artifacts: Path, imdb_folder: Path, tmp_path: Path) -> None:
    """inference.py over the extracted archive gives the scores of training's own path on real reviews."""
    served = load_inference(extract_model(full_artifacts / "model.tar.gz", tmp_path))
    model = served.model_fn(str(tmp_path))
    split = load_split(imdb_folder, "test", limit=100)
    served_scores = [
        json.loads(served.transform_fn(model, text.encode(), "text/plain", "application/json").get_data())[
            "predictions"
        ][0]["score"]
        for text in split.texts
    ]
    vocabulary = model.vocabulary
    matrix = make_vectorizer(vocabulary.settings, vocabulary=vocabulary.index).transform(split.texts)
    coef = np.load(tmp_path / "coef.npy")
    intercept = json.loads((tmp_path / "metadata.json").read_text())["intercept"]
    training_scores = 1 / (1 + np.exp(-(matrix @ coef + intercept)))
    np.testing.assert_allclose(served_scores, training_scores, rtol=0, atol=1e-12)
    accuracy = np.mean((np.asarray(served_scores) >= 0.5) == np.asarray(split.labels))
    assert accuracy >= 0.85  # 200 real test reviews, the full model
