"""Errors a request can cause, each with the HTTP status the model server answers with."""

from __future__ import annotations


class InferenceError(ValueError):
    """A request the model cannot answer; ``status_code`` is the HTTP status a server should use."""

    status_code = 400


class PayloadTooLargeError(InferenceError):
    status_code = 413


class UnsupportedContentTypeError(InferenceError):
    status_code = 415


class UnsupportedAcceptError(InferenceError):
    status_code = 406


class VocabularyMismatchError(InferenceError):
    """The vector was built with another vocabulary: its indices mean other words.

    The message starts with ``vocabulary_mismatch:`` so a caller can recognise it in the
    container's error body (SageMaker passes that on as ``OriginalMessage``).
    """

    status_code = 409
