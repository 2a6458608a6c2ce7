"""``python -m scoring`` on small inputs with a tiny hand-made model (no training, no services).

The model has five words with known weights, so every expected score is computed here independently
(the logistic of the summed weights) rather than by the code under test.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from lambda_src.tokenizer import TokenizerSettings, Vocabulary
from scoring import readers
from scoring.cli import main
from scoring.parallel import ordered_map
from training.artifacts import model_archive_members, write_tar_gz

WEIGHTS = {"good": 1.5, "great": 2.0, "bad": -1.5, "awful": -2.0, "film": 0.25}
INTERCEPT = 0.1


def expected_score(text: str) -> float:
    present = set(re.findall(r"[a-z]+", text.lower())) & set(WEIGHTS)
    return 1 / (1 + math.exp(-(INTERCEPT + sum(WEIGHTS[word] for word in present))))


def build_model(folder: Path, inference_suffix: str = "") -> Path:
    vocabulary = Vocabulary(tuple(WEIGHTS), TokenizerSettings(ngram_max=1), model_version="tiny")
    metadata = {"intercept": INTERCEPT, "model_version": "tiny-model"}
    members = model_archive_members(vocabulary, np.array(list(WEIGHTS.values())), metadata)
    members["code/inference.py"] += inference_suffix.encode()
    folder.mkdir(parents=True, exist_ok=True)
    write_tar_gz(folder / "model.tar.gz", members)
    return folder / "model.tar.gz"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("tiny-model"))


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def score(model: Path, *args: str | Path) -> int:
    return main([str(arg) for arg in args] + ["--model", str(model), "--quiet", "--workers", "1"])


REVIEWS = ["A good film.", "Awful, just bad.", "Great great GREAT", "bad film but good acting"]


def test_jsonl_gives_id_label_and_score_in_input_order(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "review": text} for i, text in enumerate(REVIEWS)])
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [row["id"] for row in rows] == ["r0", "r1", "r2", "r3"]
    for row, text in zip(rows, REVIEWS, strict=True):
        assert set(row) == {"id", "label", "score"}
        assert row["score"] == pytest.approx(expected_score(text), abs=1e-12)
        assert row["label"] == ("positive" if row["score"] >= 0.5 else "negative")
    assert read_jsonl(tmp_path / "out.errors.jsonl") == []


def test_jsonl_id_defaults_to_line_number_and_blank_lines_are_skipped(model: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('\ufeff{"review": "good"}\n\n{"review": "bad", "id": 7, "label": 0}\n', encoding="utf-8")
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == [1, 7]


def test_csv_with_and_without_id_column(model: Path, tmp_path: Path) -> None:
    with_id = tmp_path / "with_id.csv"
    with_id.write_text('id,review\na,"Good, great film."\nb,"Awful.\nReally bad."\n', encoding="utf-8")
    assert score(model, with_id, "-o", tmp_path / "a.jsonl") == 0
    rows = read_jsonl(tmp_path / "a.jsonl")
    assert [row["id"] for row in rows] == ["a", "b"]
    assert rows[1]["score"] == pytest.approx(expected_score("Awful. Really bad."), abs=1e-12)

    without_id = tmp_path / "without_id.csv"
    without_id.write_text("\ufeffReview,stars\ngood film,4\nbad film,1\n", encoding="utf-8")
    assert score(model, without_id, "-o", tmp_path / "b.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "b.jsonl")] == [2, 3]  # line numbers; the header is line 1


def test_folder_of_text_files_in_sorted_path_order(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    for name, text in {"pos/2.txt": "great", "pos/10.txt": "good film", "neg/1.txt": "awful", "notes.md": "x"}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    assert score(model, folder, "-o", tmp_path / "out.jsonl") == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [row["id"] for row in rows] == ["neg/1", "pos/10", "pos/2"]
    assert rows[0]["score"] == pytest.approx(expected_score("awful"), abs=1e-12)


def test_explain_adds_the_terms_each_way(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "review": "good but awful film"}])
    assert score(model, source, "-o", tmp_path / "out.jsonl", "--explain") == 0
    (row,) = read_jsonl(tmp_path / "out.jsonl")
    assert [t["term"] for t in row["explanation"]["positive"]] == ["good", "film"]
    assert [t["term"] for t in row["explanation"]["negative"]] == ["awful"]


def test_several_worker_processes_keep_input_order(model: Path, tmp_path: Path) -> None:
    texts = [REVIEWS[i % len(REVIEWS)] + " film" * (i % 7) for i in range(1500)]  # six chunks of 256
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "review": text} for i, text in enumerate(texts)])
    arguments = [str(source), "-o", str(tmp_path / "out.jsonl"), "--model", str(model), "--quiet", "--workers", "2"]
    assert main(arguments) == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [row["id"] for row in rows] == list(range(1500))
    assert [row["score"] for row in rows] == pytest.approx([expected_score(t) for t in texts], abs=1e-12)


MALFORMED_JSONL = b"\n".join(
    [
        b'{"id": "ok1", "review": "good"}',
        b'{"id": "x", "review": ',
        b'["a list"]',
        b'{"id": "no-review"}',
        b'{"id": "number", "review": 5}',
        b'{"id": "blank", "review": "   "}',
        b'{"id": {"nested": 1}, "review": "good"}',
        b'{"id": "bytes", "review": "caf\xe9"}',
        b'{"id": "unknown", "review": "nothing the model knows"}',
        b'{"id": "ok2", "review": "awful"}',
    ]
)


def test_malformed_lines_go_to_the_errors_file_and_the_run_goes_on(
    model: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(MALFORMED_JSONL)
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == ["ok1", "ok2"]
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    assert [error["line"] for error in errors] == [2, 3, 4, 5, 6, 7, 8, 9]
    reasons = [error["reason"] for error in errors]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1].startswith("expected a JSON object")
    assert reasons[2:6] == [
        'no "review" field',
        '"review" must be a string',
        "empty review",
        '"id" must be a string or an integer',
    ]
    assert reasons[6].startswith("not valid UTF-8")
    assert errors[7] == {"line": 9, "id": "unknown", "reason": "no_known_words: the review has no word the model knows"}
    summary = capsys.readouterr().err
    assert "scored 2 reviews" in summary and "8 malformed record(s)" in summary


def test_errors_go_where_asked_and_csv_rows_report_their_line(model: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b'id,review\na,good\nb,good,extra\nc,""\nd,"caf\xe9"\ne,awful\n')
    errors = tmp_path / "logs" / "bad.jsonl"
    assert score(model, source, "-o", tmp_path / "out.jsonl", "--errors", errors) == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == ["a", "e"]
    assert [(e["line"], e["reason"]) for e in read_jsonl(errors)] == [
        (3, "expected 2 fields, found 3"),
        (4, "empty review"),
        (5, "not valid UTF-8"),
    ]


def test_lines_over_the_size_limit_are_skipped_unread(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 64)
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good " * 40}, {"review": "awful"}])
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == [2]
    assert read_jsonl(tmp_path / "out.errors.jsonl") == [{"line": 1, "reason": "line longer than 64 bytes"}]

    table = tmp_path / "in.csv"
    table.write_text("id,review\na,good\nb," + "bad " * 40 + "\nc,awful\n", encoding="utf-8")
    assert score(model, table, "-o", tmp_path / "table.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "table.jsonl")] == ["a", "c"]
    assert read_jsonl(tmp_path / "table.errors.jsonl") == [{"line": 3, "reason": "line longer than 64 characters"}]


def test_strict_stops_at_the_first_malformed_line(model: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(MALFORMED_JSONL)
    assert score(model, source, "-o", tmp_path / "out.jsonl", "--strict") == 1
    assert "error: line 2: invalid JSON" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.jsonl"]  # no output, part or errors file


def test_strict_passes_clean_input(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": text} for text in REVIEWS])
    assert score(model, source, "-o", tmp_path / "out.jsonl", "--strict") == 0
    assert len(read_jsonl(tmp_path / "out.jsonl")) == len(REVIEWS)


def test_the_archive_s_own_inference_code_scores(tmp_path: Path) -> None:
    """Not the project's serving/inference.py: an archive whose transform_fn differs gives its answer."""
    patched = build_model(
        tmp_path / "patched",
        "\nimport json\n\n_original_transform_fn = transform_fn\n\n\n"
        "def transform_fn(model, body, content_type, accept):\n"
        "    response = _original_transform_fn(model, body, content_type, accept)\n"
        "    answer = json.loads(response.get_data())\n"
        "    for prediction in answer['predictions']:\n"
        "        prediction['score'] = 0.125\n"
        "    response.set_data(json.dumps(answer))\n"
        "    return response\n",
    )
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}])
    assert score(patched, source, "-o", tmp_path / "out.jsonl") == 0
    assert read_jsonl(tmp_path / "out.jsonl")[0]["score"] == 0.125


