"""From ``--data``/``--test`` and the column options to a checked train and test set, before any training.

Every refusal (``DatasetError``) happens here, so the command line can exit with status 2 and a message
before the vectoriser is built. The summary says what was read, skipped and removed; it goes into metrics.json
and report.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training import data
from training.datasets import csv, folder, imdb, jsonl, parquet, split, validation
from training.datasets.options import DataOptions
from training.datasets.rows import DatasetError, Row

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
MIN_TEST_PER_CLASS = 1  # ROC AUC needs both classes in the test set


@dataclass(frozen=True)
class PreparedData:
    """The checked train and test sets, the file whose sha256 identifies the data, and the summary."""

    train: data.Split
    test: data.Split
    data_file: Path | None
    summary: dict[str, Any]


def format_of(path: Path) -> str:
    """``csv``, ``jsonl``, ``parquet`` or ``folder``, from the suffix; anything else is refused."""
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise DatasetError(f"{path} does not exist")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise DatasetError(
            f"{path}: unknown format {path.suffix or '(no suffix)'!r}; use .csv, .jsonl, .parquet, "
            "a folder of .txt files per label, or the IMDB archive"
        )
    return kind


def rows(path: Path, kind: str, options: DataOptions) -> Iterator[Row]:
    """The raw rows of one file or folder of a known ``kind`` (``format_of``), as its reader yields them."""
    if kind == "folder":
        return folder.read(path)
    reader = {"csv": csv.read, "jsonl": jsonl.read, "parquet": parquet.read}[kind]
    return reader(path, options.text_column, options.label_column)


def prepare(options: DataOptions) -> PreparedData:
    """Read, validate, split and de-leak the data; raise ``DatasetError`` (or ``DataError`` for IMDB) on bad data."""
    if imdb.is_imdb(options.data):
        return _prepare_imdb(options)
    return _prepare_own(options)


def _prepare_imdb(options: DataOptions) -> PreparedData:
    if options.test is not None and not imdb.is_imdb(options.test):
        raise DatasetError(f"--test {options.test}: the IMDB training data takes an IMDB archive or folder as test")
    train = imdb.read(options.data, "train", options.cache_dir, options.download, options.limit)
    test = imdb.read(options.test or options.data, "test", options.cache_dir, options.download, options.limit)
    summary = {
        "format": "imdb",
        "test_source": "the official IMDB test split",
        "labels": {"negative": imdb.LABELS[0], "positive": imdb.LABELS[1]},
        "rows_read": {"train": len(train), "test": len(test)},
        "skipped": {"train": {}, "test": {}},
        # Counted, not removed: the official split is what IMDB's published figures are measured on.
        "leakage": {"test_texts_in_train": len(split.leaked(train, test)), "removed_from_test": 0},
        **_counts(train, test),
    }
    return PreparedData(train, test, None, summary)


def _prepare_own(options: DataOptions) -> PreparedData:
    assert options.data is not None  # the IMDB default is handled by _prepare_imdb
    kind = format_of(options.data)
    columns = kind != "folder"
    train_rows = validation.collect(rows(options.data, kind, options), str(options.data), options.label_column)
    test_rows = None
    if options.test is not None:
        if imdb.is_imdb(options.test):
            raise DatasetError(f"--test {options.test}: the IMDB layout tests only a model trained on IMDB")
        test_kind = format_of(options.test)
        test_rows = validation.collect(rows(options.test, test_kind, options), str(options.test), options.label_column)
        validation.check_labels_match(train_rows, test_rows)
    positive = validation.positive_label(train_rows, options.positive_label)
    negative = next(value for value in train_rows.values if value != positive)
    names = (negative, positive)
    train = validation.to_split(train_rows, positive)
    if test_rows is None:
        validation.check_minimum(train, f"{options.data}", options.min_rows_per_class, names)
        train, test = split.stratified_split(train, options.test_fraction, options.seed)
        test_source = f"a stratified {options.test_fraction:.0%} split of the data, seed {options.seed},"
    else:
        test = validation.to_split(test_rows, positive)
        test_source = str(options.test)
    leaks = split.leaked(train, test)
    test = split.without(test, leaks)
    if options.limit is not None:
        train, test = split.first_per_class(train, options.limit), split.first_per_class(test, options.limit)
    validation.check_minimum(train, "the training set", options.min_rows_per_class, names)
    validation.check_minimum(test, "the test set (after removing texts also in train)", MIN_TEST_PER_CLASS, names)
    summary = {
        "format": kind,
        "test_source": test_source,
        **({"text_column": options.text_column, "label_column": options.label_column} if columns else {}),
        "labels": {"negative": negative, "positive": positive},
        "rows_read": {"train": train_rows.rows_read, "test": test_rows.rows_read if test_rows else None},
        "skipped": {
            "train": dict(sorted(train_rows.skipped.items())),
            "test": dict(sorted(test_rows.skipped.items())) if test_rows else {},
        },
        "leakage": {"test_texts_in_train": len(leaks), "removed_from_test": len(leaks)},
        **_counts(train, test),
    }
    return PreparedData(train, test, options.data if options.data.is_file() else None, summary)


def _counts(train: data.Split, test: data.Split) -> dict[str, Any]:
    return {"class_counts": {"train": validation.class_counts(train), "test": validation.class_counts(test)}}
