"""The Lambda behind the API: review text in, the SageMaker model's sentiment out.

It parses and validates the request, vectorises each review with the shared tokeniser and
the vocabulary shipped in the package, sends the sparse vectors to the endpoint and formats
the answer. While the endpoint serves another vocabulary (a rollout), it sends the raw reviews
instead, so the answer is always the serving model's own (see ``vocabulary_route``).
Configuration, the vocabulary and the boto3 client are built once per container (at import);
every request gets one JSON log line, carrying the handler's metrics in CloudWatch's embedded
metric format, and nothing escapes as an unhandled error.
"""

from __future__ import annotations

import logging
import time
from http import HTTPStatus
from typing import Any

from lambda_src.cors import allowed_origin, cors_headers, preflight_headers
from lambda_src.endpoint import (
    EndpointAnswer,
    SageMakerEndpoint,
    VocabularyMismatch,
    decode_answer,
    encode_request,
    encode_text_request,
)
from lambda_src.errors import ApiError, Response, internal_error
from lambda_src.http_event import HttpEvent
from lambda_src.json_log import json_logger
from lambda_src.limits import MAX_REVIEW_WORDS
from lambda_src.metrics import metric_fields
from lambda_src.review_request import ReviewRequest, parse_review_request
from lambda_src.settings import Settings
from lambda_src.tokenizer import SparseVector, TooManyWordsError, Vocabulary
from lambda_src.vocabulary_route import VocabularyRoute

SETTINGS = Settings.from_environ()
LOGGER = json_logger("lambda_src.handler", SETTINGS.service, SETTINGS.log_level)
VOCABULARY = Vocabulary.load(SETTINGS.vocabulary_path)
ENDPOINT = SageMakerEndpoint(SETTINGS)
ROUTE = VocabularyRoute(VOCABULARY.version)
_cold_start = True


def _where(request: ReviewRequest, i: int) -> str:
    return f'"reviews"[{i}]' if request.batch else "The review"


def vectorize(request: ReviewRequest) -> list[SparseVector]:
    """Vectors for every review, within the word limit (checked while tokenising, before n-grams are built).

    Done whatever the route, so the limit holds while the endpoint serves another vocabulary too.
    """
    vectors = []
    for i, review in enumerate(request.reviews):
        try:
            vectors.append(VOCABULARY.vectorize(review, max_words=MAX_REVIEW_WORDS))
        except TooManyWordsError as error:
            where = _where(request, i)
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "review_too_long", f"{where} has {error}.") from None
    return vectors


def refuse_unknown(request: ReviewRequest, known_terms: list[int]) -> None:
    """A review with no word the answering model knows is refused rather than guessed."""
    for i, known in enumerate(known_terms):
        if not known:
            where = _where(request, i)
            raise ApiError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "no_known_words",
                f"{where} contains no word the model knows, so it cannot be classified.",
            )


def _invoke(body: bytes, fields: dict[str, Any]) -> bytes:
    fields["request_bytes"] = fields.get("request_bytes", 0) + len(body)
    started = time.perf_counter()
    try:
        return ENDPOINT.invoke(body)
    finally:
        fields["endpoint_ms"] = round(fields.get("endpoint_ms", 0) + (time.perf_counter() - started) * 1000, 2)


def predict(request: ReviewRequest, fields: dict[str, Any]) -> EndpointAnswer:
    """The serving model's answer: from our vectors while it serves our vocabulary, else from the raw text.

    Which vocabulary decides ``no_known_words``: ours while the endpoint serves it (checked before any call),
    the endpoint's own when it tokenises the text (it says how many terms it knew per review).
    """
    vectors = vectorize(request)
    if ROUTE.sends_vectors:
        refuse_unknown(request, [len(v.indices) for v in vectors])
        fields["known_terms"] = sum(len(v.indices) for v in vectors)
        try:
            body = _invoke(encode_request(vectors, VOCABULARY.version, request.explain), fields)
            answer = decode_answer(body, len(vectors), VOCABULARY.version)
        except VocabularyMismatch:
            fields["vocabulary_mismatch"] = True
            ROUTE.refused()
        else:
            ROUTE.answered_with(answer.vocabulary_version)
            return answer
    fields["text_fallback"] = True
    answer = decode_answer(_invoke(encode_text_request(request.reviews, request.explain), fields), len(request.reviews))
    ROUTE.answered_with(answer.vocabulary_version)
    known_terms = [p.known_terms or 0 for p in answer.predictions]
    fields["known_terms"] = sum(known_terms)
    refuse_unknown(request, known_terms)
    return answer


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
    answer = predict(request, fields)
    fields["model_version"] = answer.model_version
    fields["vocabulary_version"] = answer.vocabulary_version
    return Response(HTTPStatus.OK, format_answer(request, answer))


def log_request(fields: dict[str, Any]) -> None:
    """The one line per request, whatever LOG_LEVEL filters: it carries the metrics the alarms watch."""
    record = LOGGER.makeRecord(
        LOGGER.name, logging.INFO, __file__, 0, "request", (), None, func="lambda_handler", extra={"fields": fields}
    )
    LOGGER.handle(record)


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
    metrics = metric_fields(fields, SETTINGS.metrics_namespace, SETTINGS.function_name, int(time.time() * 1000))
    log_request(fields | metrics)
    return proxy
