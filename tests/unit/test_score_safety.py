"""``python -m scoring`` never writes over an input or a file it did not create, never loses a line
to an exception, and applies the API's limits; Batch Transform's mini-batches stay within the endpoint's
record cap. The inputs are the ones that once truncated an input, aborted a run or took seconds and
hundreds of MB, built small in ``tmp_path`` (the tiny hand-made model of test_score.py).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from unittest import mock

import pytest

from lambda_src.limits import MAX_NORMALIZED_CHARS, MAX_REVIEW_CHARS, MAX_REVIEW_WORDS
from scoring import cli, transform_job
from scoring.cli import main
from scoring.output_files import OutputError, publish
from scoring.readers import Malformed, Review
from serving.limits import MAX_JSON_LINES
from tests.unit.test_score import build_model, expected_score, read_jsonl, score, write_jsonl


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_model(tmp_path_factory.mktemp("tiny-model"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (symbolic links as their target's name) with its bytes."""
    return {
        str(path.relative_to(folder)): os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() or path.is_symlink()
    }


def refused(model: Path, *args: str | Path) -> str:
    with pytest.raises(SystemExit) as exit_info:
        score(model, *args)
    return str(exit_info.value)


# --- outputs: checked before anything is opened -------------------------------------------------------------


def test_an_input_named_like_the_default_errors_file_is_refused_untouched(model: Path, tmp_path: Path) -> None:
    """The report: `score big.errors.jsonl -o big.jsonl` truncated its own input to 0 bytes and exited 0."""
    source = write_jsonl(tmp_path / "big.errors.jsonl", [{"id": i, "review": "good film"} for i in range(300)])
    before = snapshot(tmp_path)
    message = refused(model, source, "-o", tmp_path / "big.jsonl")
    assert "the errors file" in message and "is an input of this run" in message
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("link", ["symbolic", "hard"])
@pytest.mark.parametrize("option", ["-o", "--errors"])
def test_a_link_to_the_input_is_refused_even_with_overwrite(model: Path, tmp_path: Path, link: str, option) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}])
    alias = tmp_path / "alias.jsonl"
    (alias.symlink_to if link == "symbolic" else alias.hardlink_to)(source)
    before = snapshot(tmp_path)
    other = ["--errors", tmp_path / "e.jsonl"] if option == "-o" else ["-o", tmp_path / "out.jsonl"]
    message = refused(model, source, option, alias, *other, "--overwrite")
    assert "is an input of this run" in message
    assert snapshot(tmp_path) == before


def test_the_model_archive_and_files_inside_an_input_folder_are_inputs(model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "1.txt").write_text("good")
    assert "inside the input folder" in refused(model, folder, "-o", folder / "scores.jsonl")
    model_copy = tmp_path / "model.tar.gz"
    model_copy.write_bytes(model.read_bytes())
    message = refused(model_copy, folder, "-o", tmp_path / "out.jsonl", "--errors", model_copy, "--overwrite")
    assert "--errors" in message and "is an input of this run" in message
    assert model_copy.read_bytes() == model.read_bytes()


def test_the_two_outputs_must_be_two_files(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}])
    message = refused(model, source, "-o", tmp_path / "out.jsonl", "--errors", tmp_path / "x" / ".." / "out.jsonl")
    assert "is the same file as --output" in message
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.jsonl"]


def test_an_existing_file_is_replaced_only_with_overwrite(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "new", "review": "good"}])
    (tmp_path / "out.jsonl").write_text("someone's notes\n")
    before = snapshot(tmp_path)
    assert "already exists: pass --overwrite" in refused(model, source, "-o", tmp_path / "out.jsonl")
    assert snapshot(tmp_path) == before  # nor was the (absent) errors file created
    (tmp_path / "out.jsonl").unlink()
    (tmp_path / "out.errors.jsonl").write_text("kept\n")
    assert "the errors file" in refused(model, source, "-o", tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()
    assert score(model, source, "-o", tmp_path / "out.jsonl", "--overwrite") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == ["new"]
    assert read_jsonl(tmp_path / "out.errors.jsonl") == []


def test_anything_but_a_regular_file_is_refused_even_with_overwrite(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}])
    os.mkfifo(tmp_path / "pipe")
    assert "is not a regular file" in refused(model, source, "-o", tmp_path / "pipe", "--overwrite")
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)


def test_overwrite_through_a_symbolic_link_replaces_its_target_and_keeps_the_link(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "review": "good"}])
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "scores.jsonl").write_text("old\n")
    (tmp_path / "latest.jsonl").symlink_to(tmp_path / "runs" / "scores.jsonl")
    assert score(model, source, "-o", tmp_path / "latest.jsonl", "--errors", tmp_path / "e.jsonl", "--overwrite") == 0
    assert (tmp_path / "latest.jsonl").is_symlink()
    assert [row["id"] for row in read_jsonl(tmp_path / "runs" / "scores.jsonl")] == [1]


