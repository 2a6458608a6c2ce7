"""SageMaker scikit-learn serving entry point (``SAGEMAKER_PROGRAM=inference.py``): ``model_fn`` and ``transform_fn``.

Shipped in ``model.tar.gz`` as ``code/inference.py`` beside ``code/serving/`` (the request
handling, one job a module) and ``code/lambda_src/`` (the tokeniser and strict JSON); the container
puts ``code/`` on ``sys.path``, so the same imports work there and in the repository.

Why ``transform_fn`` and not ``input_fn``/``predict_fn``/``output_fn``: the image (1.4-2) serves through
sagemaker-containers 2.8.6, whose ``Transformer`` wraps every user function in
``error_wrapper(fn, ClientError)``; any exception, our ``InferenceError`` included, becomes a generic
HTTP 500, and a 409 ``vocabulary_mismatch``, 400, 413, 415 or 406 would never reach the caller. Only
a returned response keeps its status, body and content type, so ``transform_fn`` answers every bad
request itself (serving.transform) and returns the library's ``worker.Response``. The image's
serving.py refuses a script that defines ``transform_fn`` together with any of the other three, so
this module defines only these two.

``application/jsonlines`` (Batch Transform) answers with exactly one line per input line, in order and
without a trailing newline (``AssembleWith=Line`` adds one after each answer). Only a body that is not
JSON Lines at all (too large, not UTF-8) is refused whole, which fails the job.
"""

from __future__ import annotations

import functools
from typing import Any

from serving.errors import (
    InferenceError,
    PayloadTooLargeError,
    UnsupportedAcceptError,
    UnsupportedContentTypeError,
    VocabularyMismatchError,
)
from serving.limits import (
    MAX_BODY_BYTES,
    MAX_INSTANCES,
    MAX_NORMALIZED_CHARS,
    MAX_TEXT_CHARS,
    MAX_TEXT_WORDS,
)
from serving.sentiment_model import SentimentModel, load_model
from serving.transform import transform

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
    "model_fn",
    "transform_fn",
]


def model_fn(model_dir: str) -> SentimentModel:
    """Load the classifier from its version-free parameters and the vocabulary beside it."""
    return load_model(model_dir)


def transform_fn(model: SentimentModel, request_body: bytes | str, content_type: str, accept: str) -> Any:
    """One request, answered with its own status: 200 with JSON or JSON Lines, or 4xx with ``{"error": ...}``."""
    answer = transform(model, request_body, content_type, accept)
    return response_class()(response=answer.body, status=answer.status, mimetype=answer.content_type)


@functools.cache
def response_class() -> type:
    """The image's ``worker.Response``; outside the image (``make score``, tests) Flask's, which it extends.

    The worker returns either unchanged (both are Flask responses); a ``(body, content_type)`` tuple would
    lose the status (``Transformer.transform`` rebuilds it as a 200).
    """
    try:
        from sagemaker_containers.beta.framework import worker
    except ImportError:
        from flask import Response

        return Response
    return worker.Response
