"""While the Lambda and the endpoint carry different vocabularies, every answer is the serving model's own.

The endpoint here is the real ``serving/inference.py`` serving a tiny real model in this process; a
refusal reaches the handler as the ``ModelError`` sagemaker-runtime raises, through the handler's own
error mapping. Only the network is left out (the stack tests go over HTTP).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from botocore.exceptions import ClientError

from lambda_src.endpoint import map_client_error
from lambda_src.tokenizer import TokenizerSettings, Vocabulary
from serving import inference
from training import artifacts

SETTINGS = TokenizerSettings(1, 1)
OLD_TERMS = ("good", "bad", "film", "great", "awful")
NEW_TERMS = ("awful", "great", "plot", "bad", "good", "boring")  # other order, other words


def write_model(folder: Path, terms: tuple[str, ...], weights: dict[str, float], intercept: float) -> Path:
    """A real model directory (as SageMaker unpacks model.tar.gz) with these weights."""
    vocabulary = Vocabulary(terms, SETTINGS)
    coef = np.array([weights.get(term, 0.0) for term in terms])
    version = artifacts.model_version(vocabulary.version, coef, intercept)
    metadata = {"intercept": intercept, "model_version": version}
    members = artifacts.model_archive_members(Vocabulary(terms, SETTINGS, version), coef, metadata)
    artifacts.write_members(folder, members)
    return folder


class InProcessEndpoint:
    """inference.py's ``transform_fn`` behind the handler's ``invoke``; errors come back as sagemaker-runtime's."""

    def __init__(self, model_dir: Path) -> None:
        self.model = inference.model_fn(str(model_dir))
        self.bodies: list[dict[str, Any]] = []

    def invoke(self, body: bytes) -> bytes:
        self.bodies.append(json.loads(body))
        response = inference.transform_fn(self.model, body, "application/json", "application/json")
        if response.status_code != 200:
            error = {
                "Error": {"Code": "ModelError", "Message": "m"},
                "OriginalStatusCode": response.status_code,
                "OriginalMessage": response.get_data(as_text=True),
            }
            raise map_client_error(ClientError(error, "InvokeEndpoint"))
        return response.get_data()

    def sent_text(self) -> list[bool]:
        return ["text" in body["instances"][0] for body in self.bodies]


WEIGHTS = {"good": 2.0, "great": 3.0, "bad": -2.0, "awful": -3.0, "boring": -1.5, "plot": 0.1}


@pytest.fixture
def models(tmp_path: Path) -> dict[str, Path]:
    return {
        "old": write_model(tmp_path / "old", OLD_TERMS, WEIGHTS, 0.1),
        "new": write_model(tmp_path / "new", NEW_TERMS, WEIGHTS, -0.2),
    }


def lambda_with(make_handler, models: dict[str, Path], ships: str, serves: str, **settings: str):
    handler = make_handler(models[ships] / "vocabulary.json", **settings)
    handler.ENDPOINT = InProcessEndpoint(models[serves])
    return handler


def classify(handler, load_event, lambda_context, body: dict[str, Any]) -> tuple[int, dict, list[dict]]:
    """Status, body and the JSON log lines of one POST."""
    event = load_event("rest_post_json")
    event["body"] = json.dumps(body)
    out = io.StringIO()
    with redirect_stdout(out):
        response = handler.lambda_handler(event, lambda_context)
    logs = [json.loads(line) for line in out.getvalue().splitlines()]
    return response["statusCode"], json.loads(response["body"]), logs


def own_score(model_dir: Path, text: str) -> float:
    model = inference.model_fn(str(model_dir))
    response = inference.transform_fn(model, text, "text/plain", "application/json")
    return json.loads(response.get_data())["predictions"][0]["score"]


@pytest.mark.parametrize(("ships", "serves"), [("old", "new"), ("new", "old")])
def test_either_order_answers_with_the_serving_models_own_score(
    make_handler, models, load_event, lambda_context, ships, serves
) -> None:
    """New Lambda before the endpoint, or the endpoint before the Lambda: 200, never a crossed vocabulary."""
    handler = lambda_with(make_handler, models, ships, serves)
    review = "a great film, not awful at all, good"
    status, body, logs = classify(handler, load_event, lambda_context, {"review": review, "explain": True})
    assert status == 200, body
    assert body["score"] == own_score(models[serves], review)
    assert body["model_version"] == handler.ENDPOINT.model.model_version
    assert body["explanation"]["positive"]
    assert handler.ENDPOINT.sent_text() == [False, True]  # refused vector, then the raw text
    assert logs[-1]["vocabulary_mismatch"] is True and logs[-1]["text_fallback"] is True
    # The container remembers: the next request goes straight to text, one call.
    status, _, _ = classify(handler, load_event, lambda_context, {"review": "bad film"})
    assert status == 200 and handler.ENDPOINT.sent_text() == [False, True, True]


