"""Data errors are clear, and the CLI explains itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from training import data
from training.cli import build_parser, main


def test_missing_archive_says_how_to_get_the_data(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match="--download"):
        data.verify_archive(tmp_path / "nope.tar.gz")


def test_corrupt_archive_is_rejected_by_sha256(tmp_path: Path) -> None:
    bad = tmp_path / "aclImdb_v1.tar.gz"
    bad.write_bytes(b"not the IMDB archive")
    with pytest.raises(data.DataError, match="not a known IMDB archive"):
        data.extract(bad, tmp_path / "cache")


def test_folder_without_the_imdb_layout_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match="IMDB layout"):
        data.resolve(tmp_path)


def test_folder_layout_is_read_in_a_fixed_order(tmp_path: Path) -> None:
    for split in ("train", "test"):
        for label in ("pos", "neg"):
            folder = tmp_path / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for name in ("2_9.txt", "1_8.txt"):
                (folder / name).write_text(f"{split} {label} {name}")
    folder = data.resolve(tmp_path)
    split = data.load_split(folder, "train", limit=2)
    assert split.labels == [0, 0, 1, 1]
    assert split.texts[0] == "train neg 1_8.txt"
    with pytest.raises(data.DataError, match="expected 25000"):
        data.load_split(folder, "test")


def test_cli_errors_exit_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--max-terms must be at least 1"):
        main(["--max-terms", "0", "--output", str(tmp_path)])
    with pytest.raises(SystemExit, match="IMDB archive not found"):
        main(["--data", str(tmp_path / "missing.tar.gz"), "--output", str(tmp_path)])


def test_help_describes_the_options() -> None:
    text = build_parser().format_help()
    for option in ("--data", "--download", "--output", "--max-terms", "--quick", "--test", "--text-column"):
        assert option in text
    for option in ("--label-column", "--positive-label", "--test-fraction", "--min-rows-per-class", ".parquet"):
        assert option in text
    assert "python -m training --data reviews.csv --text-column review" in text  # examples, one per line


def test_the_configured_archive_is_imdb_data_else_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Training, `make train-remote`'s upload and the tests that check it all read it from one place."""
    from training.remote import options

    monkeypatch.delenv("IMDB_DATA", raising=False)
    assert data.configured_archive() == data.DEFAULT_ARCHIVE
    monkeypatch.setenv("IMDB_DATA", str(tmp_path / "own.tar.gz"))
    assert data.configured_archive() == tmp_path / "own.tar.gz"
    assert options.build_parser().parse_args(["--bucket", "b"]).data == tmp_path / "own.tar.gz"
