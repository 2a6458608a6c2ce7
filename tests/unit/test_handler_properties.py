"""Properties of lambda_handler over the whole event space and over whatever the endpoint answers.

Whatever arrives (payload 1.0 or 2.0, base64 or not, headers in ``headers`` or ``multiValueHeaders``,
query strings, NaN, lone surrogates, huge numbers, bodies that are not strings), the handler returns a
proxy response with a JSON body, never raises, logs the status it returns, and never answers a 5xx:
the endpoint here is the real inference.py on a tiny real model, behind a stand-in for the boto3
client, so nothing but the client's input decides the answer. Whatever the endpoint answers
(botocore's Stubber feeds it at the client boundary), the caller gets a 200, 502, 503 or 504 with a
JSON body and never a 500. `make fuzz` runs these with the thorough profile (10,000 examples each).
"""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber
from hypothesis import event, given
from hypothesis import strategies as st

from tests.conftest import load_inference, transform
from tests.unit.strategies import ANY_TEXT, JSON_VALUES, REVIEWS, SCALARS, WORDS, mostly

pytestmark = pytest.mark.fuzz


REQUESTS = st.fixed_dictionaries(
    {},
    optional={
        "review": REVIEWS | JSON_VALUES,
        "reviews": st.lists(REVIEWS, max_size=27) | JSON_VALUES,
        "explain": st.booleans() | JSON_VALUES,
    },
)
RAW_JSON = st.one_of(
    REQUESTS.map(json.dumps),  # allow_nan: NaN and Infinity as literals
    JSON_VALUES.map(json.dumps),
    REVIEWS.map(lambda r: f'{{"review": {json.dumps(r)}, "review": {json.dumps(r)}}}'),
    st.integers(1, 6_000).map(lambda n: '{"review": "good", "explain": 1' + "0" * n + "}"),
    st.integers(1, 3_000).map(lambda n: '{"review": ' + "[" * n + "]" * n + "}"),
    st.sampled_from(['{"review": "good", "explain": NaN}', '{"review": 1e400}', '{"reviews": [-Infinity]}']),
)
SENSIBLE = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
VALID_JSON = st.one_of(
    st.builds(lambda r, e: json.dumps({"review": r, "explain": e}), SENSIBLE, st.booleans()),
    st.builds(lambda rs: json.dumps({"reviews": rs}), st.lists(SENSIBLE, min_size=1, max_size=25)),
)
BODIES = mostly(
    st.one_of(VALID_JSON, SENSIBLE),
    st.one_of(RAW_JSON, REVIEWS, ANY_TEXT, st.binary(max_size=100).map(lambda b: b.decode("latin-1"))),
    one_in=2,
)
NOT_STRINGS = st.one_of(st.integers(), st.floats(), st.lists(st.integers(), max_size=3), st.booleans(), st.binary())
KNOWN_CONTENT_TYPES = st.sampled_from(
    ["application/json"] * 4
    + ["text/plain", "text/plain; charset=utf-8", "Application/JSON; charset=UTF8", "application/json; charset=latin-1",
       "text/csv", ""]
)  # fmt: skip
CONTENT_TYPES = mostly(KNOWN_CONTENT_TYPES, ANY_TEXT)
HEADER_NAMES = st.sampled_from(["Origin", "origin", "Accept", "X-Forwarded-For"]) | ANY_TEXT
QUERY = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["explain", "x"]) | ANY_TEXT,
        st.sampled_from(["true", "false", "1", "0", "", "maybe"]) | ANY_TEXT | st.integers(),
        max_size=3,
    ),
)