def test_batch_falls_back_whole_and_each_result_is_right(make_handler, models, load_event, lambda_context) -> None:
    handler = lambda_with(make_handler, models, "old", "new")
    reviews = ["great good", "awful bad film", "boring but great"]
    status, body, _ = classify(handler, load_event, lambda_context, {"reviews": reviews})
    assert status == 200, body
    assert [r["score"] for r in body["results"]] == [own_score(models["new"], r) for r in reviews]


def test_vectors_resume_once_the_endpoint_serves_our_vocabulary(make_handler, models, load_event, lambda_context):
    handler = lambda_with(make_handler, models, "new", "old")
    assert classify(handler, load_event, lambda_context, {"review": "good"})[0] == 200
    handler.ENDPOINT = InProcessEndpoint(models["new"])  # the endpoint update finished
    assert classify(handler, load_event, lambda_context, {"review": "good"})[0] == 200  # text, says "new"
    assert classify(handler, load_event, lambda_context, {"review": "good"})[0] == 200
    assert handler.ENDPOINT.sent_text() == [True, False]


def test_no_known_words_is_decided_by_the_answering_models_vocabulary(
    make_handler, models, load_event, lambda_context
) -> None:
    """ "plot" and "boring" are words of the new model only."""
    handler = lambda_with(make_handler, models, "old", "old")
    status, body, _ = classify(handler, load_event, lambda_context, {"review": "boring plot"})
    assert (status, body["error"]) == (422, "no_known_words")
    assert handler.ENDPOINT.bodies == [], "our own vocabulary decides while the endpoint serves it: no call"

    handler = lambda_with(make_handler, models, "old", "new")
    classify(handler, load_event, lambda_context, {"review": "good"})  # learns the endpoint differs
    status, body, _ = classify(handler, load_event, lambda_context, {"review": "boring plot"})
    assert status == 200 and body["score"] == own_score(models["new"], "boring plot")
    status, body, _ = classify(handler, load_event, lambda_context, {"reviews": ["good", "film"]})
    assert (status, body["error"]) == (422, "no_known_words")  # "film" is not a word of the new model
    assert '"reviews"[1]' in body["message"]


@pytest.mark.parametrize(("ships", "serves"), [("new", "new"), ("old", "new")], ids=["vectors", "text"])
def test_a_lone_surrogate_is_a_separator_on_either_route(
    make_handler, models, load_event, lambda_context, ships, serves
) -> None:
    """``{"review":"great film \\ud800"}`` was a 500 on the text route. The tokeniser reads a lone surrogate as it
    reads punctuation, so both routes answer as for "great film"; a review of nothing else has no known words."""
    handler = lambda_with(make_handler, models, ships, serves)
    event = load_event("rest_post_json")
    event["body"] = '{"review":"great film \\ud800"}'  # exactly what the caller sends: an escape, ASCII bytes
    response = handler.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 200, response["body"]
    assert json.loads(response["body"])["score"] == own_score(models["new"], "great film")
    assert handler.ENDPOINT.sent_text()[-1] is (ships != serves)
    status, body, _ = classify(handler, load_event, lambda_context, {"reviews": ["good\udc00plot", "\ud800 \udfff"]})
    assert (status, body["error"]) == (422, "no_known_words") and '"reviews"[1]' in body["message"]


def test_request_line_carries_embedded_metrics(make_handler, models, load_event, lambda_context) -> None:
    handler = lambda_with(make_handler, models, "old", "new", AWS_LAMBDA_FUNCTION_NAME="fn", METRICS_NAMESPACE="Ns")
    _, _, logs = classify(handler, load_event, lambda_context, {"review": "good film"})
    line = logs[-1]
    directive = line["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Ns" and directive["Dimensions"] == [["FunctionName"]]
    assert line["FunctionName"] == "fn" and isinstance(line["_aws"]["Timestamp"], int)
    for metric in directive["Metrics"]:
        assert isinstance(line[metric["Name"]], int | float), metric
    assert (line["VocabularyMismatches"], line["TextFallbacks"], line["EndpointErrors"]) == (1, 1, 0)
    assert line["model_version"] == handler.ENDPOINT.model.model_version  # a property, not a dimension


def test_endpoint_errors_are_counted_by_kind_even_when_log_level_hides_info(
    make_handler, models, load_event, lambda_context
) -> None:
    handler = make_handler(models["old"] / "vocabulary.json", LOG_LEVEL="ERROR")  # endpoint unreachable
    status, body, logs = classify(handler, load_event, lambda_context, {"review": "good film"})
    assert (status, body["error"]) == (503, "endpoint_unavailable")
    line = logs[-1]
    assert line["EndpointErrors"] == 1 and line["ErrorKind"] == "endpoint_unavailable"
    assert line["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName"], ["FunctionName", "ErrorKind"]]
