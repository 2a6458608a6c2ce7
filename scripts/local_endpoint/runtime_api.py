"""What SageMaker puts in front of a model container: the payload limit and the runtime API's route.

A WSGI layer around the container's app (container.py):

- a body over ``MAX_REQUEST_BYTES`` (InvokeEndpoint's 6 MB payload limit) is refused with 413 before the
  container reads it: JSON ``{"error": ...}`` on the container's own ``/invocations``, a ``ValidationError`` on
  the runtime route; a body without a length is read only up to the limit. The rest of a refused body is
  read and dropped in small pieces (up to ``DRAIN_BYTES``), so the client gets the answer instead of a reset
  connection;
- ``POST /endpoints/<name>/invocations`` is the runtime API, so an unmodified boto3 ``sagemaker-runtime`` client
  with ``endpoint_url`` works: the request goes to the container's ``/invocations`` and a non-2xx answer
  becomes what AWS sends, HTTP 424 ``ModelError`` with ``OriginalStatusCode`` and ``OriginalMessage``
  (local_aws_shared.model_error);
- everything else (``/ping``, ``/invocations``) is the container's answer, untouched.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from scripts.local_aws.local_aws_shared.model_error import MODEL_ERROR_STATUS, model_error_body

MAX_REQUEST_BYTES = 6 * 1024 * 1024
FAKE_ACCOUNT = "000000000000"
DRAIN_BYTES = 16 * MAX_REQUEST_BYTES
RUNTIME_ROUTE = re.compile(r"^/endpoints/([^/]+)/invocations$")

WsgiApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


def _answer(start_response: Callable, status: int, body: dict[str, Any], headers: dict[str, str]) -> list[bytes]:
    data = json.dumps(body).encode("utf-8")
    start_response(
        f"{status} {HTTPStatus(status).phrase}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *headers.items()],
    )
    return [data]


def _body_too_large(environ: dict[str, Any]) -> bool:
    """Whether the body is over the limit; a body without Content-Length is read (up to the limit) and kept."""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return int(length) > MAX_REQUEST_BYTES
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() != "chunked":
        return False
    body = environ["wsgi.input"].read(MAX_REQUEST_BYTES + 1)
    if len(body) > MAX_REQUEST_BYTES:
        return True
    environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    return False


def _drain(environ: dict[str, Any]) -> None:
    """Read and drop what is left of a refused body, 64 KiB at a time, at most ``DRAIN_BYTES``."""
    stream, left = environ["wsgi.input"], DRAIN_BYTES
    while left > 0 and (piece := stream.read(min(65536, left))):
        left -= len(piece)


class RuntimeApi:
    """The container's app behind SageMaker's payload limit, with the runtime API's route added."""

    def __init__(self, container: WsgiApp, endpoint_name: str | None, region: str) -> None:
        self.container, self.endpoint_name, self.region = container, endpoint_name, region

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        route = RUNTIME_ROUTE.match(environ.get("PATH_INFO", ""))
        if _body_too_large(environ):
            _drain(environ)
            message = f"Request body is over the {MAX_REQUEST_BYTES}-byte payload limit."
            if route:  # the runtime API refuses it itself, as a ValidationError
                headers = {"x-amzn-ErrorType": "ValidationError"}
                return _answer(start_response, 413, {"message": message}, headers)
            return _answer(start_response, 413, {"error": message}, {})
        if route is None or environ.get("REQUEST_METHOD") != "POST":
            return self.container(environ, start_response)
        name = route.group(1)
        if self.endpoint_name is not None and name != self.endpoint_name:
            message = f"Endpoint {name} of account {FAKE_ACCOUNT} not found."
            return _answer(start_response, 400, {"message": message}, {"x-amzn-ErrorType": "ValidationError"})
        return self._invoke(name, environ, start_response)

    def _invoke(self, name: str, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """The container's answer to the same request on ``/invocations``, as InvokeEndpoint passes it on."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            captured.update(status=int(status.split()[0]), headers=headers)
            return lambda _data: None

        result = self.container({**environ, "PATH_INFO": "/invocations"}, capture)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        status = captured["status"]
        if not 200 <= status < 300:
            error = model_error_body(name, self.region, FAKE_ACCOUNT, status, body.decode("utf-8", "replace"))
            return _answer(start_response, MODEL_ERROR_STATUS, error, {"x-amzn-ErrorType": "ModelError"})
        content_type = next((v for k, v in captured["headers"] if k.lower() == "content-type"), "application/json")
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response("200 OK", [*headers, ("x-Amzn-Invoked-Production-Variant", "AllTraffic")])
        return [body]
