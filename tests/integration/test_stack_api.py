"""The deployed system answers over HTTP like the product: real predictions, every bad input its 4xx, CORS.

Every request goes the whole way: HTTP -> LocalStack's API Gateway (the REST API Terraform created) ->
LocalStack's Lambda service -> our handler in a local execution environment -> sagemaker-runtime
InvokeEndpoint -> the model server started from the model.tar.gz that Terraform uploaded to S3.
"""

from __future__ import annotations

import json
import random
import tarfile
from pathlib import Path

import pytest
import requests

from lambda_src.tokenizer import words
from serving import inference

pytestmark = pytest.mark.integration

SAMPLE_SEED = 0
SAMPLE_PER_CLASS = 100
BATCH = 25  # the handler's documented maximum batch
ALLOWED_ORIGIN = "http://localhost:8000"  # in the root's default allowed_origins
JSON = {"Content-Type": "application/json"}


def post(url: str, body: bytes | str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url, data=body, headers=headers if headers is not None else JSON, timeout=30)


@pytest.fixture(scope="module")
def test_sample(imdb_folder: Path) -> list[tuple[str, int]]:
    """200 reviews of the official test split, 100 per class, drawn with a fixed seed: (text, 1 if positive)."""
    rng = random.Random(SAMPLE_SEED)
    sample = []
    for label, sub in ((0, "neg"), (1, "pos")):
        files = sorted((imdb_folder / "test" / sub).glob("*.txt"))
        sample += [(path.read_text(encoding="utf-8"), label) for path in rng.sample(files, SAMPLE_PER_CLASS)]
    return sample


@pytest.fixture(scope="module")
def local_model(local_stack, tmp_path_factory: pytest.TempPathFactory):
    """The deployed model.tar.gz loaded in this process with its own inference code."""
    model_dir = tmp_path_factory.mktemp("deployed-model")
    with tarfile.open(local_stack.artifacts / "model.tar.gz") as archive:
        archive.extractall(model_dir, filter="data")
    return inference.model_fn(str(model_dir))


def expected_score(model, text: str) -> float:
    response = inference.transform_fn(model, text, "text/plain", "application/json")
    return json.loads(response.get_data())["predictions"][0]["score"]


def test_fixed_test_sample_matches_the_model_and_its_accuracy(local_stack, test_sample, local_model) -> None:
    """Every answer through the full path equals the model's own, and the sample's accuracy is the model's.

    With 200 reviews the sampling error of an accuracy is about 2 points, so the 1-point agreement with
    metrics.json holds for this fixed sample rather than for any sample; the exact per-review agreement is
    what proves the deployed path serves this model unchanged.
    """
    results = []
    for start in range(0, len(test_sample), BATCH):
        chunk = test_sample[start : start + BATCH]
        response = post(local_stack.predict_url, json.dumps({"reviews": [text for text, _ in chunk]}))
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["results"]) == len(chunk)
        results += body["results"]

    for (text, _), result in zip(test_sample, results, strict=True):
        assert result["score"] == pytest.approx(expected_score(local_model, text), abs=1e-9)
        assert result["label"] == ("positive" if result["score"] >= 0.5 else "negative")
    correct = sum((r["label"] == "positive") == bool(label) for (_, label), r in zip(test_sample, results, strict=True))
    accuracy = correct / len(results)
    assert abs(accuracy - local_stack.metrics["accuracy"]) <= 0.01


def test_single_review_as_json_and_as_text(local_stack) -> None:
    review = "A moving, beautifully acted film; the best I have seen this year."
    as_json = post(local_stack.predict_url, json.dumps({"review": review}))
    as_text = post(local_stack.predict_url, review, {"Content-Type": "text/plain; charset=utf-8"})
    assert as_json.status_code == as_text.status_code == 200
    assert as_json.json()["label"] == "positive"
    assert as_json.json()["score"] == pytest.approx(as_text.json()["score"])
    assert as_json.json()["model_version"] == local_stack.metrics["model_version"]