@st.composite
def api_gateway_events(draw: st.DrawFn) -> Any:
    """A proxy event of format 1.0 or 2.0, well-formed or not, with any body, headers and query."""
    if draw(mostly(st.just(False), st.just(True), one_in=20)):
        return draw(JSON_VALUES)  # not an API Gateway event at all
    version = draw(st.sampled_from(["1.0", "2.0", None, 3]))
    method = draw(mostly(st.just("POST"), st.sampled_from(["post", "GET", "OPTIONS", "", None, 7])))
    headers: dict[Any, Any] = draw(st.dictionaries(HEADER_NAMES, ANY_TEXT | st.integers(), max_size=3))
    content_type = draw(mostly(CONTENT_TYPES, st.none(), one_in=10))
    if content_type is not None:
        headers[draw(st.sampled_from(["Content-Type", "content-type", "CONTENT-TYPE"]))] = content_type
    body = draw(mostly(BODIES, st.one_of(NOT_STRINGS, st.none()), one_in=10))
    base64_flag = draw(mostly(st.just(False), st.sampled_from([True, True, "true", None, 1])))
    if base64_flag is True and isinstance(body, str) and draw(mostly(st.just(True), st.just(False))):
        body = base64.b64encode(body.encode("utf-8", "surrogatepass")).decode()
    event: dict[str, Any] = {"body": body, "isBase64Encoded": base64_flag}
    where = draw(mostly(st.just("headers"), st.sampled_from(["multiValueHeaders", "both", "neither", "broken"]), 3))
    if where in ("headers", "both"):
        event["headers"] = headers
    if where in ("multiValueHeaders", "both"):
        event["multiValueHeaders"] = {k: draw(st.sampled_from([[v], [], [v, "x"], v])) for k, v in headers.items()}
    if where == "broken":
        event["headers"], event["multiValueHeaders"] = draw(NOT_STRINGS), draw(NOT_STRINGS)
    query = draw(QUERY)
    if version == "2.0":
        event.update(version="2.0", rawQueryString=draw(ANY_TEXT), queryStringParameters=query)
        event["requestContext"] = {"http": {"method": method}, "requestId": draw(ANY_TEXT | st.integers())}
    else:
        event.update(httpMethod=method, queryStringParameters=query, requestContext=draw(st.just({}) | NOT_STRINGS))
        if version is not None:
            event["version"] = version
        if isinstance(query, dict):
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return event


# The content types the serving image's library hands to transform_fn as text (sagemaker-containers' UTF8_TYPES).
UTF8_TYPES = ("application/json", "text/csv")


class InferenceRuntime:
    """A stand-in for the sagemaker-runtime client: invoke_endpoint runs the real inference.py's transform_fn
    as the serving image's library calls it, and a container error raises the ModelError botocore would raise."""

    def __init__(self, inference: ModuleType, model: Any) -> None:
        self.inference, self.model = inference, model

    def invoke_endpoint(self, *, EndpointName: str, Body: bytes, ContentType: str, Accept: str) -> dict:  # noqa: N803
        body = Body.decode("utf-8") if ContentType in UTF8_TYPES else Body
        answer = transform(self.inference, self.model, body, ContentType, Accept)
        if answer.status != 200:
            error = {"Code": "ModelError", "Message": f"Received error ({answer.status}) from primary"}
            response = {"Error": error, "OriginalStatusCode": answer.status, "OriginalMessage": answer.body.decode()}
            raise ClientError(response, "InvokeEndpoint")
        return {"Body": StreamingBody(io.BytesIO(answer.body), len(answer.body)), "ContentType": answer.content_type}


@pytest.fixture(scope="module")
def served_model(tiny_model_dir: Path) -> tuple[ModuleType, Any]:
    inference = load_inference(tiny_model_dir)
    return inference, inference.model_fn(str(tiny_model_dir))


