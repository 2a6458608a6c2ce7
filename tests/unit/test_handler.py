"""The handler's answers to every kind of request that never reaches the endpoint, and its logs."""

from __future__ import annotations

import base64
import json
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from lambda_src.limits import MAX_NORMALIZED_CHARS, MAX_REVIEW_CHARS, MAX_REVIEW_WORDS
from lambda_src.review_request import MAX_BATCH, MAX_BODY_BYTES
from lambda_src.tokenizer import TokenizerSettings, Vocabulary

ALLOWED_ORIGIN = "https://app.example.com"  # the Origin of tests/events and make_handler's ALLOWED_ORIGINS

TERMS = ("good", "great", "bad", "awful", "movie", "film", "boring", "wonderful", "acting", "plot", "not good")


@pytest.fixture
def vocabulary_path(tmp_path: Path) -> Path:
    path = tmp_path / "vocabulary.json"
    Vocabulary(TERMS, TokenizerSettings(1, 3), model_version="unit").save(path)
    return path


@pytest.fixture
def handler(make_handler, vocabulary_path):
    return make_handler(vocabulary_path)


def post(load_event, body: str | bytes | None, content_type: str | None = "application/json", **fields: Any) -> dict:
    """A REST API (format 1.0) POST event with this body; bytes are sent base64-encoded."""
    event = load_event("rest_post_json")
    event["headers"].pop("Content-Type")
    event["multiValueHeaders"].pop("Content-Type")
    if content_type is not None:
        event["headers"]["Content-Type"] = content_type
    if isinstance(body, bytes):
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    else:
        event["body"] = body
    event.update(fields)
    return event


def call(handler, event: Any, context) -> tuple[int, dict[str, str], dict | None]:
    response = handler.lambda_handler(event, context)
    body = json.loads(response["body"]) if response["body"] else None
    return response["statusCode"], response["headers"], body


def j(value: Any) -> str:
    return json.dumps(value)


