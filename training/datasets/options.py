"""The data options of ``python -m training``, apart from the readers so the command line stays quick to import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from training.data import DEFAULT_CACHE


@dataclass(frozen=True)
class DataOptions:
    """What to read and how: the command line's data options."""

    data: Path | None = None
    test: Path | None = None
    text_column: str = "text"
    label_column: str = "label"
    positive_label: str | None = None
    test_fraction: float = 0.2
    seed: int = 0
    min_rows_per_class: int = 10
    limit: int | None = None
    cache_dir: Path = DEFAULT_CACHE
    download: bool = False
