"""Properties of the text route (a vocabulary rollout in flight): every request answers as on the vector route.

Each example is sent twice to the same warm handler: once on the vector route, once with the container on
the text route (as after a ``vocabulary_mismatch``), where the endpoint tokenises the raw reviews itself.
The endpoint is the real inference.py's transform_fn on a tiny real model behind the stand-in client of
test_handler_properties, serving the Lambda's own vocabulary, so both routes must give the same answer:
the same status and body (label, score, explanation, or the same JSON 4xx), never a 5xx. Reviews carry
lone surrogates, NFKD expansions, entities and limit-sized texts. `make fuzz` runs these with the thorough
profile (10,000 examples each).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.unit.strategies import ANY_TEXT, REVIEWS, WORDS, mostly
from tests.unit.test_handler_properties import (
    InferenceRuntime,
    StatusLog,
    api_gateway_events,
    respond,
    served_model,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.fuzz


class RecordingRuntime(InferenceRuntime):
    """The stand-in client, remembering whether the last body it was sent held raw texts."""

    sent_text: bool | None = None

    def invoke_endpoint(self, *, Body: bytes, **kwargs: Any) -> dict:  # noqa: N803
        self.sent_text = b'"text":' in Body
        return super().invoke_endpoint(Body=Body, **kwargs)


@pytest.fixture
def handler(make_handler, tiny_model_dir: Path, served_model: tuple[Any, Any]):  # noqa: F811
    handler = make_handler(tiny_model_dir / "vocabulary.json", LOG_LEVEL="CRITICAL")
    handler.LOGGER.setLevel(logging.INFO)
    handler.LOGGER.handlers.clear()  # no stdout: 10,000 examples would fill pytest's capture
    handler.LOGGER.addHandler(StatusLog())
    handler.ENDPOINT.client = RecordingRuntime(*served_model)
    return handler


def both_routes(handler, event_: Any, context) -> tuple[tuple[int, Any], tuple[int, Any]]:
    """(status, body) on the vector route, then on the text route, for the same event."""
    runtime: RecordingRuntime = handler.ENDPOINT.client
    handler.ROUTE.endpoint_differs = False
    runtime.sent_text = None
    vector = respond(handler, event_, context)
    assert runtime.sent_text in (None, False)
    handler.ROUTE.refused()  # what a vocabulary_mismatch leaves behind
    runtime.sent_text = None
    text = respond(handler, event_, context)
    assert runtime.sent_text in (None, True)
    if text[0] == 200 and text[1] is not None:
        assert runtime.sent_text, "a prediction on the text route comes from the endpoint's own tokenising"
    return vector, text


def check(vector: tuple[int, Any], text: tuple[int, Any]) -> None:
    status, body = text
    event(f"status {status}")
    assert status < 500, body
    if status == 200 and body is not None:
        results = body.get("results", [body])
        assert all(r["label"] in ("positive", "negative") and 0.0 <= r["score"] <= 1.0 for r in results)
    assert text == vector


@given(event_=api_gateway_events())
def test_any_event_answers_on_the_text_route_as_on_the_vector_route(handler, lambda_context, event_):
    check(*both_routes(handler, event_, lambda_context))


# Mostly reviews the tiny model knows words of, so most examples reach the endpoint and get a prediction.
KNOWN = st.lists(WORDS | st.sampled_from(["wonderful", "awful", "great", "boring"]), min_size=1, max_size=6)
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
SURROGATE = re.compile("[\ud800-\udfff]")
SPICE = st.one_of(SURROGATES, ANY_TEXT, st.sampled_from(["\ufdfa", "&#xFDFA;", "\u0301", "<br />", "\x00", "ﬃ"]))
MIXED = st.lists(st.one_of(WORDS, SPICE), min_size=1, max_size=10).map(lambda parts: "".join(parts))
TEXTS = mostly(
    st.builds(lambda words, spice: " ".join(words) + spice, KNOWN, st.lists(SPICE, max_size=3).map("".join)),
    st.one_of(MIXED, REVIEWS, ANY_TEXT),
    one_in=3,
)


def client_json(value: Any, ascii_only: bool) -> str:
    """JSON as clients write it: all escaped (Python's default), or UTF-8 with only lone surrogates escaped
    (JavaScript's JSON.stringify since ES2019), since UTF-8 cannot carry them."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


@st.composite
def review_events(draw: st.DrawFn, rest_event: dict[str, Any]) -> dict[str, Any]:
    """A POST of one review or a batch, as JSON (surrogates as escapes) or as text/plain."""
    event_ = json.loads(json.dumps(rest_event))
    kind = draw(st.sampled_from(["review", "reviews", "text/plain"]))
    texts = draw(st.lists(TEXTS, min_size=1, max_size=4)) if kind == "reviews" else [draw(TEXTS)]
    if kind != "text/plain":
        field = {"review": texts[0]} if kind == "review" else {"reviews": texts}
        body = client_json({**field, "explain": draw(st.booleans())}, ascii_only=draw(st.booleans()))
        if any(SURROGATE.search(text) for text in texts):
            event("a lone surrogate")
    else:  # UTF-8 has no lone surrogates (a body with their bytes is invalid_utf8 before any route is chosen)
        body = SURROGATE.sub("", texts[0])
        content_type = draw(st.sampled_from(["text/plain", "text/plain; charset=utf-8", "Text/Plain;charset=UTF8"]))
        event_["headers"]["Content-Type"] = content_type
        event_["multiValueHeaders"]["Content-Type"] = [content_type]
    event_["body"] = body
    event(kind)
    return event_


@given(data=st.data())
def test_any_review_gets_the_same_answer_on_both_routes(handler, load_event, lambda_context, data):
    event_ = data.draw(review_events(load_event("rest_post_json")))
    check(*both_routes(handler, event_, lambda_context))
