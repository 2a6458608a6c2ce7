"""A typed view of an API Gateway proxy event, payload format 1.0 (REST API) or 2.0 (HTTP API).

The two formats put the method, headers and request id in different places, and either may
base64-encode the body; reading them here keeps the handler free of those details. Header
names are case-insensitive, as in HTTP. The accessor never raises on a strange event: missing
or mistyped fields read as absent, so the handler can answer with a 4xx instead of crashing.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from lambda_src.errors import ApiError


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


class HttpEvent:
    """Method, headers, query and body of one API Gateway proxy event."""

    def __init__(self, event: Any) -> None:
        self.raw: Mapping[str, Any] = _mapping(event)
        self.is_v2 = self.raw.get("version") == "2.0"
        context = _mapping(self.raw.get("requestContext"))
        method = _mapping(context.get("http")).get("method") if self.is_v2 else self.raw.get("httpMethod")
        self.method = method.upper() if isinstance(method, str) else ""
        request_id = context.get("requestId")
        self.request_id = request_id if isinstance(request_id, str) else None
        self.headers = self._read_headers()

    def _read_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        # Format 1.0 also carries multiValueHeaders; the single-value map holds the last value of each.
        for name, values in _mapping(self.raw.get("multiValueHeaders")).items():
            if isinstance(name, str) and isinstance(values, list) and values and isinstance(values[-1], str):
                headers[name.lower()] = values[-1]
        for name, value in _mapping(self.raw.get("headers")).items():
            if isinstance(name, str) and isinstance(value, str):
                headers[name.lower()] = value
        return headers

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def query(self, name: str) -> str | None:
        value = _mapping(self.raw.get("queryStringParameters")).get(name)
        return value if isinstance(value, str) else None

    def body(self) -> bytes:
        """The raw request body; base64 is decoded strictly (API Gateway sends binary types so)."""
        body = self.raw.get("body")
        if body is None:
            return b""
        if not isinstance(body, str):
            raise ApiError(HTTPStatus.BAD_REQUEST, "invalid_body", "The request body is not text.")
        if self.raw.get("isBase64Encoded") is True:
            try:
                return base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise ApiError(
                    HTTPStatus.BAD_REQUEST, "invalid_base64", "The body is flagged base64 but is not."
                ) from None
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(HTTPStatus.BAD_REQUEST, "invalid_utf8", "The request body is not valid UTF-8.") from None
