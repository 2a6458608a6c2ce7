"""Media types: which request bodies the endpoint reads, which answer an Accept header asks for, its bytes.

Both checks are cheap and run before the body is parsed, so a request the endpoint cannot answer costs no
parsing or scoring.
"""

from __future__ import annotations

import json
from typing import Any

from lambda_src import strict_json
from serving.errors import UnsupportedAcceptError, UnsupportedContentTypeError

JSON = "application/json"
CSV = "text/csv"
TEXT = "text/plain"
JSON_LINES = "application/jsonlines"
REQUEST_TYPES = (JSON, JSON_LINES, CSV, TEXT)


def request_type(content_type: str | None) -> str:
    """The request body's media type (parameters dropped); 415 for one the endpoint does not read."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in REQUEST_TYPES:
        raise UnsupportedContentTypeError(
            f"unsupported content type {strict_json.quote(content_type)}: use {', '.join(REQUEST_TYPES)}"
        )
    return media_type


def response_type(accept: str | None) -> str:
    """JSON Lines when asked for without JSON, else JSON when acceptable; 406 for anything else."""
    accepted = [part.split(";")[0].strip().lower() for part in (accept or JSON).split(",")]
    if JSON_LINES in accepted and JSON not in accepted:
        return JSON_LINES
    if not any(media in (JSON, "*/*", "application/*") for media in accepted):
        raise UnsupportedAcceptError(
            f"unsupported accept type {strict_json.quote(accept)}: responses are {JSON} or {JSON_LINES}"
        )
    return JSON


def serialise(prediction: dict[str, Any], media_type: str) -> bytes:
    """JSON, or JSON Lines: one prediction a line, no trailing newline (``AssembleWith=Line`` adds one)."""
    if media_type == JSON_LINES:
        return "\n".join(json.dumps(line) for line in prediction["predictions"]).encode("utf-8")
    return json.dumps(prediction).encode("utf-8")
