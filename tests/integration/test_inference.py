"""inference.py from an extracted model.tar.gz: model_fn and transform_fn, every content type, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import load_inference, transform

pytestmark = pytest.mark.integration

POSITIVE = "A wonderful, moving film. The acting is superb and I loved every minute. Highly recommended, 10/10."
NEGATIVE = "Awful. The plot is boring, the acting is terrible and it is a complete waste of time. 1/10."


@pytest.fixture(scope="module")
def inference(quick_model_dir: Path) -> ModuleType:
    return load_inference(quick_model_dir)


@pytest.fixture(scope="module")
def model(inference: ModuleType, quick_model_dir: Path):
    return inference.model_fn(str(quick_model_dir))


def predict(inference: ModuleType, model, body, content_type: str, accept: str = "application/json") -> dict:
    answer = transform(inference, model, body, content_type, accept)
    assert answer.status == 200, answer.body
    return answer.json()


def refused(inference: ModuleType, model, body, content_type: str, accept: str = "application/json") -> tuple:
    """(status, error message) of a request the endpoint refuses, always with a JSON body."""
    answer = transform(inference, model, body, content_type, accept)
    assert answer.content_type == "application/json" and set(answer.json()) == {"error"}
    return answer.status, answer.json()["error"]


def sparse_body(model, *texts: str, version: str | None = None, explain: bool = False) -> bytes:
    instances = [model.vocabulary.vectorize(t).to_json() for t in texts]
    version = model.vocabulary.version if version is None else version
    return json.dumps({"instances": instances, "vocabulary_version": version, "explain": explain}).encode()


def test_sparse_json_gives_real_sentiment(inference, model) -> None:
    out = predict(inference, model, sparse_body(model, POSITIVE, NEGATIVE), "application/json")
    labels = [p["label"] for p in out["predictions"]]
    assert labels == ["positive", "negative"]
    assert out["predictions"][0]["score"] > 0.5 > out["predictions"][1]["score"]
    assert out["model_version"] == model.model_version
    assert out["vocabulary_version"] == model.vocabulary.version


def test_text_plain_and_sparse_json_agree(inference, model) -> None:
    text = predict(inference, model, POSITIVE.encode(), "text/plain; charset=utf-8")
    vector = predict(inference, model, sparse_body(model, POSITIVE), "application/json")
    assert text["predictions"][0]["score"] == pytest.approx(vector["predictions"][0]["score"], abs=1e-12)


def test_text_instances_are_tokenised_with_this_models_vocabulary(inference, model) -> None:
    """The Lambda's fallback during a vocabulary change: a batch of raw texts, with explanations, scored
    exactly as the vectors this model's vocabulary gives; each says how many of its terms the model knows."""
    texts = [POSITIVE, NEGATIVE, "zzqx qqzx"]
    body = json.dumps({"instances": [{"text": t} for t in texts], "explain": True}).encode()
    out = predict(inference, model, body, "application/json")
    vector = predict(inference, model, sparse_body(model, POSITIVE, NEGATIVE, explain=True), "application/json")
    assert out["vocabulary_version"] == model.vocabulary.version
    for from_text, from_vector in zip(out["predictions"], vector["predictions"], strict=False):
        assert from_text["score"] == from_vector["score"]
        assert from_text["explanation"] == from_vector["explanation"]
    assert [p["known_terms"] for p in out["predictions"]] == [len(model.vocabulary.vectorize(t).indices) for t in texts]
    assert out["predictions"][2]["known_terms"] == 0
    assert "known_terms" not in vector["predictions"][0]


def test_csv_dense_rows_agree_with_sparse(inference, model) -> None:
    vector = model.vocabulary.vectorize(NEGATIVE)
    dense = [0.0] * len(model.vocabulary)
    for i, v in zip(vector.indices, vector.values, strict=True):
        dense[i] = v
    csv = (",".join(f"{v:g}" for v in dense) + "\n").encode()
    out = predict(inference, model, csv, "text/csv")
    sparse_out = predict(inference, model, sparse_body(model, NEGATIVE), "application/json")
    assert out["predictions"][0]["score"] == pytest.approx(sparse_out["predictions"][0]["score"], abs=1e-12)


def test_explain_lists_terms_of_the_review_each_way(inference, model) -> None:
    out = predict(inference, model, sparse_body(model, NEGATIVE, explain=True), "application/json")
    explanation = out["predictions"][0]["explanation"]
    assert explanation["negative"], "a clearly negative review has negative terms"
    assert all(e["weight"] < 0 for e in explanation["negative"])
    assert all(e["weight"] > 0 for e in explanation["positive"])
    review_terms = set(model.vocabulary.terms[i] for i in model.vocabulary.vectorize(NEGATIVE).indices)
    assert {e["term"] for e in explanation["negative"] + explanation["positive"]} <= review_terms
    weights = [e["weight"] for e in explanation["negative"]]
    assert weights == sorted(weights)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (b"{}", "application/xml", 415, "unsupported content type"),
        (b"{not json", "application/json", 400, "invalid JSON"),
        (b'{"instances": []}', "application/json", 400, "empty input"),
        (b'{"instances": [{"indices": [1], "values": [1]}]}', "application/json", 400, "vocabulary_"),
        (b"\xff\xfe", "text/plain", 400, "UTF-8"),
        (b"   ", "text/plain", 400, "empty input"),
        (b"", "text/csv", 400, "empty input"),
        (b'{"instances": [{"text": "  "}]}', "application/json", 400, "instance 0 has an empty text"),
        (b'{"instances": [{"text": 3}]}', "application/json", 400, "a text instance is"),
        (b'{"instances": [{"text": "a", "indices": []}]}', "application/json", 400, "a text instance is"),
        (b"1,x,3", "text/csv", 400, "CSV line 1"),
        (
            b'{"instances": [{"indices": [3, 2], "values": [1, 1]}], "vocabulary_version": "v"}',
            "application/json", 400, "strictly increasing",
        ),
        (
            b'{"instances": [{"indices": [1], "values": [1, 2]}], "vocabulary_version": "v"}',
            "application/json", 400, "1 indices but 2 values",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_its_status(inference, model, body: bytes, content_type: str, status: int,
                                              message: str) -> None:  # fmt: skip
    answer_status, error = refused(inference, model, body, content_type)
    assert answer_status == status and message in error


def test_model_mismatches_are_refused(inference, model) -> None:
    n = len(model.vocabulary)
    status, error = refused(
        inference, model, sparse_body(model, POSITIVE, version="0123456789abcdef"), "application/json"
    )
    assert status == 409 and error.startswith("vocabulary_mismatch:")
    out_of_range = json.dumps(
        {"instances": [{"indices": [n], "values": [1]}], "vocabulary_version": model.vocabulary.version}
    )
    assert refused(inference, model, out_of_range, "application/json")[0] == 400
    assert "out of range" in refused(inference, model, out_of_range, "application/json")[1]
    assert refused(inference, model, b"1,0,1", "text/csv") == (400, f"CSV row 1 has 3 values, the model expects {n}")


def test_other_accept_types_are_refused(inference, model) -> None:
    status, error = refused(inference, model, POSITIVE, "text/plain", "text/csv")
    assert status == 406 and error.startswith("unsupported accept type")
