"""Every input format gives the same checked rows: CSV, JSON Lines, Parquet (several row groups), a label folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from training.datasets import parquet as parquet_reader
from training.datasets.options import DataOptions
from training.datasets.prepare import prepare
from training.datasets.rows import DatasetError

# 24 usable rows per class, two rows to skip (empty text, missing label); texts unique, none from IMDB.
ROWS = [
    {
        "body": f"ticket {i} the printer {'works well, thanks' if i % 2 else 'is broken again'}",
        "tag": "ok" if i % 2 else "bad",
    }
    for i in range(48)
] + [{"body": "   ", "tag": "ok"}, {"body": "no label here", "tag": None}]
COLUMNS = {"text_column": "body", "label_column": "tag", "positive_label": "ok"}


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["id", "body", "tag"])
        writer.writeheader()
        writer.writerows(
            {"id": n, **{k: ("" if v is None else v) for k, v in row.items()}} for n, row in enumerate(rows)
        )
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n\n" for row in rows), encoding="utf-8")  # blank lines are ignored
    return path


def write_parquet(path: Path, rows: list[dict], row_group_size: int = 7) -> Path:
    table = pa.table({"body": [r["body"] for r in rows], "tag": [r["tag"] for r in rows]})
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def write_folder(path: Path, rows: list[dict]) -> Path:
    for n, row in enumerate(rows):
        if row["tag"] is not None:  # a folder cannot hold a text without a label
            (path / row["tag"]).mkdir(parents=True, exist_ok=True)
            (path / row["tag"] / f"{n:03d}.txt").write_text(row["body"], encoding="utf-8")
    return path


WRITERS = {
    "csv": lambda tmp: write_csv(tmp / "data.csv", ROWS),
    "jsonl": lambda tmp: write_jsonl(tmp / "data.jsonl", ROWS),
    "parquet": lambda tmp: write_parquet(tmp / "data.parquet", ROWS),
    "folder": lambda tmp: write_folder(tmp / "data", ROWS),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_each_format_gives_the_same_split_and_counts(kind: str, tmp_path: Path) -> None:
    prepared = prepare(DataOptions(data=WRITERS[kind](tmp_path), **COLUMNS))
    reference = prepare(DataOptions(data=WRITERS["csv"](tmp_path), **COLUMNS))
    summary = prepared.summary
    assert summary["format"] == kind
    assert summary["labels"] == {"negative": "bad", "positive": "ok"}
    assert summary["class_counts"] == {
        "train": {"negative": 19, "positive": 19},
        "test": {"negative": 5, "positive": 5},
    }
    skipped = {"empty text": 1} if kind == "folder" else {"empty text": 1, "missing label": 1}
    assert summary["skipped"] == {"train": skipped, "test": {}}
    if kind != "folder":  # the folder reads label by label, so its row order (and split) differs
        assert prepared.train == reference.train and prepared.test == reference.test
    assert sorted(prepared.train.texts + prepared.test.texts) == sorted(r["body"] for r in ROWS[:48])


def test_csv_takes_quoted_newlines_commas_a_bom_and_very_long_fields(tmp_path: Path) -> None:
    long_text = "word " * 40_000  # 200,000 characters: past csv's default field limit
    rows = [{"body": f"line one, {i}\nline two", "tag": str(i % 2)} for i in range(30)] + [
        {"body": long_text, "tag": "1"}
    ]
    path = write_csv(tmp_path / "data.csv", rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    prepared = prepare(DataOptions(data=path, text_column="body", label_column="tag"))
    texts = prepared.train.texts + prepared.test.texts
    assert "line one, 0\nline two" in texts and long_text in texts
    assert prepared.summary["labels"] == {"negative": "0", "positive": "1"}


def test_jsonl_and_parquet_labels_of_other_types_read_as_text(tmp_path: Path) -> None:
    rows = [{"body": f"text {i}", "tag": bool(i % 2)} for i in range(30)]
    prepared = prepare(
        DataOptions(data=write_jsonl(tmp_path / "d.jsonl", rows), text_column="body", label_column="tag")
    )
    assert prepared.summary["labels"] == {"negative": "false", "positive": "true"}
    numbers = [{"body": f"text {i}", "tag": i % 2} for i in range(30)]
    prepared = prepare(
        DataOptions(data=write_parquet(tmp_path / "d.parquet", numbers), text_column="body", label_column="tag")
    )
    assert prepared.summary["labels"] == {"negative": "0", "positive": "1"}


def test_parquet_is_read_in_batches_across_row_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_reader, "BATCH_ROWS", 3)
    path = write_parquet(tmp_path / "d.parquet", ROWS, row_group_size=5)
    assert pq.ParquetFile(path).num_row_groups == 10
    rows = list(parquet_reader.read(path, "body", "tag"))
    assert [r.text for r in rows] == [r["body"] for r in ROWS]
    assert rows[-1].where == "row 50"


def test_parquet_binary_text_that_is_not_utf8_names_the_row(tmp_path: Path) -> None:
    texts = [f"text {i}".encode() for i in range(30)]
    texts[12] = b"caf\xe9"
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"text": pa.array(texts, pa.binary()), "label": [i % 2 for i in range(30)]}), path)
    with pytest.raises(DatasetError, match=r"row 13 of the text column is not UTF-8"):
        prepare(DataOptions(data=path))