def test_an_archive_of_the_old_layout_scores(tmp_path: Path) -> None:
    """Archives trained before serving/ moved out of training/ ship code/training/serving/ and import it so."""
    vocabulary = Vocabulary(tuple(WEIGHTS), TokenizerSettings(ngram_max=1), model_version="tiny")
    metadata = {"intercept": INTERCEPT, "model_version": "tiny-model"}
    members = model_archive_members(vocabulary, np.array(list(WEIGHTS.values())), metadata)
    old = {"code/training/__init__.py": b""}
    for name, data in members.items():
        if name.startswith("code/serving/") or name == "code/inference.py":
            name = name.replace("code/serving/", "code/training/serving/")
            data = data.replace(b"from serving.", b"from training.serving.")
        old[name] = data
    assert not any(b"from serving." in data for data in old.values())
    write_tar_gz(tmp_path / "old.tar.gz", old)
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": text} for text in REVIEWS])
    assert score(tmp_path / "old.tar.gz", source, "-o", tmp_path / "out.jsonl") == 0
    scores = [row["score"] for row in read_jsonl(tmp_path / "out.jsonl")]
    assert scores == pytest.approx([expected_score(text) for text in REVIEWS], abs=1e-12)


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda t, m: [t / "missing.jsonl", "-o", t / "o.jsonl", "--model", m], "input not found"),
        (lambda t, m: [t / "in.jsonl", "-o", t / "o.jsonl", "--model", t / "none.tar.gz"], "model not found"),
        (lambda t, m: [t / "in.jsonl", "-o", t / "o.jsonl", "--model", t / "in.jsonl"], "cannot unpack"),
        (lambda t, m: [t / "in.jsonl", "-o", t, "--model", m], "is a folder"),
        (lambda t, m: [t / "in.jsonl", "-o", t / "in.jsonl", "--model", m], "is an input of this run"),
        (lambda t, m: [t / "in.txt", "-o", t / "o.jsonl", "--model", m], "cannot tell the format"),
        (lambda t, m: [t / "in.csv", "-o", t / "o.jsonl", "--model", m], "no 'review' column"),
        (lambda t, m: [t / "in.jsonl", "-o", t / "o.jsonl", "--model", m, "--format", "txt"], "needs a folder"),
        (lambda t, m: [t / "in.jsonl", "-o", t / "o.jsonl", "--model", m, "--workers", "0"], "at least 1"),
    ],
)
def test_bad_paths_and_options_exit_with_a_clear_message(model: Path, tmp_path: Path, make_args, message) -> None:
    write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}])
    (tmp_path / "in.txt").write_text("good")
    (tmp_path / "in.csv").write_text("id,text\n1,good\n")
    with pytest.raises(SystemExit) as exit_info:
        main([str(arg) for arg in make_args(tmp_path, model)] + ["--quiet"])
    assert message in str(exit_info.value)
    assert not any(path.name.startswith("o.") for path in tmp_path.iterdir())  # no output, part or errors file


