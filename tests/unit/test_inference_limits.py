"""inference.py refuses malformed or oversized input with a 4xx before doing work proportional to it.

Runs the real entry point on a tiny real model (tests/conftest.py ``build_tiny_model``), so it is fast.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_inference, transform


@pytest.fixture(scope="module")
def inference(tiny_model_dir: Path) -> ModuleType:
    return load_inference(tiny_model_dir)


@pytest.fixture(scope="module")
def model(inference: ModuleType, tiny_model_dir: Path):
    return inference.model_fn(str(tiny_model_dir))


def instance_json(count: int, tail: str = "]}", version: str = "v") -> str:
    head = '{"vocabulary_version": "' + version + '", "instances": ['
    return head + ",".join(['{"indices": [0], "values": [1]}'] * count) + tail


def csv_rows(count: int, width: int = 3) -> str:
    return "\n".join([",".join(["0"] * width)] * count)


BAD_INPUT = [
    # (case, body, content type, status, message)
    ("duplicate key", '{"instances": [], "instances": []}', "application/json", 400, "duplicate key 'instances'"),
    ("duplicate key in an instance", instance_json(0, '{"indices": [0], "indices": [1], "values": [1]}]}'),
     "application/json", 400, "duplicate key"),
    ("NaN value", instance_json(0, '{"indices": [0], "values": [NaN]}]}'), "application/json", 400, "NaN"),
    ("Infinity", instance_json(0, '{"indices": [0], "values": [Infinity]}]}'), "application/json", 400,
     "Infinity"),
    ("1e400", instance_json(0, '{"indices": [0], "values": [1e400]}]}'), "application/json", 400, "out of range"),
    ("10**400", instance_json(0, '{"indices": [1' + "0" * 400 + '], "values": [1]}]}'), "application/json", 400,
     "digits"),
    ("5,000-digit integer", instance_json(0, '{"indices": [' + "9" * 5000 + '], "values": [1]}]}'),
     "application/json", 400, "digits"),
    ("deep nesting", "[" * 50_000, "application/json", 400, "nested too deeply"),
    ("257 instances", instance_json(257), "application/json", 413, "too many instances"),
    ("257 instances, cut off by the cap", instance_json(300, ", this is not JSON"), "application/json", 413,
     "too many instances"),
    ("257 non-object instances", '{"vocabulary_version": "v", "instances": [' + ",".join(["1"] * 257) + "]}",
     "application/json", 413, "too many instances"),
    ("body over 6 MiB", " " * (6 * 1024 * 1024) + "{}", "application/json", 413, "body too large"),
    ("257 CSV rows", csv_rows(257), "text/csv", 413, "too many rows"),
    ("CSV cut off by the cap", csv_rows(300) + "\nnot,a,number", "text/csv", 413, "too many rows"),
    ("CSV ragged rows", "0,1,0\n0,1", "text/csv", 400, "line 2 has 2 values, the first row has 3"),
    ("CSV NaN", "0,nan,1", "text/csv", 400, "finite"),
    ("CSV 1e400", "0,1e400,1", "text/csv", 400, "finite"),
    ("CSV text", "0,good,1", "text/csv", 400, "values must be numbers"),
    ("CSV too wide", ",".join(["0"] * 1_000_001), "text/csv", 413, "the limit is 1000000"),
    ("text too long", "good " * 4_001, "text/plain", 413, "review too long"),
    ("text that expands", "\ufdfa" * 13_900, "text/plain", 413, "once normalised"),
    ("entities that expand", "&#xFDFA;" * 2_000, "text/plain", 413, "once normalised"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "body", "content_type", "status", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_is_a_4xx_with_a_clear_message(inference, model, case, body, content_type, status, message):
    for data in (body, body.encode("utf-8")):  # the container passes JSON and CSV as text, others as bytes
        answer = transform(inference, model, data, content_type)
        assert (answer.status, answer.content_type) == (status, "application/json")
        assert message in answer.json()["error"]


@pytest.mark.parametrize(
    ("content_type", "accept"), [("x" * 300_000, "application/json"), ("text/plain", "y" * 300_000)]
)
def test_a_huge_content_or_accept_type_is_quoted_short(inference, model, content_type, accept):
    error = transform(inference, model, b"good film", content_type, accept).json()["error"]
    assert len(error) < 200 and "300000 characters" in error


def test_limits_are_the_lambdas(inference):
    from lambda_src import limits

    assert inference.MAX_TEXT_CHARS == limits.MAX_REVIEW_CHARS
    assert inference.MAX_NORMALIZED_CHARS == limits.MAX_NORMALIZED_CHARS
    assert inference.MAX_TEXT_WORDS == limits.MAX_REVIEW_WORDS


def test_a_text_with_too_many_words_is_a_413_before_its_ngrams(inference, model):
    answer = transform(inference, model, ("! " * (inference.MAX_TEXT_WORDS + 1)).encode(), "text/plain")
    assert answer.status == 413 and "5001 words; the limit is 5000" in answer.json()["error"]


def test_valid_input_at_the_limits_is_answered(inference, model):
    n = len(model.vocabulary)
    csv = "\n".join([",".join(["1"] * n)] * inference.MAX_INSTANCES)
    out = transform(inference, model, csv, "text/csv").json()
    assert len(out["predictions"]) == inference.MAX_INSTANCES
    sparse = instance_json(inference.MAX_INSTANCES, version=model.vocabulary.version)
    assert len(transform(inference, model, sparse, "application/json").json()["predictions"]) == 256
    text = "wonderful " + "\ufdfa" * ((inference.MAX_NORMALIZED_CHARS - 10) // 18)
    assert transform(inference, model, text.encode(), "text/plain").json()["predictions"]
