"""The Lambda zip: reproducible bytes, only the handler's modules and the vocabulary, clear failures."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest

from lambda_src.tokenizer import TokenizerSettings, Vocabulary
from scripts.package_lambda import build_parser, main

SOURCE = Path(__file__).resolve().parents[2] / "lambda_src"


@pytest.fixture
def vocabulary(tmp_path: Path) -> Path:
    path = tmp_path / "vocabulary.json"
    Vocabulary(("good", "bad", "not good"), TokenizerSettings(1, 2), model_version="m1").save(path)
    return path


def build(vocabulary: Path, output: Path, *extra: str) -> int:
    return main(["--vocabulary", str(vocabulary), "--output", str(output), *extra])


def copy_source(target: Path) -> Path:
    target.mkdir()
    for module in SOURCE.glob("*.py"):
        (target / module.name).write_bytes(module.read_bytes())
    return target


def test_two_builds_are_byte_identical(vocabulary, tmp_path):
    assert build(vocabulary, tmp_path / "a.zip") == 0
    copy = copy_source(tmp_path / "copy")  # same contents, new mtimes, another directory
    (copy / "handler.py").chmod(0o755)
    assert build(vocabulary, tmp_path / "b.zip", "--source", str(copy)) == 0
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_zip_holds_the_modules_and_vocabulary_only(vocabulary, tmp_path):
    copy_source(tmp_path / "src")
    (tmp_path / "src" / "__pycache__").mkdir()
    (tmp_path / "src" / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "src" / "notes.txt").write_text("scratch")
    build(vocabulary, tmp_path / "l.zip", "--source", str(tmp_path / "src"))
    with zipfile.ZipFile(tmp_path / "l.zip") as archive:
        names = archive.namelist()
        infos = archive.infolist()
        assert archive.read("lambda_src/vocabulary.json") == vocabulary.read_bytes()
    expected = sorted(f"lambda_src/{p.name}" for p in SOURCE.glob("*.py")) + ["lambda_src/vocabulary.json"]
    assert names == expected
    assert "lambda_src/handler.py" in names and "lambda_src/tokenizer.py" in names
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.external_attr >> 16 == 0o100644 for i in infos)


def test_prints_path_size_and_both_digests(vocabulary, tmp_path, capsys):
    output = tmp_path / "l.zip"
    build(vocabulary, output)
    printed = capsys.readouterr().out
    digest = hashlib.sha256(output.read_bytes()).digest()
    assert f"path: {output}" in printed
    assert f"size: {output.stat().st_size} bytes" in printed
    assert digest.hex() in printed and base64.b64encode(digest).decode() in printed


def test_missing_vocabulary_fails_with_a_clear_message(tmp_path):
    with pytest.raises(SystemExit, match="vocabulary not found.*make train"):
        build(tmp_path / "missing.json", tmp_path / "l.zip")
    assert not (tmp_path / "l.zip").exists()


def test_corrupt_vocabulary_is_refused(tmp_path):
    bad = tmp_path / "vocabulary.json"
    bad.write_text('{"format": 1, "terms": ["a"], "tokenizer": {}, "vocabulary_version": "0000"}')
    with pytest.raises(SystemExit, match="not a valid vocabulary"):
        build(bad, tmp_path / "l.zip")


def test_size_limit_is_enforced(vocabulary, tmp_path):
    with pytest.raises(SystemExit, match="over the 1000-byte limit"):
        build(vocabulary, tmp_path / "l.zip", "--max-bytes", "1000")


def test_default_paths():
    args = build_parser().parse_args([])
    assert args.vocabulary.parts[-2:] == ("artifacts", "vocabulary.json")
    assert args.output.parts[-2:] == ("build", "lambda.zip")
