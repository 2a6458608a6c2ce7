"""Turning a request body into the reviews to classify, or a specific 4xx saying what is wrong.

Limits (documented in docs/api.md, "Limits and bad input"):
- ``MAX_BATCH`` reviews per request; a bigger batch is 413 ``batch_too_large``.
- ``MAX_REVIEW_CHARS`` characters per review and ``MAX_NORMALIZED_CHARS`` once Unicode-normalised,
  checked before tokenising, and ``MAX_REVIEW_WORDS`` words, checked before n-grams are built; a longer
  one is 413 ``review_too_long``. These three are ``lambda_src.limits``', shared with the endpoint and
  ``make score``.
- ``MAX_BODY_BYTES`` for the whole body, checked before any parsing.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from lambda_src import strict_json
from lambda_src.errors import ApiError
from lambda_src.limits import ReviewTooLongError, check_review_length

MAX_BATCH = 25
MAX_BODY_BYTES = 1_048_576
JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain"
_FIELDS = frozenset({"review", "reviews", "explain"})


@dataclass(frozen=True)
class ReviewRequest:
    """What the caller asked for: one review or a batch, with or without explanations."""

    reviews: list[str]
    batch: bool
    explain: bool


def _bad_request(code: str, message: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, code, message)


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, or 415 for anything but UTF-8 JSON or plain text."""
    if not content_type:
        raise ApiError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "missing_content_type",
            "Send Content-Type application/json or text/plain.",
        )
    kind, _, params = content_type.partition(";")
    kind = kind.strip().lower()
    if kind not in (JSON_TYPE, TEXT_TYPE):
        raise ApiError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Only application/json and text/plain bodies are accepted.",
        )
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise ApiError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_charset", "The body must be UTF-8.")
    return kind


def _explain_flag(value: str | None) -> bool:
    """The ``explain`` query parameter, the only way a text/plain request can ask for one."""
    if value is None or value.lower() in ("", "false", "0"):
        return False
    if value.lower() in ("true", "1"):
        return True
    raise _bad_request("invalid_field_type", "The explain query parameter must be true or false.")


def _check_review(review: Any, where: str) -> str:
    if not isinstance(review, str):
        raise _bad_request("invalid_field_type", f"{where} must be a string.")
    try:
        check_review_length(review)
    except ReviewTooLongError as error:
        verb = "becomes" if error.normalized else "has"
        raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "review_too_long", f"{where} {verb} {error}.") from None
    if not review.strip():
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "empty_review", f"{where} is empty or only whitespace.")
    return review


def _names(fields: list[str]) -> str:
    """Up to five field names the client sent, each cut short: a key may be 300 kB long."""
    more = f" and {len(fields) - 5} more" if len(fields) > 5 else ""
    return ", ".join(strict_json.quote(name) for name in fields[:5]) + more


def _from_json(text: str, explain_query: str | None) -> ReviewRequest:
    try:
        data = strict_json.loads(text)
    except strict_json.JsonInputError as error:
        if error.kind == strict_json.DUPLICATE_KEY:
            raise _bad_request("duplicate_field", f"The body has a {error}; send each field once.") from None
        raise _bad_request("invalid_json", f"The body is not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise _bad_request("invalid_json_object", 'The body must be a JSON object such as {"review": "..."}.')
    unknown = sorted(set(data) - _FIELDS)
    if "review" in data and "reviews" in data:
        raise _bad_request("conflicting_fields", 'Send either "review" or "reviews", not both.')
    if "review" not in data and "reviews" not in data:
        hint = f" (unknown fields: {_names(unknown)})" if unknown else ""
        raise _bad_request("missing_field", f'The body needs a "review" string or a "reviews" list{hint}.')
    if unknown:
        raise _bad_request("unknown_field", f"Unknown fields: {_names(unknown)}.")
    explain = data.get("explain", _explain_flag(explain_query))
    if not isinstance(explain, bool):
        raise _bad_request("invalid_field_type", '"explain" must be true or false.')
    if "review" in data:
        return ReviewRequest([_check_review(data["review"], '"review"')], batch=False, explain=explain)
    reviews = data["reviews"]
    if not isinstance(reviews, list):
        raise _bad_request("invalid_field_type", '"reviews" must be a list of strings.')
    if not reviews:
        raise ApiError(HTTPStatus.UNPROCESSABLE_ENTITY, "empty_batch", '"reviews" is an empty list.')
    if len(reviews) > MAX_BATCH:
        raise ApiError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "batch_too_large",
            f'"reviews" has {len(reviews)} items; the limit is {MAX_BATCH}.',
        )
    checked = [_check_review(review, f'"reviews"[{i}]') for i, review in enumerate(reviews)]
    return ReviewRequest(checked, batch=True, explain=explain)


def parse_review_request(content_type: str | None, body: bytes, explain_query: str | None = None) -> ReviewRequest:
    """Validate a POST body; raises ``ApiError`` naming the first problem found."""
    kind = media_type(content_type)
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large", f"The body is over {MAX_BODY_BYTES} bytes."
        )
    if not body:
        raise _bad_request("empty_body", "The request body is empty.")
    try:
        text = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise _bad_request("invalid_utf8", "The request body is not valid UTF-8.") from None
    if kind == JSON_TYPE:
        return _from_json(text, explain_query)
    return ReviewRequest([_check_review(text, "The review")], batch=False, explain=_explain_flag(explain_query))
