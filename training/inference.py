"""SageMaker scikit-learn serving entry point (``SAGEMAKER_PROGRAM=inference.py``).

Shipped in ``model.tar.gz`` as ``code/inference.py`` beside ``code/training/serving/`` (the request
handling, one job a module) and ``code/lambda_src/`` (the tokeniser and strict JSON); the container
puts ``code/`` on ``sys.path``, so the same imports work there and in the repository.
The container calls ``model_fn`` once, then ``input_fn`` -> ``predict_fn`` -> ``output_fn`` per
request. ``input_fn`` only parses (it never sees the model); everything that depends on the
model (vocabulary version, vector length, index range) is checked in ``predict_fn``.

``application/jsonlines`` (Batch Transform) answers with exactly one line per input line, in order and
without a trailing newline (``AssembleWith=Line`` adds one after each answer). Only a body that is not
JSON Lines at all (too large, not UTF-8) is refused whole, which fails the job.
Malformed or oversized input is an ``InferenceError`` (4xx), never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from lambda_src import strict_json
from training.serving.errors import (
    InferenceError,
    PayloadTooLargeError,
    UnsupportedAcceptError,
    UnsupportedContentTypeError,
    VocabularyMismatchError,
)
from training.serving.json_lines import parse_lines, predict_lines
from training.serving.limits import (
    MAX_BODY_BYTES,
    MAX_INSTANCES,
    MAX_NORMALIZED_CHARS,
    MAX_TEXT_CHARS,
    MAX_TEXT_WORDS,
    check_body_size,
    check_text,
)
from training.serving.parsing import decode, parse_csv, parse_json
from training.serving.request import ParsedRequest
from training.serving.scoring import predict
from training.serving.sentiment_model import SentimentModel, load_model

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_INSTANCES",
    "MAX_NORMALIZED_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TEXT_WORDS",
    "InferenceError",
    "PayloadTooLargeError",
    "SentimentModel",
    "UnsupportedAcceptError",
    "UnsupportedContentTypeError",
    "VocabularyMismatchError",
    "input_fn",
    "model_fn",
    "output_fn",
    "predict_fn",
]

JSON = "application/json"
CSV = "text/csv"
TEXT = "text/plain"
JSON_LINES = "application/jsonlines"
CONTENT_TYPES = (JSON, JSON_LINES, CSV, TEXT)


def model_fn(model_dir: str) -> SentimentModel:
    """Load the classifier from its version-free parameters and the vocabulary beside it."""
    return load_model(model_dir)


def input_fn(input_data: bytes | str, content_type: str) -> ParsedRequest:
    """Parse a request body; raise ``InferenceError`` subclasses with a clear message."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in CONTENT_TYPES:
        raise UnsupportedContentTypeError(
            f"unsupported content type {strict_json.quote(content_type)}: use {', '.join(CONTENT_TYPES)}"
        )
    check_body_size(input_data)
    text = decode(input_data)
    if media_type == JSON:
        return parse_json(text)
    if media_type == JSON_LINES:
        return ParsedRequest(lines=parse_lines(text))
    if media_type == CSV:
        return parse_csv(text)
    return ParsedRequest(texts=[check_text(text)])


def predict_fn(data: ParsedRequest, model: SentimentModel) -> dict[str, Any]:
    """Score every instance (each JSON Lines record on its own); explain the strongest terms when asked."""
    if data.lines is not None:
        return predict_lines(data.lines, model)
    return predict(data, model)


def output_fn(prediction: dict[str, Any], accept: str) -> bytes:
    """Serialise predictions as JSON, or as JSON Lines (one prediction a line, no trailing newline)."""
    accepted = [part.split(";")[0].strip().lower() for part in (accept or JSON).split(",")]
    if JSON_LINES in accepted and JSON not in accepted:
        return "\n".join(json.dumps(line) for line in prediction["predictions"]).encode("utf-8")
    if not any(media in (JSON, "*/*", "application/*") for media in accepted):
        raise UnsupportedAcceptError(
            f"unsupported accept type {strict_json.quote(accept)}: responses are {JSON} or {JSON_LINES}"
        )
    return json.dumps(prediction).encode("utf-8")
