"""The served model: loaded from version-free parameters, and scored as a sparse matrix.

The model is stored version-free (``coef.npy`` and ``metadata.json``) and rebuilt here as a
scikit-learn ``LogisticRegression``, so it loads under the serving image's numpy and
scikit-learn whatever versions trained it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from lambda_src.tokenizer import Vocabulary

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentimentModel:
    """What ``model_fn`` loads: classifier, vocabulary and identity."""

    classifier: LogisticRegression
    vocabulary: Vocabulary
    model_version: str

    @property
    def n_features(self) -> int:
        return len(self.vocabulary)


def load_model(model_dir: str) -> SentimentModel:
    """Load the classifier from its version-free parameters and the vocabulary beside it."""
    root = Path(model_dir)
    metadata = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    vocabulary = Vocabulary.load(root / "vocabulary.json")
    coef = np.load(root / "coef.npy", allow_pickle=False)
    if coef.shape != (len(vocabulary),):
        raise RuntimeError(f"coef.npy has shape {coef.shape}, expected ({len(vocabulary)},)")
    classifier = LogisticRegression()
    classifier.classes_ = np.array([0, 1])
    classifier.coef_ = coef.reshape(1, -1)
    classifier.intercept_ = np.array([float(metadata["intercept"])])
    logger.info("loaded model %s with %d terms", metadata["model_version"], len(vocabulary))
    return SentimentModel(classifier, vocabulary, metadata["model_version"])


def sparse_matrix(rows: list[tuple[list[int], list[float]]], n_features: int) -> sparse.csr_matrix:
    """One CSR row per (indices, values) pair, built without a dense copy."""
    indptr = np.cumsum([0] + [len(indices) for indices, _ in rows])
    flat_indices = [i for indices, _ in rows for i in indices]
    flat_values = [v for _, values in rows for v in values]
    return sparse.csr_matrix((flat_values, flat_indices, indptr), shape=(len(rows), n_features), dtype=np.float64)


def label(score: float) -> str:
    """The label a positive-class probability stands for."""
    return "positive" if score >= 0.5 else "negative"
