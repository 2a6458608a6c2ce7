"""The Lambda handler end to end: API Gateway events in, the real trained model's sentiment out
through the local SageMaker endpoint (scripts/serve_endpoint.py) and an unmodified boto3 client.

Endpoint failures are played by a real HTTP server on loopback that answers as sagemaker-runtime
does when throttled, unavailable, broken or slow.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_src.tokenizer import Vocabulary

pytestmark = pytest.mark.integration

POSITIVE = "A wonderful film. The acting is brilliant, the story is beautiful and I loved it from start to finish."
NEGATIVE = "An awful, boring film. The plot is stupid, the acting is terrible and it was a complete waste of time."


@pytest.fixture
def handler(make_handler, trained_model, model_endpoint):
    return make_handler(trained_model.vocabulary, model_endpoint)


def call(handler, event, context) -> tuple[int, dict[str, str], dict]:
    response = handler.lambda_handler(event, context)
    return response["statusCode"], response["headers"], json.loads(response["body"]) if response["body"] else {}


def json_event(load_event, body: dict) -> dict:
    event = load_event("rest_post_json")
    event["body"] = json.dumps(body)
    return event


def test_rest_api_event_gets_the_models_positive_sentiment(handler, trained_model, load_event, lambda_context):
    status, headers, body = call(handler, load_event("rest_post_json"), lambda_context)
    assert status == 200, body
    assert body["label"] == "positive" and 0.5 < body["score"] <= 1.0
    assert body["model_version"] == Vocabulary.load(trained_model.vocabulary).model_version
    assert set(body) == {"label", "score", "model_version"}
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_base64_text_plain_event_gets_negative_sentiment(handler, load_event, lambda_context):
    status, _, body = call(handler, load_event("rest_post_text_base64"), lambda_context)
    assert status == 200, body
    assert body["label"] == "negative" and 0.0 <= body["score"] < 0.5


def test_http_api_batch_with_explanations(handler, load_event, lambda_context):
    status, _, body = call(handler, load_event("http_post_json"), lambda_context)
    assert status == 200, body
    assert [r["label"] for r in body["results"]] == ["positive", "negative"]
    explanation = body["results"][0]["explanation"]
    assert explanation["positive"] and all(t["weight"] > 0 for t in explanation["positive"])
    assert all(t["weight"] < 0 for t in body["results"][1]["explanation"]["negative"])
    assert all(isinstance(t["term"], str) for t in explanation["positive"] + explanation["negative"])


def test_http_api_base64_json_event(handler, load_event, lambda_context):
    status, _, body = call(handler, load_event("http_post_base64"), lambda_context)
    assert (status, body["label"]) == (200, "positive")


def test_text_plain_can_ask_for_an_explanation_in_the_query(handler, load_event, lambda_context):
    event = load_event("rest_post_text_base64")
    event["queryStringParameters"] = {"explain": "true"}
    status, _, body = call(handler, event, lambda_context)
    assert status == 200 and body["explanation"]["negative"]


@pytest.mark.parametrize(("review", "label"), [(POSITIVE, "positive"), (NEGATIVE, "negative")])
def test_single_and_batch_scores_agree(handler, load_event, lambda_context, review, label):
    _, _, single = call(handler, json_event(load_event, {"review": review}), lambda_context)
    _, _, batch = call(handler, json_event(load_event, {"reviews": [review, review]}), lambda_context)
    assert single["label"] == label
    assert [r["score"] for r in batch["results"]] == [single["score"]] * 2


def test_lambda_with_another_vocabulary_gets_the_served_models_own_answer(
    make_handler, trained_model, model_endpoint, load_event, lambda_context, tmp_path
):
    """A Lambda shipped with another vocabulary than the endpoint's model (a rollout in progress): the
    endpoint refuses its vectors, the handler sends the raw text, and the answer is the served model's."""
    served = Vocabulary.load(trained_model.vocabulary)
    other = tmp_path / "vocabulary.json"
    Vocabulary(served.terms[:-1], served.settings, "older-model").save(other)
    status, _, body = call(make_handler(other, model_endpoint), load_event("rest_post_json"), lambda_context)
    _, _, direct = call(
        make_handler(trained_model.vocabulary, model_endpoint), load_event("rest_post_json"), lambda_context
    )
    assert status == 200, body
    assert body == direct


def test_unreachable_endpoint_is_a_retryable_503(make_handler, trained_model, load_event, lambda_context):
    handler = make_handler(trained_model.vocabulary, "http://127.0.0.1:9")
    status, headers, body = call(handler, load_event("rest_post_json"), lambda_context)
    assert (status, body["error"], headers["Retry-After"]) == (503, "endpoint_unavailable", "5")


