"""`make score` with the real model on real reviews: every score is the model's own, the accuracy is the
model's accuracy, and the direct path (scoring/request_path.py) answers exactly as ``transform_fn``.

"The model's own" score is computed here without inference.py or the scoring code: scikit-learn's
``CountVectorizer`` over the shared tokeniser (the training path) and the archive's weights.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest

from lambda_src.tokenizer import Vocabulary
from scoring.cli import main
from scoring.model_archive import LoadedModel, extract
from scoring.scoring import score_texts
from tests.conftest import TrainedModel, read_metrics
from training.model import make_vectorizer

pytestmark = pytest.mark.integration

SAMPLE = 2_000


def model_scores(model_tar: Path, texts: list[str]) -> np.ndarray:
    with tarfile.open(model_tar) as archive:
        coef = np.load(io.BytesIO(archive.extractfile("coef.npy").read()), allow_pickle=False)
        intercept = json.load(archive.extractfile("metadata.json"))["intercept"]
        vocabulary = Vocabulary.from_dict(json.load(archive.extractfile("vocabulary.json")))
    features = make_vectorizer(vocabulary.settings, vocabulary=list(vocabulary.terms)).transform(texts)
    return 1 / (1 + np.exp(-(features @ coef + intercept)))


def test_every_score_is_the_model_s_own_on_official_test_reviews(
    trained_model: TrainedModel, imdb_folder: Path, tmp_path: Path
) -> None:
    files = sorted((imdb_folder / "test").glob("*/*.txt"))
    chosen = sorted(random.Random(13).sample(files, SAMPLE))
    folder = tmp_path / "reviews"
    for path in chosen:
        (folder / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.parent.name / path.name)
    output = tmp_path / "scores.jsonl"

    arguments = [str(folder), "-o", str(output), "--model", str(trained_model.model_tar), "--workers", "2", "-q"]
    assert main(arguments) == 0

    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [row["id"] for row in rows] == [f"{p.parent.name}/{p.stem}" for p in chosen]
    expected = model_scores(trained_model.model_tar, [p.read_text(encoding="utf-8") for p in chosen])
    assert np.abs(np.array([row["score"] for row in rows]) - expected).max() < 1e-9
    assert (tmp_path / "scores.errors.jsonl").read_text() == ""

    correct = sum((row["label"] == "positive") == row["id"].startswith("pos/") for row in rows)
    assert correct / SAMPLE == pytest.approx(read_metrics(trained_model.model_tar.parent)["accuracy"], abs=0.02)


def test_the_direct_path_answers_exactly_as_transform_fn_on_official_test_reviews(
    trained_model: TrainedModel, imdb_folder: Path, tmp_path: Path
) -> None:
    """Every outcome (label, score, explanation, or why there is none) equal, not close: the same floats."""
    files = sorted((imdb_folder / "test").glob("*/*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in random.Random(17).sample(files, 600)]
    texts += ["", "zzzqqq xxyyzz", "! " * 5_001]  # no word, no known word, over the API's word limit
    direct = LoadedModel(extract(trained_model.model_tar, tmp_path / "direct"))
    through_json = LoadedModel(extract(trained_model.model_tar, tmp_path / "json"))
    through_json.score_vectors = None
    assert direct.score_vectors is not None  # the archive of `make train` is this checkout's code
    for explain in (False, True):
        assert score_texts(direct, texts, explain) == score_texts(through_json, texts, explain)
