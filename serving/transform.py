"""One request from body to answer: the container's ``transform_fn`` work, and the one place errors become statuses.

The serving image's library (sagemaker-containers) turns any exception a user function raises into a
generic 500, so an ``InferenceError`` must not leave this module: it becomes an ``Answer`` with its own
status and a JSON ``{"error": message}`` body, which ``inference.transform_fn`` returns as the response.
Anything else (a bug) still raises and is the container's 500, as on AWS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from serving.errors import InferenceError
from serving.json_lines import parse_lines, predict_lines
from serving.limits import check_body_size, check_text
from serving.media import CSV, JSON, JSON_LINES, request_type, response_type, serialise
from serving.parsing import decode, parse_csv, parse_json
from serving.request import ParsedRequest
from serving.scoring import predict
from serving.sentiment_model import SentimentModel


@dataclass(frozen=True)
class Answer:
    """What the endpoint answers: HTTP status, body and the body's content type."""

    status: int
    body: bytes
    content_type: str

    @classmethod
    def error(cls, error: InferenceError) -> Answer:
        return cls(error.status_code, json.dumps({"error": str(error)}).encode("utf-8"), JSON)


def parse(body: bytes | str, media_type: str) -> ParsedRequest:
    """The body read as ``media_type`` after its size check; nothing here sees the model."""
    check_body_size(body)
    text = decode(body)
    if media_type == JSON:
        return parse_json(text)
    if media_type == JSON_LINES:
        return ParsedRequest(lines=parse_lines(text))
    if media_type == CSV:
        return parse_csv(text)
    return ParsedRequest(texts=[check_text(text)])


def score(data: ParsedRequest, model: SentimentModel) -> dict[str, Any]:
    """Every instance scored (each JSON Lines record on its own), with the checks that need the model."""
    if data.lines is not None:
        return predict_lines(data.lines, model)
    return predict(data, model)


def transform(model: SentimentModel, body: bytes | str, content_type: str | None, accept: str | None) -> Answer:
    """Content type (415) and Accept (406) first, then parse, score and serialise; a 4xx ``Answer`` on bad input."""
    try:
        media_type, answer_type = request_type(content_type), response_type(accept)
        prediction = score(parse(body, media_type), model)
    except InferenceError as error:
        return Answer.error(error)
    return Answer(200, serialise(prediction, answer_type), answer_type)
