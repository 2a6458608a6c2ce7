"""``application/jsonlines``: one record a line, one answer a line, a bad record never fails the rest.

This is what a SageMaker Batch Transform job sends with ``SplitType=Line`` and
``BatchStrategy=MultiRecord``: a raw review (``{"id": 1, "review": "..."}``) or a sparse vector
(``{"id": 1, "indices": [...], "values": [...], "vocabulary_version": "..."}``). The answer has exactly
one line per input line, in order: a prediction, or ``{"id", "error", "message"}`` for a record that
cannot be scored, so one bad review out of millions neither fails the job nor shifts the lines after it.
A body of more than ``MAX_JSON_LINES`` records is refused whole (413) when the record past the cap is
found, before any record is parsed.
"""

from __future__ import annotations

import re
from typing import Any

from lambda_src import strict_json
from lambda_src.tokenizer import TooManyWordsError
from serving.errors import InferenceError, PayloadTooLargeError
from serving.explanation import explain
from serving.limits import MAX_JSON_LINES, MAX_TEXT_WORDS, check_text
from serving.parsing import parse_instance
from serving.request import LineRecord
from serving.sentiment_model import SentimentModel, label, sparse_matrix

# A non-blank line, split like SplitType=Line: on "\n" only (U+2028 and friends may stand unescaped in JSON
# strings). Anchored at line starts, so a long blank line is scanned once, not once per character.
_RECORD = re.compile(r"^[^\n]*\S[^\n]*", re.MULTILINE)


def record_lines(text: str, limit: int = MAX_JSON_LINES) -> list[str]:
    """The non-blank lines; 413 at the one past ``limit``, so a body of tiny records costs no more than that."""
    lines: list[str] = []
    for match in _RECORD.finditer(text):
        if len(lines) == limit:
            raise PayloadTooLargeError(f"too many JSON Lines records: more than {limit} in one request")
        lines.append(match.group())
    return lines


def parse_lines(text: str) -> list[LineRecord]:
    """Every non-blank line's record; 400 for a body without any, 413 for more than ``MAX_JSON_LINES``."""
    lines = [parse_line(line) for line in record_lines(text)]
    if not lines:
        raise InferenceError("empty input: no JSON Lines records")
    return lines


def parse_line(line: str) -> LineRecord:
    """A JSON Lines record; every problem is this record's error, never the whole request's."""
    try:
        record = strict_json.loads(line, max_objects=1)
    except strict_json.JsonInputError as exc:
        return LineRecord(error=("invalid_json", f"invalid JSON: {exc}"))
    if not isinstance(record, dict):
        return LineRecord(error=("invalid_record", 'each line must be a JSON object with "review" or "indices"'))
    record_id = record.get("id")
    if record_id is not None and type(record_id) not in (str, int):
        return LineRecord(error=("invalid_record", '"id" must be a string or an integer'))
    explain_record = record.get("explain", False)
    if not isinstance(explain_record, bool):
        return LineRecord(record_id, error=("invalid_record", '"explain" must be true or false'))
    try:
        if "review" in record:
            if not isinstance(record["review"], str):
                raise InferenceError('"review" must be a string')
            return LineRecord(record_id, text=check_text(record["review"]), explain=explain_record)
        version = record.get("vocabulary_version")
        if not isinstance(version, str) or not version:
            raise InferenceError('a line needs "review", or "indices", "values" and "vocabulary_version"')
        vector = parse_instance(0, record)
        return LineRecord(record_id, vector=vector, vocabulary_version=version, explain=explain_record)
    except InferenceError as exc:
        code = "review_too_long" if isinstance(exc, PayloadTooLargeError) else "invalid_record"
        code = "empty_review" if str(exc).startswith("empty input") else code
        return LineRecord(record_id, error=(code, str(exc).replace("instance 0: ", "")))


def _line_vector(line: LineRecord, model: SentimentModel) -> tuple[tuple[list[int], list[float]] | None, Any]:
    """(indices, values) of a line's review or vector, or ``None`` and its (code, message) error."""
    if line.error is not None:
        return None, line.error
    if line.vector is not None:
        if line.vocabulary_version != model.vocabulary.version:
            return None, ("vocabulary_mismatch", f"this model serves vocabulary {model.vocabulary.version}")
        indices, values = line.vector
    else:
        try:  # the word limit is checked before n-grams are built, as for text/plain
            vector = model.vocabulary.vectorize(line.text or "", max_words=MAX_TEXT_WORDS)
        except TooManyWordsError as exc:
            return None, ("review_too_long", f"review too long: {exc}")
        indices, values = vector.indices, vector.values
    if not indices:
        return None, ("no_known_words", "the review has no word the model knows")
    if indices[-1] >= model.n_features:
        return None, ("invalid_record", f"index {indices[-1]} is out of range for {model.n_features} features")
    return (indices, values), None


def predict_lines(lines: list[LineRecord], model: SentimentModel) -> dict[str, Any]:
    """One answer per line: the scorable lines go through the classifier together, in one matrix."""
    outcomes: list[dict[str, Any]] = []
    rows: list[tuple[int, list[int], list[float]]] = []  # (line position, indices, values)
    for position, line in enumerate(lines):
        vector, error = _line_vector(line, model)
        head = {} if line.id is None else {"id": line.id}
        outcomes.append({**head, "error": error[0], "message": error[1]} if error else head)
        if vector is not None:
            rows.append((position, *vector))
    if rows:
        matrix = sparse_matrix([(indices, values) for _, indices, values in rows], model.n_features)
        scores = model.classifier.predict_proba(matrix)[:, 1]
        for row, ((position, _, _), score) in enumerate(zip(rows, scores, strict=True)):
            outcome = outcomes[position]
            outcome.update(label=label(score), score=float(score))
            if lines[position].explain:
                outcome["explanation"] = explain(matrix.getrow(row), model)
    return {
        "model_version": model.model_version,
        "vocabulary_version": model.vocabulary.version,
        "predictions": outcomes,
    }