def test_batch_with_explanations(local_stack) -> None:
    reviews = ["Dull, predictable and far too long. A waste of time.", "Wonderful performances and a clever script."]
    response = post(local_stack.predict_url, json.dumps({"reviews": reviews, "explain": True}))
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["label"] for r in results] == ["negative", "positive"]
    for review, result, sign in zip(reviews, results, ("negative", "positive"), strict=True):
        terms = result["explanation"][sign]
        assert terms, f"no {sign} evidence explained"
        assert all((t["weight"] > 0) == (sign == "positive") for t in terms)
        assert all(set(t["term"].split()) <= set(words(review)) for t in terms)


def test_explain_is_absent_unless_asked(local_stack) -> None:
    response = post(local_stack.predict_url, json.dumps({"review": "great fun"}))
    assert response.status_code == 200
    assert "explanation" not in response.json()


TEXT = {"Content-Type": "text/plain"}
BAD_INPUTS = [
    # (case, content type header, body, status, error code)
    ("missing content type", {}, b'{"review": "good"}', 415, "missing_content_type"),
    ("unsupported media type", {"Content-Type": "application/xml"}, b"<review/>", 415, "unsupported_media_type"),
    ("not UTF-8 charset", {"Content-Type": "text/plain; charset=latin-1"}, b"good", 415, "unsupported_charset"),
    ("invalid JSON", JSON, b"{bad", 400, "invalid_json"),
    ("JSON not an object", JSON, b"[1, 2]", 400, "invalid_json_object"),
    ("invalid UTF-8", TEXT, b"\xff\xfe not utf-8 \xc3", 400, "invalid_utf8"),
    ("empty body", JSON, b"", 400, "empty_body"),
    ("missing field", JSON, b'{"text": "good"}', 400, "missing_field"),
    ("unknown field", JSON, b'{"review": "good", "extra": 1}', 400, "unknown_field"),
    ("both fields", JSON, b'{"review": "good", "reviews": ["bad"]}', 400, "conflicting_fields"),
    ("non-string review", JSON, b'{"review": 5}', 400, "invalid_field_type"),
    ("non-list reviews", JSON, b'{"reviews": "good"}', 400, "invalid_field_type"),
    ("non-boolean explain", JSON, b'{"review": "good", "explain": "yes"}', 400, "invalid_field_type"),
    ("empty review", JSON, b'{"review": ""}', 422, "empty_review"),
    ("whitespace review", JSON, b'{"review": " \\n\\t "}', 422, "empty_review"),
    ("empty batch", JSON, b'{"reviews": []}', 422, "empty_batch"),
    ("no known words", JSON, b'{"review": "zzqx qqzv vvxq"}', 422, "no_known_words"),
    ("review too long", JSON, json.dumps({"review": "a" * 20_001}).encode(), 413, "review_too_long"),
    ("batch too large", JSON, json.dumps({"reviews": ["good"] * 26}).encode(), 413, "batch_too_large"),
    ("body too large", TEXT, b"good " * 220_000, 413, "body_too_large"),
]


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"), [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_gets_its_status_through_the_full_path(local_stack, headers, body, status, code) -> None:
    response = post(local_stack.predict_url, body, headers)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"] == code
    assert response.json()["message"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_are_refused_by_the_api(local_stack, method: str) -> None:
    """Only POST and OPTIONS exist on /predict: API Gateway refuses the rest before the Lambda runs."""
    response = requests.request(method, local_stack.predict_url, data=b'{"review": "good"}', headers=JSON, timeout=30)
    assert response.status_code == 403
    assert response.json()


def preflight(url: str, origin: str) -> requests.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    return requests.options(url, headers=headers, timeout=30)


def test_preflight_from_an_allowed_origin_is_granted(local_stack) -> None:
    response = preflight(local_stack.predict_url, ALLOWED_ORIGIN)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_preflight_from_another_origin_gets_no_grant(local_stack) -> None:
    response = preflight(local_stack.predict_url, "https://attacker.example")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_post_carries_the_cors_grant_only_for_allowed_origins(local_stack) -> None:
    allowed = post(local_stack.predict_url, "great film", {"Content-Type": "text/plain", "Origin": ALLOWED_ORIGIN})
    other = post(
        local_stack.predict_url, "great film", {"Content-Type": "text/plain", "Origin": "https://attacker.example"}
    )
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert "Access-Control-Allow-Origin" not in other.headers