class StatusLog(logging.Handler):
    """Keeps the status of each request log line the handler writes."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", {})
        if "status" in fields:
            self.statuses.append(fields["status"])


@pytest.fixture
def handler(make_handler, tiny_model_dir: Path):
    handler = make_handler(tiny_model_dir / "vocabulary.json", LOG_LEVEL="CRITICAL")
    handler.LOGGER.setLevel(logging.INFO)
    handler.LOGGER.handlers.clear()  # no stdout: 10,000 examples would fill pytest's capture
    handler.LOGGER.addHandler(StatusLog())
    return handler


def respond(handler, event_: Any, context) -> tuple[int, Any]:
    """Call the handler; check the response is a proxy response with a JSON body and the logged status."""
    log: StatusLog = handler.LOGGER.handlers[0]
    log.statuses.clear()
    response = handler.lambda_handler(event_, context)
    status = response["statusCode"]
    assert isinstance(status, int) and log.statuses == [status]
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in response["headers"].items())
    assert response["isBase64Encoded"] is False
    if status == 204:
        return status, None
    body = json.loads(response["body"])
    if status >= 400:
        assert set(body) == {"error", "message"} and len(body["message"]) < 300
    return status, body


@given(event_=api_gateway_events())
def test_any_event_gets_a_json_answer_and_never_a_5xx(handler, served_model, lambda_context, event_):
    handler.ENDPOINT.client = InferenceRuntime(*served_model)
    status, body = respond(handler, event_, lambda_context)
    event(f"status {status}")
    assert status < 500, body
    if status == 200:
        results = body.get("results", [body])
        assert all(r["label"] in ("positive", "negative") and 0.0 <= r["score"] <= 1.0 for r in results)


GOOD_ANSWER = {
    "model_version": "m",
    "predictions": [
        {
            "label": "positive",
            "score": 0.9,
            "explanation": {"positive": [{"term": "good", "weight": 1.5}], "negative": []},
        }
    ],
}
ANSWER_VALUES = st.recursive(
    st.one_of(SCALARS, st.sampled_from(["positive", "negative", "m"]), st.floats(0, 1)),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["label", "score", "explanation", "term", "weight", "positive", "negative",
                                       "predictions", "model_version", "vocabulary_version"]), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@st.composite
def mutated_answers(draw: st.DrawFn) -> bytes:
    """A good answer with one part replaced, or any JSON, or bytes that are not JSON at all."""
    kind = draw(st.sampled_from(["good", "mutated", "any", "bytes", "literal"]))
    if kind == "good":
        return json.dumps(GOOD_ANSWER).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "any":
        return json.dumps(draw(ANSWER_VALUES)).encode()
    answer = json.loads(json.dumps(GOOD_ANSWER))
    target = draw(st.sampled_from(["root", "prediction", "explanation", "term"]))
    value = draw(ANSWER_VALUES)
    if target == "root":
        answer[draw(st.sampled_from(["model_version", "predictions", "vocabulary_version"]))] = value
    elif target == "prediction":
        answer["predictions"][0][draw(st.sampled_from(["label", "score", "explanation"]))] = value
    elif target == "explanation":
        answer["predictions"][0]["explanation"][draw(st.sampled_from(["positive", "negative", "x"]))] = value
    else:
        answer["predictions"][0]["explanation"]["positive"][0][draw(st.sampled_from(["term", "weight"]))] = value
    text = json.dumps(answer)
    if kind == "literal":
        text = text.replace("1.5", draw(st.sampled_from(["NaN", "Infinity", "1e400", "9" * 5000, '"1.5"'])))
    return text.encode()


ERROR_CODES = st.sampled_from(
    ["ModelError", "ThrottlingException", "ModelNotReadyException", "ServiceUnavailable", "InternalFailure",
     "ValidationError", "InternalDependencyException", "AccessDeniedException"]
)  # fmt: skip


@given(
    answer=mutated_answers(),
    error=st.none() | st.tuples(ERROR_CODES, st.integers(400, 599), ANY_TEXT),
    request=st.sampled_from([{"review": "a wonderful film", "explain": True}, {"reviews": ["loved it", "awful"]}]),
)
def test_whatever_the_endpoint_answers_the_caller_gets_json_and_never_a_500(
    handler, load_event, lambda_context, answer, error, request
):
    client = handler.ENDPOINT.client
    api_event = load_event("rest_post_json")
    api_event["body"] = json.dumps(request)
    with Stubber(client) as stubber:
        if error is None:
            stubber.add_response("invoke_endpoint", {"Body": StreamingBody(io.BytesIO(answer), len(answer))})
        else:
            code, http_status, message = error
            modeled = {"OriginalStatusCode": 400, "OriginalMessage": message} if code == "ModelError" else None
            stubber.add_client_error("invoke_endpoint", code, message, http_status, modeled_fields=modeled)
        status, body = respond(handler, api_event, lambda_context)
    event(f"status {status}")
    assert status in (200, 502, 503, 504), body
    if status == 200:
        results = body.get("results", [body])
        assert all(r["label"] in ("positive", "negative") and 0.0 <= r["score"] <= 1.0 for r in results)