def test_new_files_get_the_usual_permissions(model: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}])
    umask = os.umask(0o022)
    try:
        assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "out.jsonl").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "out.errors.jsonl").stat().st_mode) == 0o644


def test_a_file_that_appears_during_the_run_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "done.part").write_text("new\n")
    (tmp_path / "out.jsonl").write_text("appeared meanwhile\n")
    with pytest.raises(OutputError, match="appeared while the run went on"):
        publish(tmp_path / "done.part", tmp_path / "out.jsonl", overwrite=False)
    assert (tmp_path / "out.jsonl").read_text() == "appeared meanwhile\n"


@pytest.mark.parametrize("stop", [KeyboardInterrupt, MemoryError])
def test_a_failed_run_leaves_the_previous_files_untouched(model: Path, tmp_path: Path, stop: type) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "review": "good"} for i in range(10)])
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    before = snapshot(tmp_path)

    def stops_midway(records, model_dir, scores, errors, *rest):
        for record in records:
            scores.write({"id": record.id, "label": "positive", "score": 1.0})
            if record.id == 5:
                errors.write(Malformed(record.line, "a reason"))
                raise stop

    with mock.patch.object(cli, "score_records", stops_midway), pytest.raises(stop):
        score(model, source, "-o", tmp_path / "out.jsonl", "--overwrite")
    assert snapshot(tmp_path) == before  # the same two files, the same bytes, no temporary file left


def test_strict_stops_without_touching_the_previous_output(model: Path, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [{"review": "good"}])
    assert score(model, good, "-o", tmp_path / "out.jsonl", "--strict") == 0
    before = snapshot(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"review": "good"}\n' + "[" * 100_000 + "\n")
    assert score(model, bad, "-o", tmp_path / "out.jsonl", "--strict", "--overwrite") == 1
    assert {name: data for name, data in snapshot(tmp_path).items() if name != "bad.jsonl"} == before


# --- every bad line goes to the errors file; the run goes on ----------------------------------------------------


def test_lines_that_raised_go_to_the_errors_file_with_their_line_and_the_run_goes_on(model: Path, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    lines = [
        '{"id": "a", "review": "good"}',
        "[" * 100_000,  # RecursionError in json
        '{"id": ' + "7" * 5_000 + ', "review": "good"}',  # ValueError: int max str digits
        '{"id": "b", "review": "bad", "review": "good"}',  # which one? refused, not guessed
        '{"id": "\\ud800", "review": "great"}',  # a lone surrogate: has no UTF-8 form
        '{"id": "c", "review": "awful"}',
    ]
    source.write_text("\n".join(lines) + "\n")
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == ["a", "\ud800", "c"]
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    assert [(error["line"], error["reason"]) for error in errors] == [
        (2, "invalid JSON: nested too deeply"),
        (3, "invalid JSON: an integer has more than 100 digits"),
        (4, "invalid JSON: duplicate key 'review'"),
    ]


def test_an_exception_nobody_foresaw_is_the_records_reason(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scoring import readers

    def explodes(raw: bytes, number: int, size: int):
        if b"boom" in raw:
            raise MemoryError("boom")
        return original(raw, number, size)

    original = readers._parse_json_line
    monkeypatch.setattr(readers, "_parse_json_line", explodes)
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}, {"review": "boom"}, {"review": "bad"}])
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == [1, 3]
    assert read_jsonl(tmp_path / "out.errors.jsonl") == [{"line": 2, "reason": "cannot be read: MemoryError: 'boom'"}]


def test_reviews_the_model_code_refuses_are_found_and_the_rest_of_the_batch_is_scored(tmp_path: Path) -> None:
    fussy = build_model(
        tmp_path / "fussy",
        "\n_original_transform_fn = transform_fn\n\n\ndef transform_fn(model, body, content_type, accept):\n"
        "    if b'[3]' in (body if isinstance(body, bytes) else body.encode()):  # the vector of 'awful' alone\n"
        "        raise RecursionError('this one')\n"
        "    return _original_transform_fn(model, body, content_type, accept)\n",
    )
    texts = ["good", "awful", "bad film", "awful", "great"]
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "review": text} for i, text in enumerate(texts)])
    assert score(fussy, source, "-o", tmp_path / "out.jsonl") == 0
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [row["id"] for row in rows] == [0, 2, 4]
    assert [row["score"] for row in rows] == pytest.approx([expected_score(texts[i]) for i in (0, 2, 4)], abs=1e-12)
    reason = "refused by the model's inference code: RecursionError: 'this one'"
    assert read_jsonl(tmp_path / "out.errors.jsonl") == [
        {"line": 2, "id": 1, "reason": reason},
        {"line": 4, "id": 3, "reason": reason},
    ]