BAD_REQUESTS = [
    # (case, body, content type, status, error code)
    ("no content type", j({"review": "good"}), None, 415, "missing_content_type"),
    ("xml", "<review>good</review>", "application/xml", 415, "unsupported_media_type"),
    ("form", "review=good", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("latin-1", "good", "text/plain; charset=ISO-8859-1", 415, "unsupported_charset"),
    ("empty body", "", "application/json", 400, "empty_body"),
    ("no body", None, "application/json", 400, "empty_body"),
    ("invalid json", '{"review": "good"', "application/json", 400, "invalid_json"),
    ("deeply nested json", "[" * 100_000, "application/json", 400, "invalid_json"),
    ("NaN", '{"review": "good", "explain": NaN}', "application/json", 400, "invalid_json"),
    ("Infinity", '{"reviews": ["good"], "explain": -Infinity}', "application/json", 400, "invalid_json"),
    ("1e400", '{"review": "good", "explain": 1e400}', "application/json", 400, "invalid_json"),
    ("10**400", '{"review": "good", "explain": ' + "1" + "0" * 400 + "}", "application/json", 400, "invalid_json"),
    (
        "5,000-digit integer",
        '{"review": "good", "explain": ' + "9" * 5000 + "}",
        "application/json",
        400,
        "invalid_json",
    ),
    ("duplicate field", '{"review": "good", "review": "awful"}', "application/json", 400, "duplicate_field"),
    (
        "duplicate nested",
        '{"reviews": ["good"], "explain": true, "explain": false}',
        "application/json",
        400,
        "duplicate_field",
    ),
    ("json list", j(["good"]), "application/json", 400, "invalid_json_object"),
    ("json string", j("good"), "application/json", 400, "invalid_json_object"),
    ("invalid utf-8", b'{"review": "\xff\xfe"}', "application/json", 400, "invalid_utf8"),
    ("invalid utf-8 text", b"caf\xe9 good", "text/plain", 400, "invalid_utf8"),
    ("no review field", j({}), "application/json", 400, "missing_field"),
    ("misspelt field", j({"text": "good"}), "application/json", 400, "missing_field"),
    ("extra field", j({"review": "good", "rating": 9}), "application/json", 400, "unknown_field"),
    ("both fields", j({"review": "good", "reviews": ["bad"]}), "application/json", 400, "conflicting_fields"),
    ("review not a string", j({"review": 5}), "application/json", 400, "invalid_field_type"),
    ("review null", j({"review": None}), "application/json", 400, "invalid_field_type"),
    ("reviews not a list", j({"reviews": "good"}), "application/json", 400, "invalid_field_type"),
    ("reviews item not a string", j({"reviews": ["good", 3]}), "application/json", 400, "invalid_field_type"),
    ("explain not a bool", j({"review": "good", "explain": "yes"}), "application/json", 400, "invalid_field_type"),
    ("empty review", j({"review": ""}), "application/json", 422, "empty_review"),
    ("whitespace review", j({"review": " \n\t "}), "application/json", 422, "empty_review"),
    ("whitespace text", " \r\n ", "text/plain", 422, "empty_review"),
    ("empty item in batch", j({"reviews": ["good", " "]}), "application/json", 422, "empty_review"),
    ("empty batch", j({"reviews": []}), "application/json", 422, "empty_batch"),
    ("batch too large", j({"reviews": ["good"] * (MAX_BATCH + 1)}), "application/json", 413, "batch_too_large"),
    ("review too long", j({"review": "g" * (MAX_REVIEW_CHARS + 1)}), "application/json", 413, "review_too_long"),
    ("text too long", "g" * (MAX_REVIEW_CHARS + 1), "text/plain", 413, "review_too_long"),
    ("body too large", "g" * (MAX_BODY_BYTES + 1), "text/plain", 413, "body_too_large"),
    ("U+FDFA expands 18-fold", j({"review": "\ufdfa" * 13_900}), "application/json", 413, "review_too_long"),
    (
        "just over once normalised",
        "\ufdfa" * (MAX_NORMALIZED_CHARS // 18) + "xyz",
        "text/plain",
        413,
        "review_too_long",
    ),
    ("entities that expand", "&#xFDFA;" * 2_000, "text/plain", 413, "review_too_long"),
    ("too many words", "! " * (MAX_REVIEW_WORDS + 1), "text/plain", 413, "review_too_long"),
    (
        "too many words in batch",
        j({"reviews": ["good", "a " * (MAX_REVIEW_WORDS + 1)]}),
        "application/json",
        413,
        "review_too_long",
    ),
    ("expanding item in batch", j({"reviews": ["good", "\ufdfa" * 1_200]}), "application/json", 413, "review_too_long"),
    ("no known words", j({"review": "zzz qqq xyzzy"}), "application/json", 422, "no_known_words"),
    ("no known words in batch", j({"reviews": ["good", "zzz"]}), "application/json", 422, "no_known_words"),
    ("only punctuation", "!!! ??? ...", "text/plain", 422, "no_known_words"),
]


@pytest.mark.parametrize(
    ("case", "body", "content_type", "status", "code"), BAD_REQUESTS, ids=[r[0] for r in BAD_REQUESTS]
)
def test_bad_request_gets_its_specific_status_and_error(
    handler, load_event, lambda_context, case, body, content_type, status, code
):
    got_status, headers, error = call(handler, post(load_event, body, content_type), lambda_context)
    assert (got_status, error["error"]) == (status, code)
    assert error["message"] and isinstance(error["message"], str)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN


def test_batch_error_names_the_offending_review(handler, load_event, lambda_context):
    _, _, error = call(handler, post(load_event, j({"reviews": ["good film", "qqq"]})), lambda_context)
    assert '"reviews"[1]' in error["message"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"isBase64Encoded": True, "body": "not base64!"}, "invalid_base64"), ({"body": 42}, "invalid_body")],
)
def test_malformed_event_bodies_are_400(handler, load_event, lambda_context, fields, code):
    event = load_event("rest_post_json")
    event.update(fields)
    status, _, error = call(handler, event, lambda_context)
    assert (status, error["error"]) == (400, code)


def test_invalid_explain_query_parameter_is_400(handler, load_event, lambda_context):
    event = post(load_event, "good film", "text/plain", queryStringParameters={"explain": "maybe"})
    status, _, error = call(handler, event, lambda_context)
    assert (status, error["error"]) == (400, "invalid_field_type")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_are_405_with_allow(handler, load_event, lambda_context, method):
    event = load_event("rest_post_json")
    event["httpMethod"] = method
    status, headers, error = call(handler, event, lambda_context)
    assert (status, error["error"], headers["Allow"]) == (405, "method_not_allowed", "POST, OPTIONS")


def test_http_api_event_method_is_read_from_request_context(handler, load_event, lambda_context):
    event = load_event("http_post_json")
    event["requestContext"]["http"]["method"] = "GET"
    status, _, error = call(handler, event, lambda_context)
    assert (status, error["error"]) == (405, "method_not_allowed")


@pytest.mark.parametrize("event", [{}, None, [], "POST", {"httpMethod": 7, "headers": "x", "body": []}])
def test_events_that_are_not_api_gateway_events_get_a_4xx(handler, lambda_context, event):
    status, _, error = call(handler, event, lambda_context)
    assert status == 405 and error["error"] == "method_not_allowed"


@pytest.mark.parametrize("name", ["rest_options_preflight"])
def test_preflight_from_an_allowed_origin(handler, load_event, lambda_context, name):
    status, headers, body = call(handler, load_event(name), lambda_context)
    assert status == 204 and body is None
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"].lower() == "content-type"


def test_preflight_as_http_api_event(handler, load_event, lambda_context):
    event = load_event("http_post_json")
    event["requestContext"]["http"]["method"] = "OPTIONS"
    status, headers, _ = call(handler, event, lambda_context)
    assert status == 204 and headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN


