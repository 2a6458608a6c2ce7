"""Scoring a model.tar.gz on the evaluation set: which rows it gets right, in the set's fixed order.

The model is loaded by the serving code's own ``load_model`` (what the endpoint runs) and each text becomes
its vector through the model's vocabulary (``Vocabulary.vectorize``, the compiled tokeniser's bulk path, as
`make score` and the endpoint build them): the same matrix as the training-side vectoriser gives, in well under
half its time, so the accuracy here equals metrics.json's for the same model and set (tests/integration/
test_promotion.py checks it on the 25,000 official test reviews). The evaluation set is the
official IMDB test split by default, or ``--test`` in any format training reads; its sha256 (of texts and
labels) is recorded so packages scored on different sets are never compared unknowingly.
"""

from __future__ import annotations

import hashlib
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.sentiment_model import load_model, sparse_matrix
from training import data
from training.datasets import imdb, validation
from training.datasets.options import DataOptions
from training.datasets.prepare import format_of, rows

IMDB_TEST = "imdb-test"
MODEL_MEMBERS = ("metadata.json", "vocabulary.json", "coef.npy")


class EvaluationError(Exception):
    """The model archive or the evaluation set cannot be used: the command line exits 2 with this message."""


@dataclass(frozen=True)
class EvaluationSet:
    """Texts and 0/1 labels in a fixed order, the name they go by and a digest of their content."""

    name: str
    split: data.Split
    sha256: str

    @property
    def rows(self) -> int:
        return len(self.split)


@dataclass(frozen=True)
class Scored:
    """One model's per-row correctness on an evaluation set."""

    model_version: str
    correct: np.ndarray

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean())


def digest(split: data.Split) -> str:
    """sha256 over (label, text) pairs in order: the same rows give the same digest whatever file held them."""
    sha = hashlib.sha256()
    for text, label in zip(split.texts, split.labels, strict=True):
        encoded = text.encode("utf-8")
        sha.update(f"{label}:{len(encoded)}:".encode())
        sha.update(encoded)
    return sha.hexdigest()


def load_set(test: Path | None, options: DataOptions) -> EvaluationSet:
    """The official IMDB test split (``test`` None, an IMDB archive or folder), or a labelled file or folder."""
    try:
        if imdb.is_imdb(test):
            split = imdb.read(test, "test", options.cache_dir, False, None)
            name = IMDB_TEST
        else:
            assert test is not None
            collected = validation.collect(rows(test, format_of(test), options), str(test), options.label_column)
            split = validation.to_split(collected, validation.positive_label(collected, options.positive_label))
            name = test.name
    except data.DataError as exc:  # DatasetError included
        raise EvaluationError(str(exc)) from exc
    if len(set(split.labels)) < 2:
        raise EvaluationError(f"{name}: the evaluation set needs both classes")
    return EvaluationSet(name, split, digest(split))


def unpack(archive: Path, into: Path) -> Path:
    """The model files of ``archive`` (a model.tar.gz of `make train`) extracted into ``into``."""
    if not archive.is_file():
        raise EvaluationError(f"model not found: {archive} (run `make train`, or pass the path of a model.tar.gz)")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise EvaluationError(f"cannot unpack {archive}: {exc} (expected the model.tar.gz of `make train`)") from exc
    missing = [name for name in MODEL_MEMBERS if not (into / name).is_file()]
    if missing:
        raise EvaluationError(f"{archive} has no {', '.join(missing)}: is it a model.tar.gz of `make train`?")
    return into


def score(archive: Path, evaluation: EvaluationSet) -> Scored:
    """Per-row correctness of the model in ``archive`` at threshold 0.5, as the endpoint labels it."""
    with tempfile.TemporaryDirectory(prefix="promotion-model-") as folder:
        try:
            model = load_model(str(unpack(archive, Path(folder))))
        except (ValueError, KeyError, RuntimeError) as exc:
            raise EvaluationError(f"cannot load the model in {archive}: {exc}") from exc
    vectors = [model.vocabulary.vectorize(text) for text in evaluation.split.texts]
    matrix = sparse_matrix([(vector.indices, vector.values) for vector in vectors], model.n_features)
    predicted = model.classifier.predict_proba(matrix)[:, 1] >= 0.5
    return Scored(model.model_version, predicted == np.asarray(evaluation.split.labels, dtype=bool))
