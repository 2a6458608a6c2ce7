"""Turn raw rows into texts and 0/1 labels, refusing data that cannot make a binary classifier.

Everything here runs before any training, so a mistake in a 1 GB export costs seconds, not a training run:
a third label value stops the read at the row where it appears; rows that cannot be used (empty text, missing
label, a text that is not a string) are skipped and counted by reason, never silently dropped.
Memory holds the texts and one small integer per row, no more.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from training.data import Split
from training.datasets.rows import DatasetError, Row

EMPTY_TEXT = "empty text"
MISSING_LABEL = "missing label"
TEXT_NOT_STRING = "text is not a string"
# When --positive-label is not given, the one value of the two found that names the positive class.
POSITIVE_NAMES = ("1", "true", "yes", "pos", "positive")


def label_value(value: object) -> str | None:
    """A label as text, so CSV "1", JSON 1 and Parquet int64 1 agree; ``None`` when the label is missing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


@dataclass
class Collected:
    """Usable rows of one source: texts, the index of each row's label in ``values``, and skip counts."""

    source: str
    label_column: str
    texts: list[str] = field(default_factory=list)
    label_index: array = field(default_factory=lambda: array("b"))
    values: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    rows_read: int = 0


def collect(rows: Iterable[Row], source: str, label_column: str) -> Collected:
    """Read every row; refuse a third label value at the row it first appears."""
    out = Collected(source, label_column)
    index: dict[str, int] = {}
    for row in rows:
        out.rows_read += 1
        if not isinstance(row.text, str) and row.text is not None:
            out.skipped[TEXT_NOT_STRING] += 1
            continue
        if row.text is None or not row.text.strip():
            out.skipped[EMPTY_TEXT] += 1
            continue
        label = label_value(row.label)
        if label is None:
            out.skipped[MISSING_LABEL] += 1
            continue
        if label not in index:
            if len(index) == 2:
                raise DatasetError(
                    f"{source}: label column {label_column!r} has more than two values: "
                    f"{', '.join(repr(v) for v in [*out.values, label])} (the third at {row.where}); "
                    "this trains a binary classifier: map the labels to two values first"
                )
            index[label] = len(out.values)
            out.values.append(label)
        out.texts.append(row.text)
        out.label_index.append(index[label])
    return out


def positive_label(collected: Collected, requested: str | None) -> str:
    """The value that means positive: ``requested`` if given, else the one well-known positive name found."""
    values = collected.values
    if len(values) < 2:
        found = f"only {values[0]!r}" if values else "no usable rows"
        raise DatasetError(
            f"{collected.source}: label column {collected.label_column!r} has {found} "
            f"({collected.rows_read:,} rows read, skipped: {_skips(collected.skipped)}); two label values are needed"
        )
    if requested is not None:
        if requested not in values:
            raise DatasetError(
                f"{collected.source}: --positive-label {requested!r} is not a value of {collected.label_column!r}; "
                f"values found: {values[0]!r}, {values[1]!r}"
            )
        return requested
    known = [value for value in values if value.lower() in POSITIVE_NAMES]
    if len(known) != 1:
        raise DatasetError(
            f"{collected.source}: label values {values[0]!r} and {values[1]!r}: "
            "say which one is positive with --positive-label"
        )
    return known[0]


def to_split(collected: Collected, positive: str) -> Split:
    """Texts and 0/1 labels (1 = ``positive``) in file order."""
    is_positive = [int(value == positive) for value in collected.values]
    return Split(collected.texts, [is_positive[i] for i in collected.label_index])


def check_labels_match(train: Collected, test: Collected) -> None:
    """A test set labelled with other values than the training set would be scored against the wrong class."""
    if set(test.values) - set(train.values):
        raise DatasetError(
            f"{test.source}: label values {', '.join(repr(v) for v in test.values)} differ from the training data's "
            f"{', '.join(repr(v) for v in train.values)}"
        )


def check_minimum(split: Split, name: str, minimum: int, names: tuple[str, str]) -> None:
    """Each class needs ``minimum`` rows in ``split``, or the validation split and the metrics mean nothing."""
    counts = class_counts(split)
    for label, count in zip(names, (counts["negative"], counts["positive"]), strict=True):
        if count < minimum:
            raise DatasetError(
                f"{name} has {count} rows labelled {label!r}, fewer than the minimum of {minimum} per class "
                "(--min-rows-per-class)"
            )


def class_counts(split: Split) -> dict[str, int]:
    positive = sum(split.labels)
    return {"negative": len(split.labels) - positive, "positive": positive}


def _skips(skipped: Counter) -> str:
    return ", ".join(f"{count:,} {reason}" for reason, count in sorted(skipped.items())) or "none"