def test_preflight_from_another_origin_is_refused_without_cors_headers(handler, load_event, lambda_context):
    event = load_event("rest_options_preflight")
    event["headers"]["Origin"] = event["multiValueHeaders"]["Origin"][0] = "https://evil.example.net"
    status, headers, error = call(handler, event, lambda_context)
    assert (status, error["error"]) == (403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in headers and headers["Vary"] == "Origin"


def test_wildcard_origin_setting_allows_any_origin(make_handler, vocabulary_path, load_event, lambda_context):
    handler = make_handler(vocabulary_path, ALLOWED_ORIGINS="*")
    event = load_event("rest_options_preflight")
    event["headers"]["Origin"] = "https://anywhere.example.org"
    _, headers, _ = call(handler, event, lambda_context)
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_header_names_are_case_insensitive(handler, load_event, lambda_context):
    event = post(load_event, j({"review": "zzz"}), None)
    event["headers"]["CONTENT-TYPE"] = "Application/JSON"
    status, _, error = call(handler, event, lambda_context)
    assert (status, error["error"]) == (422, "no_known_words")  # got past the content-type check


def test_one_json_log_line_per_request_without_review_text(capsys, handler, load_event, lambda_context):
    secret = "good acting but zzzsecretzzz"
    call(handler, post(load_event, j({"reviews": [secret, "qqq"]})), lambda_context)
    call(handler, load_event("rest_options_preflight"), lambda_context)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["cold_start"] for line in lines] == [True, False]
    first = lines[0]
    assert first["status"] == 422 and first["error"] == "no_known_words" and first["level"] == "INFO"
    assert first["request_id"] == lambda_context.aws_request_id
    assert first["api_request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert {"timestamp", "location", "service", "latency_ms", "reviews", "review_chars"} <= first.keys()
    assert "zzzsecretzzz" not in json.dumps(lines)


def test_an_unexpected_exception_is_a_500_without_details(capsys, handler, load_event, lambda_context, monkeypatch):
    def explode(_request, _fields):
        raise RuntimeError("bug with secret detail")

    monkeypatch.setattr(handler, "predict", explode)
    status, headers, error = call(handler, post(load_event, j({"review": "good"})), lambda_context)
    assert status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert error == {"error": "internal_error", "message": "The service failed unexpectedly."}
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    logged = capsys.readouterr().out
    assert "RuntimeError" in logged  # the traceback is in the log, not in the response


def test_a_review_at_the_normalised_limit_is_classified_not_refused(handler, load_event, lambda_context):
    review = "good " + "\ufdfa" * ((MAX_NORMALIZED_CHARS - 5) // 18)
    status, _, error = call(handler, post(load_event, j({"review": review})), lambda_context)
    assert status == 503 and error["error"] == "endpoint_unavailable"  # got past every limit to the endpoint


def test_a_review_of_the_most_words_allowed_is_classified(handler, load_event, lambda_context):
    status, _, error = call(
        handler, post(load_event, "! " * (MAX_REVIEW_WORDS - 1) + "good", "text/plain"), lambda_context
    )
    assert status == 503 and error["error"] == "endpoint_unavailable"


def test_client_input_in_error_messages_is_cut_short(handler, load_event, lambda_context):
    huge_name = "x" * 300_000
    for body in (j({huge_name: 1}), j({"review": "good", huge_name: 1})):
        _, _, error = call(handler, post(load_event, body), lambda_context)
        assert error["error"] in ("missing_field", "unknown_field")
        assert len(error["message"]) < 200 and "300000 characters" in error["message"]


class FixedEndpoint:
    """Stands in for the endpoint call and answers with the given body."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def invoke(self, _body: bytes) -> bytes:
        return self.body


def logged_statuses(capsys) -> list[int]:
    return [json.loads(line)["status"] for line in capsys.readouterr().out.splitlines() if '"status"' in line]


def test_a_nan_in_the_endpoints_explanation_is_a_502_logged_as_502(capsys, handler, load_event, lambda_context):
    answer = (
        '{"model_version": "m", "predictions": [{"label": "positive", "score": 0.9,'
        ' "explanation": {"positive": [{"term": "good", "weight": NaN}], "negative": []}}]}'
    )
    handler.ENDPOINT = FixedEndpoint(answer.encode())
    status, _, error = call(handler, post(load_event, j({"review": "good", "explain": True})), lambda_context)
    assert (status, error["error"]) == (502, "invalid_model_response")
    assert logged_statuses(capsys) == [502]


def test_a_response_json_cannot_serialise_is_a_500_logged_as_500(
    capsys, handler, load_event, lambda_context, monkeypatch
):
    handler.ENDPOINT = FixedEndpoint(b'{"model_version": "m", "predictions": [{"label": "positive", "score": 0.9}]}')
    monkeypatch.setattr(handler, "format_answer", lambda _request, _answer: {"score": float("nan")})
    status, headers, error = call(handler, post(load_event, j({"review": "good"})), lambda_context)
    assert (status, error["error"]) == (500, "internal_error")
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert logged_statuses(capsys) == [500]
