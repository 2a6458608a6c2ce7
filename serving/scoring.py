"""Scoring a parsed JSON, CSV or text request: the checks that need the model, then the classifier.

Raw text is tokenised here with this model's own vocabulary: that is how the Lambda still gets a right
answer while it and the endpoint carry different vocabularies during a rollout. Text predictions say
how many of the review's terms the model knows (``known_terms``), so the caller can refuse a review
this model knows nothing of.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from lambda_src.tokenizer import TooManyWordsError
from serving.errors import InferenceError, PayloadTooLargeError, VocabularyMismatchError
from serving.explanation import explain
from serving.limits import MAX_TEXT_WORDS
from serving.request import ParsedRequest
from serving.sentiment_model import SentimentModel, label, sparse_matrix


def predict(data: ParsedRequest, model: SentimentModel) -> dict[str, Any]:
    """Score every instance; explain the strongest terms each way when asked."""
    if data.vocabulary_version is not None and data.vocabulary_version != model.vocabulary.version:
        raise VocabularyMismatchError(
            f"vocabulary_mismatch: the vector was built with vocabulary {data.vocabulary_version}, "
            f"this endpoint serves {model.vocabulary.version}"
        )
    matrix = _to_matrix(data, model)
    scores = model.classifier.predict_proba(matrix)[:, 1]
    predictions = []
    for row, score in enumerate(scores):
        prediction: dict[str, Any] = {"label": label(score), "score": float(score)}
        if data.texts:  # tokenised here: say how much of the review this model's vocabulary knows
            prediction["known_terms"] = int(matrix.indptr[row + 1] - matrix.indptr[row])
        if data.explain:
            prediction["explanation"] = explain(matrix.getrow(row), model)
        predictions.append(prediction)
    return {
        "model_version": model.model_version,
        "vocabulary_version": model.vocabulary.version,
        "predictions": predictions,
    }


def _to_matrix(data: ParsedRequest, model: SentimentModel) -> sparse.csr_matrix:
    n = model.n_features
    if data.texts:
        try:
            vectors = [model.vocabulary.vectorize(text, max_words=MAX_TEXT_WORDS) for text in data.texts]
        except TooManyWordsError as exc:
            raise PayloadTooLargeError(f"review too long: {exc}") from None
        rows = [(v.indices, v.values) for v in vectors]
    elif data.dense_rows:
        for number, row in enumerate(data.dense_rows, start=1):
            if len(row) != n:
                raise InferenceError(f"CSV row {number} has {len(row)} values, the model expects {n}")
        return sparse.csr_matrix(np.vstack(data.dense_rows))
    else:
        rows = data.sparse_rows
    for position, (indices, _) in enumerate(rows):
        if indices and indices[-1] >= n:
            raise InferenceError(f"instance {position}: index {indices[-1]} is out of range for {n} features")
    return sparse_matrix(rows, n)
