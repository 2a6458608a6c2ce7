"""The test set when none is given, and leakage: what the test set may not share with the training set.

The split is stratified (each class keeps its share in both parts) and seeded, and depends only on the rows'
order and the seed, so the same file and ``--seed`` always give the same split and the same model.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from training.data import Split
from training.datasets.rows import DatasetError


def stratified_split(split: Split, fraction: float, seed: int) -> tuple[Split, Split]:
    """(train, test) with ``fraction`` of each class in test; both keep the rows' original order."""
    labels = np.asarray(split.labels)
    try:
        train_idx, test_idx = train_test_split(
            np.arange(len(labels)), test_size=fraction, random_state=seed, stratify=labels
        )
    except ValueError as exc:  # e.g. a fraction too small to hold one row of each class
        raise DatasetError(f"cannot split {len(labels)} rows with --test-fraction {fraction}: {exc}") from exc
    return _take(split, np.sort(train_idx)), _take(split, np.sort(test_idx))


def _take(split: Split, indices: np.ndarray) -> Split:
    return Split([split.texts[i] for i in indices], [split.labels[i] for i in indices])


def leaked(train: Split, test: Split) -> list[int]:
    """Indices of test rows whose text is also a training text (exact match): their scores would be memorised."""
    seen = set(train.texts)  # references to the texts already in memory, no copies
    return [i for i, text in enumerate(test.texts) if text in seen]


def without(split: Split, indices: list[int]) -> Split:
    """``split`` less the rows at ``indices``."""
    drop = set(indices)
    keep = [i for i in range(len(split)) if i not in drop]
    return Split([split.texts[i] for i in keep], [split.labels[i] for i in keep])


def first_per_class(split: Split, limit: int) -> Split:
    """The first ``limit`` rows of each class, in order (``--quick``)."""
    taken = [0, 0]
    keep = []
    for i, label in enumerate(split.labels):
        if taken[label] < limit:
            taken[label] += 1
            keep.append(i)
    return Split([split.texts[i] for i in keep], [split.labels[i] for i in keep])
