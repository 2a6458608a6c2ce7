"""Benchmarks of the shared tokeniser and the model (``make bench``): ratios measured side by side in one run.

Not timed assertions: the figures are reported, and docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_src import tokenizer
from lambda_src.tokenizer import Vocabulary
from tests.conftest import extract_model, load_inference
from training.cli import main as train_main
from training.data import load_split
from training.model import make_vectorizer

REVIEWS = 200


@pytest.fixture(scope="module")
def reviews(imdb_folder: Path) -> list[str]:
    return load_split(imdb_folder, "test", limit=REVIEWS // 2).texts


@pytest.fixture(scope="module")
def vocabulary(full_artifacts: Path) -> Vocabulary:
    return Vocabulary.load(full_artifacts / "vocabulary.json")


def test_vectorize_stdlib(benchmark, reviews: list[str], vocabulary: Vocabulary, monkeypatch) -> None:
    """Tokenise + vectorise with the standard-library path (what the Lambda runs), per batch of 200 reviews."""
    monkeypatch.setattr(tokenizer, "_BACKEND", tokenizer.PURE)
    vectors = benchmark(lambda: [vocabulary.vectorize(text) for text in reviews])
    benchmark.extra_info["reviews"] = len(reviews)
    assert len(vectors) == len(reviews)


def test_vectorize_sklearn(benchmark, reviews: list[str], vocabulary: Vocabulary) -> None:
    """The same 200 reviews through scikit-learn's CountVectorizer.transform over the same tokeniser."""
    vectorizer = make_vectorizer(vocabulary.settings, vocabulary=vocabulary.index)
    matrix = benchmark(vectorizer.transform, reviews)
    benchmark.extra_info["reviews"] = len(reviews)
    assert matrix.shape == (len(reviews), len(vocabulary))


def test_predict_one_review(benchmark, full_artifacts: Path, tmp_path_factory, vocabulary: Vocabulary) -> None:
    """inference.py transform_fn for one sparse review (the endpoint's work, in-process)."""
    model_dir = extract_model(full_artifacts / "model.tar.gz", tmp_path_factory.mktemp("bench-model"))
    served = load_inference(model_dir)
    model = served.model_fn(str(model_dir))
    text = "One of the best films of the decade: moving, funny and beautifully shot, though a little long."
    body = json.dumps({"instances": [vocabulary.vectorize(text).to_json()], "vocabulary_version": vocabulary.version})

    def once() -> bytes:
        return served.transform_fn(model, body.encode(), "application/json", "application/json").get_data()

    assert b"positive" in benchmark(once)


def test_training_wall_time(benchmark, tmp_path: Path) -> None:
    """The full training run (25,000 reviews, 100,000 terms), once."""
    result = benchmark.pedantic(train_main, args=(["--output", str(tmp_path)],), rounds=1, iterations=1)
    assert result == 0