@pytest.mark.parametrize(
    ("review", "reason"),
    [
        ("g" * (MAX_REVIEW_CHARS + 1), f"review_too_long: {MAX_REVIEW_CHARS + 1} characters; the limit is 20000"),
        (
            "\ufdfa" * (MAX_NORMALIZED_CHARS // 18 + 1),  # 1,112 characters, 20,016 once normalised
            "review_too_long: 20016 characters once Unicode-normalised; the limit is 20000",
        ),
        ("! " * (MAX_REVIEW_WORDS + 1), f"review_too_long: {MAX_REVIEW_WORDS + 1} words; the limit is 5000"),
    ],
    ids=["characters", "normalised characters", "words"],
)
def test_the_apis_limits_apply_before_tokenising(model: Path, tmp_path: Path, review: str, reason: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "good"}, {"id": "long", "review": review}])
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 0
    assert [row["id"] for row in read_jsonl(tmp_path / "out.jsonl")] == [1]
    assert read_jsonl(tmp_path / "out.errors.jsonl") == [{"line": 2, "id": "long", "reason": reason}]


def test_a_long_line_of_an_expanding_character_is_refused_before_it_is_normalised(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report: a 1 MB line of U+FDFA took 2.5 s and 618 MB. Its length alone refuses it now."""
    import lambda_src.limits

    normalised: list[int] = []
    bound = lambda_src.limits.normalized_length_bound
    monkeypatch.setattr(lambda_src.limits, "normalized_length_bound", lambda text: normalised.append(1) or bound(text))
    source = tmp_path / "in.jsonl"
    source.write_text('{"review": "' + "\ufdfa" * 300_000 + '"}\n', encoding="utf-8")  # 900 kB
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 1  # nothing scored
    (error,) = read_jsonl(tmp_path / "out.errors.jsonl")
    assert error["reason"] == "review_too_long: 300000 characters; the limit is 20000" and normalised == []


# --- exit status -------------------------------------------------------------------------------------------------


def test_nothing_scored_exits_1_with_the_reasons_written(model: Path, tmp_path: Path, capsys) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"review": "nothing known"}, {"text": "good"}])
    assert score(model, source, "-o", tmp_path / "out.jsonl") == 1
    assert read_jsonl(tmp_path / "out.jsonl") == [] and len(read_jsonl(tmp_path / "out.errors.jsonl")) == 2
    assert "error: no record could be scored" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert score(model, empty, "-o", tmp_path / "none.jsonl") == 1


# --- Batch Transform: mini-batches within the endpoint's record cap -------------------------------------------


def mini_batches(body: bytes, payload_bytes: int) -> list[list[bytes]]:
    """MultiRecord as SageMaker (and scripts/local_aws' transform runner) packs lines: greedily, up to the payload."""
    batches: list[list[bytes]] = [[]]
    size = -1
    for record in (line for line in body.split(b"\n") if line.strip()):
        if batches[-1] and size + 1 + len(record) > payload_bytes:
            batches.append([])
            size = -1
        batches[-1].append(record)
        size += 1 + len(record)
    return batches


def test_uploaded_records_are_padded_so_a_mini_batch_holds_at_most_the_endpoints_cap(tmp_path: Path) -> None:
    reviews = [Review(i, "ok", i + 1, size=1) for i in range(MAX_JSON_LINES + 500)]
    uploaded: dict[str, bytes] = {}
    s3 = mock.Mock(upload_file=lambda path, bucket, key: uploaded.setdefault(key, Path(path).read_bytes()))
    settings = transform_job.JobSettings("m", "s3://bkt/in/", "s3://bkt/out/", "job", max_payload_mb=1)
    count = transform_job.upload_parts(s3, reviews, settings, 1, len(reviews), False, print, mock.Mock(), tmp_path)
    (body,) = uploaded.values()
    assert count == len(reviews)
    unpadded = b"".join(json.dumps({"id": r.id, "review": r.text}).encode() + b"\n" for r in reviews)
    assert len(mini_batches(unpadded, 1024 * 1024)[0]) > MAX_JSON_LINES  # what the cap would have refused
    batches = mini_batches(body, 1024 * 1024)
    assert max(len(batch) for batch in batches) <= MAX_JSON_LINES
    assert [json.loads(record)["id"] for batch in batches for record in batch] == [r.id for r in reviews]


def test_remote_refuses_to_download_over_its_input_before_anything_is_sent(tmp_path: Path) -> None:
    reviews = write_jsonl(tmp_path / "reviews.jsonl", [{"review": "good"}])
    prefixes = ["--model-name", "m", "--input-prefix", "s3://bkt/in/", "--output-prefix", "s3://bkt/out/"]
    with (
        mock.patch("scoring.remote._clients", side_effect=AssertionError("sent")),
        pytest.raises(SystemExit) as e,
    ):
        main(["--remote", str(reviews), *prefixes, "--download", str(tmp_path / "reviews.jsonl"), "--overwrite"])
    assert "--download" in str(e.value) and "is an input of this run" in str(e.value)
