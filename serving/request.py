"""A request as parsed (serving.transform.parse), before any model is involved."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LineRecord:
    """One JSON Lines record: a review or a sparse vector to score, or why it cannot be scored."""

    id: str | int | None = None
    text: str | None = None
    vector: tuple[list[int], list[float]] | None = None
    vocabulary_version: str | None = None
    explain: bool = False
    error: tuple[str, str] | None = None  # (code, message)


@dataclass(frozen=True)
class ParsedRequest:
    """The instances of one request: sparse vectors, dense CSV rows, texts, or JSON Lines records."""

    sparse_rows: list[tuple[list[int], list[float]]] = field(default_factory=list)
    dense_rows: list[np.ndarray] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    vocabulary_version: str | None = None
    explain: bool = False
    lines: list[LineRecord] | None = None  # application/jsonlines: one record a line
