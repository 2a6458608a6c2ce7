"""Data that cannot train a binary classifier is refused before training: exit status 2 and a message saying why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from training.cli import _channel, main


def csv_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def balanced(n: int = 15, labels: tuple[str, str] = ("pos", "neg")) -> list[str]:
    return ["text,label", *(f"review number {i},{labels[i % 2]}" for i in range(2 * n))]


def refused(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line; it must exit 2 without writing anything, and print ``error: <message>``."""
    out = tmp_path / "artifacts"
    with pytest.raises(SystemExit) as exc:
        main([*args, "--output", str(out)])
    assert exc.value.code == 2
    assert not out.exists(), "nothing is written for refused data"
    stderr = capsys.readouterr().err
    assert stderr.startswith("error: ") and str(exc.value) in stderr
    return str(exc.value)


def test_missing_column_names_the_columns_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = csv_file(tmp_path / "d.csv", balanced())
    message = refused(["--data", str(data), "--text-column", "review"], tmp_path, capsys)
    assert "no column 'review' (set --text-column); columns found: 'text', 'label'" in message
    message = refused(["--data", str(data), "--label-column", "stars"], tmp_path, capsys)
    assert "no column 'stars' (set --label-column)" in message


def test_missing_key_in_json_lines_and_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(json.dumps({"review": "a", "label": 1}) + "\n")
    assert "columns found: 'review', 'label'" in refused(["--data", str(jsonl)], tmp_path, capsys)
    parquet = tmp_path / "d.parquet"
    pq.write_table(pa.table({"body": ["a"], "label": [1]}), parquet)
    assert "columns found: 'body', 'label'" in refused(["--data", str(parquet)], tmp_path, capsys)


def test_one_label_value_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = csv_file(tmp_path / "d.csv", ["text,label", *(f"t {i},pos" for i in range(30)), "empty,"])
    message = refused(["--data", str(data)], tmp_path, capsys)
    assert "label column 'label' has only 'pos' (31 rows read, skipped: 1 missing label)" in message


def test_a_third_label_value_is_refused_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = csv_file(tmp_path / "d.csv", [*balanced(), "a neutral review,neutral", *balanced()[1:]])
    message = refused(["--data", str(data)], tmp_path, capsys)
    assert "more than two values: 'pos', 'neg', 'neutral' (the third at line 32)" in message


def test_too_few_rows_per_class_states_the_minimum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["text,label", *(f"t {i},pos" for i in range(30)), *(f"u {i},neg" for i in range(4))]
    data = csv_file(tmp_path / "d.csv", lines)
    message = refused(["--data", str(data)], tmp_path, capsys)
    assert "has 4 rows labelled 'neg', fewer than the minimum of 10 per class (--min-rows-per-class)" in message
    message = refused(["--data", str(data), "--min-rows-per-class", "40"], tmp_path, capsys)
    assert "fewer than the minimum of 40 per class" in message


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("d.csv", b"text,label\nok,pos\ncaf\xe9,neg\n", r"line 3 is not UTF-8 \(byte 4 of the line is 0xe9\)"),
        ("d.csv", b'text,label\nok,pos\n"quoted" then not,neg\n', "line 3 is not valid CSV"),
        ("d.jsonl", b'{"text": "ok", "label": 1}\n{"text": "caf\xe9"}\n', "line 2 is not UTF-8"),
        ("d.jsonl", b'{"text": "ok", "label": 1}\n{"text": oops}\n', "line 2 is not JSON"),
        ("d.jsonl", b'{"text": "ok", "label": 1}\n[1, 2]\n', "line 2 is a JSON list, expected an object"),
        ("d.parquet", b"PAR1 not really parquet", "cannot read .* as Parquet"),
        ("d.csv", b"", "the file is empty"),
        ("d.xlsx", b"PK", r"unknown format '.xlsx'"),
    ],
)
def test_unreadable_or_non_utf8_files_say_where(
    name: str, body: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    assert re.search(message, refused(["--data", str(path)], tmp_path, capsys))


def test_a_label_file_that_is_not_utf8_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for label in ("pos", "neg"):
        (tmp_path / "d" / label).mkdir(parents=True)
        for i in range(12):
            (tmp_path / "d" / label / f"{i}.txt").write_text(f"{label} {i}")
    (tmp_path / "d" / "neg" / "7.txt").write_bytes(b"bad \xff byte")
    assert "file neg/7.txt is not UTF-8" in refused(["--data", str(tmp_path / "d")], tmp_path, capsys)


def test_a_missing_file_and_an_empty_folder_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "does not exist" in refused(["--data", str(tmp_path / "nope.csv")], tmp_path, capsys)
    (tmp_path / "empty").mkdir()
    assert "nor label folders holding .txt files" in refused(["--data", str(tmp_path / "empty")], tmp_path, capsys)


def test_positive_label_must_be_known(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = csv_file(tmp_path / "d.csv", balanced(labels=("good", "bad")))
    assert "say which one is positive with --positive-label" in refused(["--data", str(data)], tmp_path, capsys)
    message = refused(["--data", str(data), "--positive-label", "great"], tmp_path, capsys)
    assert "--positive-label 'great' is not a value of 'label'; values found: 'good', 'bad'" in message


def test_test_file_with_other_labels_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = csv_file(tmp_path / "d.csv", balanced())
    test = csv_file(tmp_path / "t.csv", balanced(labels=("1", "0")))
    assert "differ from the training data's 'pos', 'neg'" in refused(
        ["--data", str(data), "--test", str(test)], tmp_path, capsys
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--test-fraction", "1.5"], "--test-fraction must be between 0 and 1"),
        (["--min-rows-per-class", "0"], "--min-rows-per-class must be at least 1"),
        (["--max-terms", "0"], "--max-terms must be at least 1"),
    ],
)
def test_bad_options_exit_2(
    option: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = csv_file(tmp_path / "d.csv", balanced())
    assert message in refused(["--data", str(data), *option], tmp_path, capsys)


def test_a_sagemaker_channel_holding_one_data_file_stands_for_it(tmp_path: Path) -> None:
    (tmp_path / "train").mkdir()
    data = csv_file(tmp_path / "train" / "reviews.csv", balanced())
    assert _channel(tmp_path / "train") == data
    (tmp_path / "folders" / "pos").mkdir(parents=True)
    (tmp_path / "folders" / "pos" / "1.txt").write_text("a")
    assert _channel(tmp_path / "folders") == tmp_path / "folders"  # a label folder is read as a folder
