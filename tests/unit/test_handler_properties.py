"""Property: whatever body and headers arrive, the handler answers with a well-formed response and
never raises. With no endpoint reachable, the only 5xx allowed is the retryable 503 for that."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_src.tokenizer import TokenizerSettings, Vocabulary

CONTENT_TYPES = st.one_of(
    st.sampled_from(
        ["application/json", "text/plain", "text/plain; charset=utf-8", "application/json;charset=latin-1"]
    ),
    st.text(max_size=40),
)
JSON_BODIES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["review", "reviews", "explain", "x"]) | st.text(max_size=8), children, max_size=4
    ),
    max_leaves=12,
).map(json.dumps)
BODIES = st.one_of(st.text(max_size=300), JSON_BODIES, st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
HEADERS = st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=5)


@pytest.fixture
def handler(make_handler, tmp_path: Path):
    """Built once per test function; the examples share it like requests share a warm container."""
    path = tmp_path / "vocabulary.json"
    Vocabulary(("good", "bad", "film", "x", "review"), TokenizerSettings(1, 2)).save(path)
    return make_handler(path)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["POST", "GET", "OPTIONS", "post", ""]),
    content_type=CONTENT_TYPES,
    body=BODIES,
    headers=HEADERS,
    base64_flag=st.booleans(),
    version=st.sampled_from(["1.0", "2.0"]),
)
def test_any_request_gets_a_proper_response(
    handler, lambda_context, method, content_type, body, headers, base64_flag, version
):
    all_headers = {**headers, "Content-Type": content_type}
    if version == "2.0":
        event = {"version": "2.0", "requestContext": {"http": {"method": method}}, "headers": all_headers}
    else:
        event = {"httpMethod": method, "headers": all_headers, "requestContext": {}}
    event.update(body=body, isBase64Encoded=base64_flag)
    response = handler.lambda_handler(event, lambda_context)
    status = response["statusCode"]
    assert 200 <= status < 500 or (status == 503 and json.loads(response["body"])["error"] == "endpoint_unavailable")
    if response["body"]:
        assert set(json.loads(response["body"])) in ({"error", "message"}, {"label", "score", "model_version"},
                                                       {"results", "model_version"})  # fmt: skip
