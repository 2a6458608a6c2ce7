"""A local SageMaker endpoint for model.tar.gz, runnable without Docker or AWS.

It serves the model the way the SageMaker scikit-learn container does: the archive's
``code/`` directory goes on ``sys.path``, ``SAGEMAKER_PROGRAM`` (default ``inference.py``) is
imported, ``model_fn`` runs once per gunicorn worker and each request goes through
``input_fn`` -> ``predict_fn`` -> ``output_fn``. Routes:

- the container contract: ``GET /ping``, ``POST /invocations``; errors are the container's
  status (415 unsupported content type, 409 vocabulary mismatch, 400 other ``input_fn``
  errors, 406 unsupported accept, 500 anything else) with a JSON ``{"error": message}`` body;
- the runtime API: ``POST /endpoints/<name>/invocations``, so an unmodified boto3
  ``sagemaker-runtime`` client with ``endpoint_url`` works; a container error becomes what
  AWS sends, HTTP 424 ``ModelError`` with ``OriginalStatusCode`` and ``OriginalMessage``.

A body over ``MAX_REQUEST_BYTES`` (InvokeEndpoint's 6 MB payload limit) is refused with 413
before it is read. A model.tar.gz is extracted into a cache only its user can write, because
the server imports and runs the code it finds there.

(The container's own serving package, sagemaker-containers, does not import on Python 3.11.)
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import logging
import os
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication
from werkzeug.exceptions import RequestEntityTooLarge

from scripts.local_aws.local_aws_shared.model_error import MODEL_ERROR_STATUS, model_error_body
from scripts.local_aws.local_aws_shared.private_directory import private_directory
from training.atomic_directory import build_once

LOGGER = logging.getLogger(__name__)
# The content types the container hands to input_fn as text (sagemaker-containers' UTF8_TYPES).
UTF8_TYPES = ("application/json", "text/csv")
DEFAULT_ACCEPT = "application/json"
FAKE_ACCOUNT = "000000000000"
MAX_REQUEST_BYTES = 6 * 1024 * 1024


def default_cache_root() -> Path:
    """Per-user, so another user of the machine cannot plant a model (code we would import) there."""
    return Path(tempfile.gettempdir()) / f"imdb-sentiment-endpoint-{os.getuid()}"


def resolve_model_dir(model: Path, cache_root: Path | None = None) -> Path:
    """An extracted model directory; a model.tar.gz is unpacked once into a cache keyed by its hash.

    The server imports the code it finds there, so a directory is trusted only once complete: the archive is
    extracted into a private directory, marked complete last and renamed into place
    (``<cache>/<hash>/model``, training.atomic_directory), so servers started together never see a
    half-extracted model, and one left by a killed extraction (or an older, unmarked cache) is extracted
    again. The cache root must be private to this user.
    """
    if model.is_dir():
        return model.resolve()
    if not model.is_file():
        raise SystemExit(f"model not found: {model} (run `make train` or pass --model)")
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    try:
        root = private_directory(cache_root or default_cache_root(), "model cache")
    except PermissionError as error:
        raise SystemExit(str(error)) from error

    def fill(folder: Path) -> None:
        with tarfile.open(model, "r:*") as archive:
            archive.extractall(folder / "model", filter="data")

    return build_once(root / digest[:16], digest, fill) / "model"


def load_inference_module(model_dir: Path, program: str) -> ModuleType:
    """Import the model's entry point from model_dir/code, as the container does."""
    code_dir = model_dir / "code"
    if not (code_dir / program).is_file():
        raise SystemExit(f"{code_dir / program} not found: is {model_dir} an extracted model.tar.gz?")
    sys.path.insert(0, str(code_dir))
    return importlib.import_module(Path(program).stem)


@dataclass(frozen=True)
class Answer:
    """What the container answers: status, body and its content type."""

    status: int
    body: bytes
    content_type: str

    @classmethod
    def error(cls, status: HTTPStatus, message: str) -> Answer:
        return cls(int(status), json.dumps({"error": message}).encode(), "application/json")


class ModelServer:
    """The loaded model and the inference functions of its entry point."""

    def __init__(self, model_dir: Path, program: str = "inference.py") -> None:
        self.module = load_inference_module(model_dir, program)
        self.model = self.module.model_fn(str(model_dir))
        self._unsupported = getattr(self.module, "UnsupportedContentTypeError", None) or ()
        self._mismatch = getattr(self.module, "VocabularyMismatchError", None) or ()

    def error_status(self, error: Exception, phase: str) -> HTTPStatus:
        """The container's status for an exception: the error's own ``status_code`` if it has one,
        else 415/409/400 for a bad request found by ``input_fn`` and 500 for anything else."""
        status = getattr(error, "status_code", None)
        if isinstance(status, int) and 400 <= status <= 599:
            return HTTPStatus(status)
        if self._unsupported and isinstance(error, self._unsupported):
            return HTTPStatus.UNSUPPORTED_MEDIA_TYPE if phase == "input_fn" else HTTPStatus.NOT_ACCEPTABLE
        if (self._mismatch and isinstance(error, self._mismatch)) or str(error).startswith("vocabulary_mismatch"):
            return HTTPStatus.CONFLICT
        if phase == "input_fn" and isinstance(error, ValueError):
            return HTTPStatus.BAD_REQUEST
        return HTTPStatus.INTERNAL_SERVER_ERROR

    def _fail(self, error: Exception, phase: str) -> Answer:
        status = self.error_status(error, phase)
        if status >= 500:
            LOGGER.exception("%s failed", phase)
            return Answer.error(status, f"{phase} failed: {type(error).__name__}: {error}")
        return Answer.error(status, str(error))

    def invoke(self, body: bytes | str, content_type: str | None, accept: str) -> Answer:
        """input_fn -> predict_fn -> output_fn, a failure in each mapped to the container's status."""
        try:
            data = self.module.input_fn(body, content_type)
        except Exception as error:
            return self._fail(error, "input_fn")
        try:
            prediction = self.module.predict_fn(data, self.model)
        except Exception as error:
            return self._fail(error, "predict_fn")
        try:
            result = self.module.output_fn(prediction, accept)
        except Exception as error:
            return self._fail(error, "output_fn")
        response_type = accept if "," not in accept and "*" not in accept else DEFAULT_ACCEPT
        if isinstance(result, tuple):
            result, response_type = result
        if isinstance(result, Response):
            return Answer(result.status_code, result.get_data(), result.content_type or response_type)
        return Answer(200, result if isinstance(result, bytes) else str(result).encode(), response_type)


