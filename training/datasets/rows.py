"""What every reader yields and raises: one raw row with where it came from, and the refusal of unusable data.

Readers only read; they never decide what a row means. Keeping the raw values (``None`` for an absent cell)
and the row's place in the file lets validation count skipped rows by reason and name the line of a problem.
"""

from __future__ import annotations

from typing import NamedTuple

from training.data import DataError


class DatasetError(DataError):
    """The data cannot be trained on as given: missing column, wrong labels, too few rows, unreadable or not UTF-8.

    The command line exits with status 2 and this message, before any training starts.
    """


class Row(NamedTuple):
    """One record as read: raw text and label values (``None`` when absent) and its place, e.g. ``line 12``."""

    text: object
    label: object
    where: str


def missing_column(path: object, column: str, option: str, found: list[str]) -> DatasetError:
    """The one message for a column that is not there, naming the columns that are."""
    names = ", ".join(repr(name) for name in found) or "none"
    return DatasetError(f"{path}: no column {column!r} (set {option}); columns found: {names}")
