"""The Lambda behind the API: review text in, the SageMaker model's sentiment out.

It parses and validates the request, vectorises each review with the shared tokeniser and
the vocabulary shipped in the package, sends the sparse vectors to the endpoint and formats
the answer. Configuration, the vocabulary and the boto3 client are built once per container
(at import); every request gets one JSON log line and nothing escapes as an unhandled error.
"""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Any

from lambda_src.cors import allowed_origin, cors_headers, preflight_headers
from lambda_src.endpoint import EndpointAnswer, SageMakerEndpoint, decode_answer, encode_request
from lambda_src.errors import ApiError, Response, internal_error
from lambda_src.http_event import HttpEvent
from lambda_src.json_log import json_logger
from lambda_src.review_request import MAX_REVIEW_WORDS, ReviewRequest, parse_review_request
from lambda_src.settings import Settings
from lambda_src.tokenizer import SparseVector, TooManyWordsError, Vocabulary

SETTINGS = Settings.from_environ()
LOGGER = json_logger("lambda_src.handler", SETTINGS.service, SETTINGS.log_level)
VOCABULARY = Vocabulary.load(SETTINGS.vocabulary_path)
ENDPOINT = SageMakerEndpoint(SETTINGS)
_cold_start = True


def vectorize(request: ReviewRequest) -> list[SparseVector]:
    """Vectors for every review; a review with no known word is refused rather than guessed."""
    vectors = []
    for i, review in enumerate(request.reviews):
        where = f'"reviews"[{i}]' if request.batch else "The review"
        try:
            vector = VOCABULARY.vectorize(review, max_words=MAX_REVIEW_WORDS)
        except TooManyWordsError as error:
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "review_too_long", f"{where} has {error}.") from None
        if not vector.indices:
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "no_known_words",
                f"{where} contains no word the model knows, so it cannot be classified.",
            )
        vectors.append(vector)
    return vectors


def format_answer(request: ReviewRequest, answer: EndpointAnswer) -> dict[str, Any]:
    """The API's response body: one result, or a list for a batch, with the model version."""
    results = []
    for p in answer.predictions:
        result: dict[str, Any] = {"label": p.label, "score": p.score}
        if request.explain and p.explanation is not None:
            result["explanation"] = p.explanation
        results.append(result)
    if request.batch:
        return {"results": results, "model_version": answer.model_version}
    return {**results[0], "model_version": answer.model_version}


def _classify(event: HttpEvent, fields: dict[str, Any]) -> Response:
    if event.method == "OPTIONS":
        if event.header("origin") and allowed_origin(event.header("origin"), SETTINGS.allowed_origins) is None:
            raise ApiError(HTTPStatus.FORBIDDEN, "origin_not_allowed", "This origin may not call the API.")
        return Response(HTTPStatus.NO_CONTENT, None, {"Allow": "POST, OPTIONS", **preflight_headers()})
    if event.method != "POST":
        raise ApiError(
            HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "Use POST to classify reviews.", allow="POST, OPTIONS"
        )
    request = parse_review_request(event.header("content-type"), event.body(), event.query("explain"))
    fields["reviews"] = len(request.reviews)
    fields["review_chars"] = sum(len(r) for r in request.reviews)
    vectors = vectorize(request)
    fields["known_terms"] = sum(len(v.indices) for v in vectors)
    body = encode_request(vectors, VOCABULARY.version, request.explain)
    fields["request_bytes"] = len(body)
    started = time.perf_counter()
    try:
        answer_body = ENDPOINT.invoke(body)
    finally:
        fields["endpoint_ms"] = round((time.perf_counter() - started) * 1000, 2)
    answer = decode_answer(answer_body, VOCABULARY.version, len(vectors))
    fields["model_version"] = answer.model_version
    return Response(HTTPStatus.OK, format_answer(request, answer))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway proxy entry point (payload format 1.0 or 2.0)."""
    global _cold_start
    cold_start, _cold_start = _cold_start, False
    started = time.perf_counter()
    http_event = HttpEvent(event)
    fields: dict[str, Any] = {
        "request_id": getattr(context, "aws_request_id", None),
        "api_request_id": http_event.request_id,
        "cold_start": cold_start,
        "method": http_event.method,
    }
    cors = cors_headers(http_event.header("origin"), SETTINGS.allowed_origins)
    # Serialising is inside the boundary too: a value json refuses must be a 500 we log, not a raw crash.
    try:
        proxy = _classify(http_event, fields).to_proxy(cors)
    except ApiError as error:
        fields["error"] = error.code
        proxy = error.to_response().to_proxy(cors)
    except Exception:
        LOGGER.exception("unhandled error", extra={"fields": fields})
        fields["error"] = "internal_error"
        proxy = internal_error().to_response().to_proxy(cors)
    fields["status"] = proxy["statusCode"]
    fields["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    LOGGER.info("request", extra={"fields": fields})
    return proxy