def _model_error(name: str, region: str, answer: Answer) -> Response:
    """The runtime API's answer to a non-2xx container response: AWS's ModelError (local_aws_shared.model_error)."""
    body = model_error_body(name, region, FAKE_ACCOUNT, answer.status, answer.body.decode("utf-8", "replace"))
    return Response(json.dumps(body), MODEL_ERROR_STATUS, {"x-amzn-ErrorType": "ModelError"}, "application/json")


def _validation_error(message: str) -> Response:
    body = json.dumps({"message": message})
    return Response(body, HTTPStatus.BAD_REQUEST, {"x-amzn-ErrorType": "ValidationError"}, "application/json")


def create_app(model_dir: Path, program: str = "inference.py", endpoint_name: str | None = None) -> Flask:
    """The Flask app of one worker; the model is loaded here, once."""
    server = ModelServer(model_dir, program)
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge) -> Response:
        message = f"Request body is over the {MAX_REQUEST_BYTES}-byte payload limit."
        if request.path.startswith("/endpoints/"):  # the runtime API refuses it itself, as a ValidationError
            body = json.dumps({"message": message})
            return Response(body, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"x-amzn-ErrorType": "ValidationError"},
                            content_type="application/json")  # fmt: skip
        return Response(json.dumps({"error": message}), HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        content_type="application/json")  # fmt: skip

    def run_model() -> Answer:
        accept = request.headers.get("Accept") or DEFAULT_ACCEPT
        accept = DEFAULT_ACCEPT if accept == "*/*" else accept
        body = request.get_data(as_text=request.mimetype in UTF8_TYPES)
        return server.invoke(body, request.content_type or None, accept)

    @app.get("/ping")
    def ping() -> Response:
        return Response("", HTTPStatus.OK)

    @app.post("/invocations")
    def invocations() -> Response:
        answer = run_model()
        return Response(answer.body, answer.status, content_type=answer.content_type)

    @app.post("/endpoints/<name>/invocations")
    def runtime_invoke(name: str) -> Response:
        if endpoint_name is not None and name != endpoint_name:
            return _validation_error(f"Endpoint {name} of account {FAKE_ACCOUNT} not found.")
        answer = run_model()
        if not 200 <= answer.status < 300:
            return _model_error(name, region, answer)
        headers = {"x-Amzn-Invoked-Production-Variant": "AllTraffic"}
        return Response(answer.body, HTTPStatus.OK, headers, content_type=answer.content_type)

    return app


class _Gunicorn(BaseApplication):
    """gunicorn run in-process; each worker builds its own app (and loads the model) after the fork."""

    def __init__(self, options: dict[str, Any], model_dir: Path, program: str, endpoint_name: str | None) -> None:
        self.options = options
        self.model_dir, self.program, self.endpoint_name = model_dir, program, endpoint_name
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.model_dir, self.program, self.endpoint_name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.serve_endpoint", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", type=Path, default=Path("artifacts/model.tar.gz"), help="model.tar.gz or its extracted directory"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    # The container reads the same two settings from these variables.
    workers = int(os.environ.get("SAGEMAKER_MODEL_SERVER_WORKERS", "2"))
    timeout = int(os.environ.get("SAGEMAKER_MODEL_SERVER_TIMEOUT", "60"))
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn worker processes")
    parser.add_argument("--timeout", type=int, default=timeout, help="worker timeout in seconds (SageMaker allows 60)")
    parser.add_argument("--endpoint-name", help="answer only this name on /endpoints/<name>/invocations")
    parser.add_argument(
        "--cache-dir", type=Path, help="where a model.tar.gz is extracted; must be yours alone (default: a 0700 "
        "directory per user under the temp dir)"
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    model_dir = resolve_model_dir(args.model, args.cache_dir)
    program = os.environ.get("SAGEMAKER_PROGRAM", "inference.py")
    if not (model_dir / "code" / program).is_file():
        raise SystemExit(f"{model_dir / 'code' / program} not found: is {args.model} a model.tar.gz from `make train`?")
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "timeout": args.timeout,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
    }
    _Gunicorn(options, model_dir, program, args.endpoint_name).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
