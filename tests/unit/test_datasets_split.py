"""The held-out test set: seeded, deterministic and stratified; leakage counted and removed; skips counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.data import Split
from training.datasets import split
from training.datasets.options import DataOptions
from training.datasets.prepare import prepare


def unbalanced(n_pos: int = 300, n_neg: int = 100) -> Split:
    texts = [f"text {i}" for i in range(n_pos + n_neg)]
    labels = [1] * n_pos + [0] * n_neg
    return Split(texts, labels)


def test_the_split_is_deterministic_for_a_seed_and_changes_with_it() -> None:
    data = unbalanced()
    first, again = split.stratified_split(data, 0.2, seed=0), split.stratified_split(data, 0.2, seed=0)
    assert first == again
    other = split.stratified_split(data, 0.2, seed=1)
    assert set(other[1].texts) != set(first[1].texts)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_the_split_is_stratified_and_partitions_the_rows(seed: int) -> None:
    data = unbalanced()
    train, test = split.stratified_split(data, 0.25, seed)
    assert sorted(train.texts + test.texts) == sorted(data.texts)
    assert (sum(test.labels), len(test) - sum(test.labels)) == (75, 25)  # each class keeps its 3:1 share
    assert (sum(train.labels), len(train) - sum(train.labels)) == (225, 75)
    assert train.texts == sorted(train.texts, key=data.texts.index), "rows keep their file order"


def test_leaked_texts_are_counted_and_removed_from_test_only(tmp_path: Path) -> None:
    train_lines = ["text,label", *(f"train text {i},{i % 2}" for i in range(40))]
    test_lines = ["text,label", *(f"test text {i},{i % 2}" for i in range(10)), "train text 3,1", "train text 4,0"]
    (tmp_path / "train.csv").write_text("\n".join(train_lines) + "\n")
    (tmp_path / "test.csv").write_text("\n".join(test_lines) + "\n")
    prepared = prepare(DataOptions(data=tmp_path / "train.csv", test=tmp_path / "test.csv"))
    assert prepared.summary["leakage"] == {"test_texts_in_train": 2, "removed_from_test": 2}
    assert len(prepared.train) == 40 and len(prepared.test) == 10
    assert not set(prepared.test.texts) & set(prepared.train.texts)
    assert prepared.summary["test_source"] == str(tmp_path / "test.csv")


def test_duplicates_split_across_train_and_test_are_removed_from_test(tmp_path: Path) -> None:
    lines = ["text,label", *(f"unique {i},{i % 2}" for i in range(40)), *("same text,1" for _ in range(10))]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    prepared = prepare(DataOptions(data=tmp_path / "d.csv"))
    leakage = prepared.summary["leakage"]
    assert leakage["test_texts_in_train"] == leakage["removed_from_test"] > 0
    assert "same text" in prepared.train.texts and "same text" not in prepared.test.texts


def test_skipped_rows_are_counted_by_reason(tmp_path: Path) -> None:
    lines = [
        "text,label",
        *(f"row {i},{i % 2}" for i in range(30)),
        ",1",  # empty text
        "   ,0",  # blank text
        "no label,",  # missing label
        "short row",  # no label field at all
    ]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    summary = prepare(DataOptions(data=tmp_path / "d.csv")).summary
    assert summary["rows_read"] == {"train": 34, "test": None}
    assert summary["skipped"]["train"] == {"empty text": 2, "missing label": 2}


def test_a_text_that_is_not_a_string_is_skipped(tmp_path: Path) -> None:
    lines = [f'{{"text": "row {i}", "label": {i % 2}}}' for i in range(30)] + ['{"text": 42, "label": 1}']
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    assert prepare(DataOptions(data=tmp_path / "d.jsonl")).summary["skipped"]["train"] == {"text is not a string": 1}


def test_quick_takes_the_first_rows_of_each_class(tmp_path: Path) -> None:
    lines = ["text,label", *(f"row {i},{i % 2}" for i in range(200))]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    prepared = prepare(DataOptions(data=tmp_path / "d.csv", limit=30))
    assert prepared.summary["class_counts"]["train"] == {"negative": 30, "positive": 30}
    assert prepared.summary["class_counts"]["test"] == {"negative": 20, "positive": 20}
