"""The SageMaker endpoint call: sparse JSON out, predictions back, failures as API errors.

One ``sagemaker-runtime`` client per container, with explicit timeouts and botocore's
standard retries, so a slow or failing endpoint becomes a 502/503/504 well before API
Gateway's 29 s limit. A vector built with another vocabulary is refused by the endpoint
(``vocabulary_mismatch``): a rollout is under way. The handler then sends the raw text instead
(``encode_text_request``), which the endpoint tokenises with its own vocabulary; the mismatch is a
retryable 503 only if it reaches the caller at all.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from lambda_src import strict_json
from lambda_src.errors import ApiError
from lambda_src.settings import Settings
from lambda_src.tokenizer import SparseVector

RETRY_AFTER_THROTTLED = 1
RETRY_AFTER_UNAVAILABLE = 5
RETRY_AFTER_ROLLOUT = 30
_THROTTLED = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "ModelNotReadyException"})
_UNAVAILABLE = frozenset({"ServiceUnavailable", "InternalDependencyException"})
MAX_EXPLANATION_TERMS = 50
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float
    explanation: dict[str, Any] | None
    known_terms: int | None = None  # only for texts the endpoint tokenised itself


@dataclass(frozen=True)
class EndpointAnswer:
    model_version: str
    vocabulary_version: str | None
    predictions: list[Prediction]


class VocabularyMismatch(ApiError):
    """The endpoint serves another vocabulary than the vector was built with (a rollout is in flight)."""

    def __init__(self) -> None:
        super().__init__(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "vocabulary_mismatch",
            "The model is being updated; retry shortly.",
            retry_after=RETRY_AFTER_ROLLOUT,
        )


def encode_request(vectors: Sequence[SparseVector], vocabulary_version: str, explain: bool) -> bytes:
    """The sparse JSON body of CONTRACTS.md: indices and values per review, plus the vocabulary id."""
    instances = [{"indices": v.indices, "values": v.values} for v in vectors]
    payload = {"instances": instances, "vocabulary_version": vocabulary_version, "explain": explain}
    return json.dumps(payload, separators=(",", ":")).encode()


def encode_text_request(texts: Sequence[str], explain: bool) -> bytes:
    """The raw reviews, for the endpoint to tokenise with its own vocabulary (no index crosses vocabularies).

    UTF-8 rather than ``\\u`` escapes, so the body stays within the API's own 1 MiB limit plus a little.
    A lone surrogate (a caller may send ``\\ud800`` in JSON; UTF-8 has no encoding for it) leaves as the
    same six-character escape it arrived as, so the endpoint tokenises exactly the string the Lambda
    holds: the tokeniser reads it as a separator, like punctuation, and the label is the vector route's.
    (``json`` joins an escaped pair into one character, so the Lambda never holds a high surrogate right
    before a low one, and each escape reads back alone.)
    """
    payload = {"instances": [{"text": text} for text in texts], "explain": explain}
    document = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", document).encode()


def _invalid_answer(detail: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_GATEWAY, "invalid_model_response", f"The model answered unexpectedly ({detail}).")


def decode_answer(body: bytes, expected: int, vocabulary_version: str | None = None) -> EndpointAnswer:
    """Check the endpoint's JSON answer against what was asked; anything off is a 502, not a guess.

    ``vocabulary_version`` is the one the request's vectors were built with (None for raw texts, which
    the endpoint tokenised itself and whose predictions must then say how many terms it knew).
    """
    try:
        data = strict_json.loads(body.decode("utf-8"))
        predictions = data["predictions"]
        version = data.get("vocabulary_version")
        model_version = data["model_version"]
    except (ValueError, TypeError, KeyError, AttributeError):  # UnicodeDecodeError and JsonInputError too
        raise _invalid_answer("not the expected JSON") from None
    if vocabulary_version is not None and version is not None and version != vocabulary_version:
        raise VocabularyMismatch()
    if not isinstance(model_version, str):
        raise _invalid_answer("model_version is not a string")
    if not isinstance(predictions, list) or len(predictions) != expected:
        raise _invalid_answer("wrong number of predictions")
    out = []
    for p in predictions:
        if not isinstance(p, dict) or p.get("label") not in ("positive", "negative"):
            raise _invalid_answer("missing label")
        score = p.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0.0 <= score <= 1.0:
            raise _invalid_answer("score is not a probability")
        known_terms = p.get("known_terms")
        if vocabulary_version is None and (type(known_terms) is not int or known_terms < 0):
            raise _invalid_answer("no known_terms for a text")
        out.append(Prediction(p["label"], float(score), _explanation(p.get("explanation")), known_terms))
    return EndpointAnswer(model_version, version if isinstance(version, str) else None, out)


def _explanation(value: Any) -> dict[str, Any] | None:
    """The explanation exactly as the API documents it, or a 502: the page renders its terms and weights."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"positive", "negative"}:
        raise _invalid_answer("explanation is not a positive and a negative list")
    for side, terms in value.items():
        if not isinstance(terms, list) or len(terms) > MAX_EXPLANATION_TERMS:
            raise _invalid_answer(f"explanation {side} is not a short list")
        for term in terms:
            if not isinstance(term, dict) or set(term) != {"term", "weight"} or not isinstance(term["term"], str):
                raise _invalid_answer("explanation term is malformed")
            weight = term["weight"]
            if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
                raise _invalid_answer("explanation weight is not a finite number")
    return value


def map_client_error(error: ClientError) -> ApiError:
    """A sagemaker-runtime error response as the API error the caller should see."""
    code = error.response.get("Error", {}).get("Code", "")
    if code == "ModelError":
        if "vocabulary_mismatch" in str(error.response.get("OriginalMessage", "")):
            return VocabularyMismatch()
        return ApiError(HTTPStatus.BAD_GATEWAY, "model_error", "The model failed to answer.")
    if code in _THROTTLED:
        return ApiError(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "endpoint_throttled",
            "Too many requests; retry shortly.",
            retry_after=RETRY_AFTER_THROTTLED,
        )
    if code in _UNAVAILABLE:
        return ApiError(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "endpoint_unavailable",
            "The model is unavailable; retry shortly.",
            retry_after=RETRY_AFTER_UNAVAILABLE,
        )
    return ApiError(HTTPStatus.BAD_GATEWAY, "endpoint_error", "The model endpoint refused the request.")


class SageMakerEndpoint:
    """The endpoint named in the settings, reached through one long-lived client."""

    def __init__(self, settings: Settings) -> None:
        self.name = settings.endpoint_name
        config = Config(
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            tcp_keepalive=True,
        )
        self.client = boto3.client("sagemaker-runtime", endpoint_url=settings.endpoint_url, config=config)

    def invoke(self, body: bytes) -> bytes:
        """POST the body to the endpoint; every failure comes back as an ``ApiError``."""
        try:
            response = self.client.invoke_endpoint(
                EndpointName=self.name, Body=body, ContentType="application/json", Accept="application/json"
            )
            return response["Body"].read()
        except ClientError as error:
            raise map_client_error(error) from error
        except (ReadTimeoutError, ConnectTimeoutError) as error:
            raise ApiError(
                HTTPStatus.GATEWAY_TIMEOUT, "endpoint_timeout", "The model did not answer in time."
            ) from error
        except EndpointConnectionError as error:
            raise ApiError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "endpoint_unavailable",
                "The model endpoint cannot be reached.",
                retry_after=RETRY_AFTER_UNAVAILABLE,
            ) from error
        except BotoCoreError as error:
            raise ApiError(HTTPStatus.BAD_GATEWAY, "endpoint_error", "The model endpoint call failed.") from error