def test_ordered_map_holds_a_bounded_number_of_tasks_in_flight() -> None:
    pulled = 0

    def jobs():
        nonlocal pulled
        for number in range(100):
            pulled += 1
            yield number, (-number,)

    results = ordered_map(abs, jobs(), workers=2, initializer=os.getpid, initargs=(), in_flight=4)
    first = next(results)
    assert first == (0, 0)
    assert pulled == 4  # the input is read only as far as the tasks in flight
    assert [first, *results] == [(number, number) for number in range(100)]


def test_requests_over_the_endpoint_s_body_limit_are_split_and_a_review_too_big_alone_is_an_error(
    tmp_path: Path,
) -> None:
    limited = build_model(tmp_path / "limited", "\nMAX_BODY_BYTES = 130\n")  # one 1-word vector, not two
    texts = ["good", "bad", "great", "good bad great awful film", "awful"]
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "review": text} for i, text in enumerate(texts)])
    assert score(limited, source, "-o", tmp_path / "out.jsonl") == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [row["id"] for row in rows] == [0, 1, 2, 4]
    assert [row["score"] for row in rows] == pytest.approx([expected_score(texts[i]) for i in (0, 1, 2, 4)], abs=1e-12)
    (error,) = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["line"] == 4 and error["reason"].startswith("review_too_long")


def test_without_model_the_archive_of_make_train_is_scored() -> None:
    """``python -m scoring in.jsonl -o out.jsonl`` (the README's examples) reads artifacts/ of this checkout."""
    from scoring.cli import build_parser
    from tests.conftest import ROOT

    args = build_parser().parse_args(["in.jsonl", "-o", "out.jsonl"])
    assert args.model == ROOT / "artifacts" / "model.tar.gz"