@dataclass
class Reply:
    """What the loopback runtime answers, after ``delay`` seconds."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class FakeRuntime:
    url: str
    reply: Reply
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def runtime() -> Iterator[FakeRuntime]:
    """A real HTTP server on loopback standing in for sagemaker-runtime's failure modes."""
    state = FakeRuntime("", Reply(200, b"{}"))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(self.path)
            time.sleep(state.reply.delay)
            self.send_response(state.reply.status)
            for name, value in {"Content-Type": "application/json", **state.reply.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.reply.body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client may have given up (timeout test)
                self.wfile.write(state.reply.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def error_reply(status: int, error_type: str, **body: object) -> Reply:
    return Reply(status, json.dumps({"message": "m", **body}).encode(), {"x-amzn-ErrorType": error_type})


@pytest.mark.parametrize(
    ("reply", "status", "code", "retry_after"),
    [
        (error_reply(424, "ModelError", OriginalStatusCode=500, OriginalMessage='{"error": "boom"}'),
         502, "model_error", None),
        (error_reply(424, "ModelError", OriginalStatusCode=409, OriginalMessage='{"error": "vocabulary_mismatch: v"}'),
         503, "vocabulary_mismatch", "30"),
        (error_reply(400, "ThrottlingException"), 503, "endpoint_throttled", "1"),
        (error_reply(503, "ServiceUnavailable"), 503, "endpoint_unavailable", "5"),
        (error_reply(500, "InternalFailure"), 502, "endpoint_error", None),
        (error_reply(400, "ValidationError"), 502, "endpoint_error", None),
        (Reply(200, b"<html>not json</html>"), 502, "invalid_model_response", None),
    ],
)  # fmt: skip
def test_endpoint_failures_map_to_gateway_statuses(
    make_handler, trained_model, runtime, load_event, lambda_context, reply, status, code, retry_after
):
    runtime.reply = reply
    handler = make_handler(trained_model.vocabulary, runtime.url)
    got, headers, body = call(handler, load_event("rest_post_json"), lambda_context)
    assert (got, body["error"], headers.get("Retry-After")) == (status, code, retry_after)
    # A refused vector is sent again as raw text; only an endpoint that refuses that too reaches the caller.
    calls = 2 if code == "vocabulary_mismatch" else 1
    assert runtime.requests == ["/endpoints/imdb-sentiment/invocations"] * calls


def test_throttling_is_retried_with_standard_retries(make_handler, trained_model, runtime, load_event, lambda_context):
    runtime.reply = error_reply(400, "ThrottlingException")
    handler = make_handler(trained_model.vocabulary, runtime.url, ENDPOINT_MAX_ATTEMPTS="2")
    status, _, _ = call(handler, load_event("rest_post_json"), lambda_context)
    assert status == 503 and len(runtime.requests) == 2


def test_slow_endpoint_is_a_504_after_the_read_timeout(
    capsys, make_handler, trained_model, runtime, load_event, lambda_context
):
    runtime.reply = Reply(200, b"{}", delay=3.0)
    handler = make_handler(trained_model.vocabulary, runtime.url, ENDPOINT_READ_TIMEOUT="0.5")
    status, _, body = call(handler, load_event("rest_post_json"), lambda_context)
    assert (status, body["error"]) == (504, "endpoint_timeout")
    log = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert 500 <= log["endpoint_ms"] < 3000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.one_of(
        st.text(max_size=400),
        st.builds(lambda r: json.dumps({"review": r}), st.text(max_size=400)),
        st.builds(lambda rs, e: json.dumps({"reviews": rs, "explain": e}), st.lists(st.text(max_size=80), max_size=30),
                  st.booleans()),
    ),
    content_type=st.sampled_from(["application/json", "text/plain", "TEXT/PLAIN; charset=utf-8", "text/csv", ""]),
    headers=st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=4),
    encode=st.booleans(),
)  # fmt: skip
def test_arbitrary_requests_never_get_a_5xx(handler, load_event, lambda_context, body, content_type, headers, encode):
    event = load_event("rest_post_json")
    event["headers"] = {**headers, "Content-Type": content_type}
    event["multiValueHeaders"] = None
    if encode:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode(), True
    else:
        event["body"] = body
    status, _, answer = call(handler, event, lambda_context)
    assert 200 <= status < 500, answer
    if status == 200:
        assert {"label", "model_version"} <= answer.keys() or {"results", "model_version"} <= answer.keys()


def test_the_zip_layout_imports_and_serves(tmp_path: Path, trained_model, model_endpoint, load_event, lambda_context):
    """The built zip, unpacked as Lambda does, answers a real request in a fresh interpreter."""
    import subprocess
    import sys
    import zipfile

    from scripts.package_lambda import main as package

    package(["--vocabulary", str(trained_model.vocabulary), "--output", str(tmp_path / "lambda.zip")])
    zipfile.ZipFile(tmp_path / "lambda.zip").extractall(tmp_path / "task")
    script = (
        "import json, sys\n"
        "from lambda_src.handler import lambda_handler\n"
        "event = json.loads(sys.stdin.read())\n"
        "print(json.dumps(lambda_handler(event, None)))\n"
    )
    environment = {
        "SAGEMAKER_ENDPOINT_NAME": "imdb-sentiment", "SAGEMAKER_RUNTIME_ENDPOINT_URL": model_endpoint,
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "PATH": "/usr/bin:/bin",
    }  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); exec({script!r})"],
        input=json.dumps(load_event("rest_post_json")), cwd=tmp_path / "task", env=environment,
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    response = json.loads(done.stdout.splitlines()[-1])
    assert response["statusCode"] == 200, response
    assert json.loads(response["body"])["label"] == "positive"
