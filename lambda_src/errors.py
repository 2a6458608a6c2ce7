"""Errors the API answers with, and the one place they become proxy responses.

Every failure the handler can foresee is an ``ApiError`` carrying its ``HTTPStatus`` and a
stable machine-readable code, so callers can branch on ``error`` and humans read ``message``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Response:
    """An API Gateway proxy response (valid for payload formats 1.0 and 2.0)."""

    status: HTTPStatus
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def to_proxy(self, extra_headers: dict[str, str]) -> dict[str, Any]:
        headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", **self.headers, **extra_headers}
        if self.body is None:
            return {"statusCode": int(self.status), "headers": headers, "body": "", "isBase64Encoded": False}
        headers["Content-Type"] = JSON_CONTENT_TYPE
        body = json.dumps(self.body, separators=(",", ":"), allow_nan=False)
        return {"statusCode": int(self.status), "headers": headers, "body": body, "isBase64Encoded": False}


class ApiError(Exception):
    """A request the API refuses or cannot serve; never carries review text or a stack trace."""

    def __init__(
        self, status: HTTPStatus, code: str, message: str, *, retry_after: int | None = None, allow: str | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.allow = allow

    def to_response(self) -> Response:
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.allow is not None:
            headers["Allow"] = self.allow
        return Response(self.status, {"error": self.code, "message": self.message}, headers)


def internal_error() -> ApiError:
    """What the caller sees for a bug: a 500 with no detail (the log has the traceback)."""
    return ApiError(HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "The service failed unexpectedly.")
