"""Lone surrogates in texts the endpoint tokenises: read as the Lambda's tokeniser reads them, never a 500.

A caller may write ``\\ud800`` in a JSON review; UTF-8 has no spelling for it, so the Lambda's text route
passes it on as the same escape. The endpoint must score such a text exactly as the vector route would
have: the tokeniser takes a lone surrogate for a separator, like punctuation. A text/plain body is bytes,
which cannot hold one (the Lambda's text/plain is refused as ``invalid_utf8`` the same way).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import load_inference

# (review as written in JSON, the review it reads as)
CASES = [
    ("great film \\ud800", "great film"),
    ("wonderful\\udc00film", "wonderful film"),
    ("\\ud800awful\\udfff, boring", "awful boring"),
    ("\\udfff", "--"),  # no word at all: known_terms 0, which the Lambda refuses as no_known_words
]


@pytest.fixture(scope="module")
def inference(tiny_model_dir: Path) -> ModuleType:
    return load_inference(tiny_model_dir)


@pytest.fixture(scope="module")
def model(inference: ModuleType, tiny_model_dir: Path):
    return inference.model_fn(str(tiny_model_dir))


def answer(inference: ModuleType, model: Any, body: str | bytes, content_type: str) -> dict[str, Any]:
    """The whole round trip through ``transform_fn``: a 200 whose bytes are UTF-8 JSON."""
    response = inference.transform_fn(model, body, content_type, "application/json")
    assert response.status_code == 200, response.get_data()
    return json.loads(response.get_data().decode("utf-8"))


def text_body(review_json: str) -> str:
    return '{"instances":[{"text":"' + review_json + '"}],"explain":true}'


@pytest.mark.parametrize(("escaped", "reads_as"), CASES)
def test_a_text_instance_with_lone_surrogates_scores_as_the_tokeniser_reads_it(inference, model, escaped, reads_as):
    expected = answer(inference, model, text_body(reads_as), "application/json")
    for body in (text_body(escaped), text_body(escaped).encode("ascii")):  # the container may pass either
        assert answer(inference, model, body, "application/json")["predictions"] == expected["predictions"]


@pytest.mark.parametrize(("escaped", "reads_as"), CASES[:3])
def test_a_json_lines_review_with_lone_surrogates_scores_as_the_tokeniser_reads_it(
    inference, model, escaped, reads_as
) -> None:
    body = f'{{"id": "\\ud800", "review": "{escaped}"}}\n{{"id": 2, "review": "{reads_as}"}}'
    first, second = answer(inference, model, body.encode("ascii"), "application/jsonlines")["predictions"]
    assert first == {**second, "id": "\ud800"}


def test_text_plain_cannot_carry_a_lone_surrogate(inference, model) -> None:
    cesu = "great film \ud800".encode("utf-8", "surrogatepass")  # what a client's surrogatepass encoder sends
    refused = inference.transform_fn(model, cesu, "text/plain", "application/json")
    assert refused.status_code == 400 and "not valid UTF-8" in json.loads(refused.get_data())["error"]
    as_text = answer(inference, model, "great film \ud800", "text/plain")  # had a server decoded it already
    assert as_text["predictions"] == answer(inference, model, b"great film", "text/plain")["predictions"]
