"""Why a review scored as it did: its terms with the largest contributions each way."""

from __future__ import annotations

from typing import Any

from scipy import sparse

from serving.sentiment_model import SentimentModel

EXPLAIN_TERMS = 5


def explain(row: sparse.csr_matrix, model: SentimentModel) -> dict[str, list[dict[str, Any]]]:
    """The terms of this review with the largest contributions (value x weight) each way."""
    coef = model.classifier.coef_[0]
    contributions = sorted(
        ((float(value * coef[index]), int(index)) for index, value in zip(row.indices, row.data, strict=True)),
        key=lambda item: (item[0], item[1]),
    )
    terms = model.vocabulary.terms

    def pick(items: list[tuple[float, int]]) -> list[dict[str, Any]]:
        return [{"term": terms[i], "weight": round(w, 4)} for w, i in items[:EXPLAIN_TERMS]]

    return {
        "positive": pick([item for item in reversed(contributions) if item[0] > 0]),
        "negative": pick([item for item in contributions if item[0] < 0]),
    }
