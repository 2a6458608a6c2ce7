"""SageMaker scikit-learn serving entry point (``SAGEMAKER_PROGRAM=inference.py``).

Shipped in ``model.tar.gz`` as ``code/inference.py`` beside ``code/lambda_src/tokenizer.py``.
The container calls ``model_fn`` once, then ``input_fn`` -> ``predict_fn`` -> ``output_fn`` per
request. ``input_fn`` only parses (it never sees the model); everything that depends on the
model (vocabulary version, vector length, index range) is checked in ``predict_fn``.

``application/jsonlines`` is what a SageMaker Batch Transform job sends with ``SplitType=Line`` and
``BatchStrategy=MultiRecord``: one record a line, a raw review (``{"id": 1, "review": "..."}``) or a
sparse vector (``{"id": 1, "indices": [...], "values": [...], "vocabulary_version": "..."}``). The answer
has exactly one line per input line, in order and without a trailing newline (``AssembleWith=Line``
adds one after each answer): a prediction, or ``{"id", "error", "message"}`` for a record that cannot be
scored, so one bad review out of millions neither fails the job nor shifts the lines after it. Only a
body that is not JSON Lines at all (too large, not UTF-8) is refused whole, which fails the job.

Every limit is checked before the work it bounds: the body's size first, then instances,
rows and columns while they are read (``strict_json`` stops at the object cap, ``data_lines``
at the row cap), and a text's normalised length before it is tokenised. Malformed or oversized
input is an ``InferenceError`` (4xx), never a 500.

Raw text (``text/plain``, or JSON instances ``{"text": ...}``) is tokenised here with this model's own
vocabulary: that is how the Lambda still gets a right answer while it and the endpoint carry different
vocabularies during a rollout. Text predictions say how many of the review's terms the model knows
(``known_terms``), so the caller can refuse a review this model knows nothing of.

The model is stored version-free (``coef.npy`` and ``metadata.json``) and rebuilt here as a
scikit-learn ``LogisticRegression``, so it loads under the serving image's numpy and
scikit-learn whatever versions trained it.
"""

from __future__ import annotations

import io
import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from lambda_src import strict_json
from lambda_src.tokenizer import TooManyWordsError, Vocabulary, normalized_length_bound

logger = logging.getLogger(__name__)

JSON = "application/json"
CSV = "text/csv"
TEXT = "text/plain"
JSON_LINES = "application/jsonlines"
CONTENT_TYPES = (JSON, JSON_LINES, CSV, TEXT)
MAX_BODY_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's own payload limit (real-time; serverless allows 4 MB)
MAX_INSTANCES = 256
MAX_CSV_COLUMNS = 1_000_000  # ten times the vocabulary; a dense row must match it exactly anyway
MAX_TEXT_CHARS = 20_000  # the Lambda's limits (lambda_src/review_request.py) for raw text
MAX_NORMALIZED_CHARS = 20_000
MAX_TEXT_WORDS = 5_000
EXPLAIN_TERMS = 5


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


@dataclass(frozen=True)
class SentimentModel:
    """What ``model_fn`` loads: classifier, vocabulary and identity."""

    classifier: LogisticRegression
    vocabulary: Vocabulary
    model_version: str

    @property
    def n_features(self) -> int:
        return len(self.vocabulary)


@dataclass(frozen=True)
class ParsedRequest:
    """A request as ``input_fn`` understood it, before any model is involved."""

    sparse_rows: list[tuple[list[int], list[float]]] = field(default_factory=list)
    dense_rows: list[np.ndarray] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    vocabulary_version: str | None = None
    explain: bool = False
    lines: list[LineRecord] | None = None  # application/jsonlines: one record a line


@dataclass(frozen=True)
class LineRecord:
    """One JSON Lines record: a review or a sparse vector to score, or why it cannot be scored."""

    id: str | int | None = None
    text: str | None = None
    vector: tuple[list[int], list[float]] | None = None
    vocabulary_version: str | None = None
    explain: bool = False
    error: tuple[str, str] | None = None  # (code, message)


def model_fn(model_dir: str) -> SentimentModel:
    """Load the classifier from its version-free parameters and the vocabulary beside it."""
    root = Path(model_dir)
    metadata = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    vocabulary = Vocabulary.load(root / "vocabulary.json")
    coef = np.load(root / "coef.npy", allow_pickle=False)
    if coef.shape != (len(vocabulary),):
        raise RuntimeError(f"coef.npy has shape {coef.shape}, expected ({len(vocabulary)},)")
    classifier = LogisticRegression()
    classifier.classes_ = np.array([0, 1])
    classifier.coef_ = coef.reshape(1, -1)
    classifier.intercept_ = np.array([float(metadata["intercept"])])
    logger.info("loaded model %s with %d terms", metadata["model_version"], len(vocabulary))
    return SentimentModel(classifier, vocabulary, metadata["model_version"])


def input_fn(input_data: bytes | str, content_type: str) -> ParsedRequest:
    """Parse a request body; raise ``InferenceError`` subclasses with a clear message."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in CONTENT_TYPES:
        raise UnsupportedContentTypeError(
            f"unsupported content type {strict_json.quote(content_type)}: use {', '.join(CONTENT_TYPES)}"
        )
    check_body_size(input_data)
    text = _decode(input_data)
    if media_type == JSON:
        return _parse_json(text)
    if media_type == JSON_LINES:
        # Split like SplitType=Line: on "\n" only (U+2028 and friends may stand unescaped in JSON strings).
        lines = [_parse_line(line) for line in text.split("\n") if line.strip()]
        if not lines:
            raise InferenceError("empty input: no JSON Lines records")
        return ParsedRequest(lines=lines)
    if media_type == CSV:
        return _parse_csv(text)
    return ParsedRequest(texts=[check_text(text)])


def predict_fn(data: ParsedRequest, model: SentimentModel) -> dict[str, Any]:
    """Score every instance; explain the strongest terms each way when asked."""
    if data.lines is not None:
        return _predict_lines(data.lines, model)
    if data.vocabulary_version is not None and data.vocabulary_version != model.vocabulary.version:
        raise VocabularyMismatchError(
            f"vocabulary_mismatch: the vector was built with vocabulary {data.vocabulary_version}, "
            f"this endpoint serves {model.vocabulary.version}"
        )
    matrix = _to_matrix(data, model)
    scores = model.classifier.predict_proba(matrix)[:, 1]
    predictions = []
    for row, score in enumerate(scores):
        prediction: dict[str, Any] = {"label": "positive" if score >= 0.5 else "negative", "score": float(score)}
        if data.texts:  # tokenised here: say how much of the review this model's vocabulary knows
            prediction["known_terms"] = int(matrix.indptr[row + 1] - matrix.indptr[row])
        if data.explain:
            prediction["explanation"] = _explain(matrix.getrow(row), model)
        predictions.append(prediction)
    return {
        "model_version": model.model_version,
        "vocabulary_version": model.vocabulary.version,
        "predictions": predictions,
    }


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


def check_body_size(input_data: bytes | str) -> None:
    """413 for a body over ``MAX_BODY_BYTES``, before it is decoded or parsed."""
    size = len(input_data.encode("utf-8", "surrogatepass")) if isinstance(input_data, str) else len(input_data)
    if size > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"body too large: {size} bytes, the limit is {MAX_BODY_BYTES}")


def check_text(text: str) -> str:
    """A review to tokenise here, within the Lambda's limits on its raw and its normalised length."""
    if not text.strip():
        raise InferenceError("empty input: the review text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise PayloadTooLargeError(f"review too long: {len(text)} characters, the limit is {MAX_TEXT_CHARS}")
    normalized = normalized_length_bound(text)
    if normalized > MAX_NORMALIZED_CHARS:
        raise PayloadTooLargeError(
            f"review too long: {normalized} characters once normalised, the limit is {MAX_NORMALIZED_CHARS}"
        )
    return text


def load_json(text: str, max_objects: int) -> Any:
    """Strict JSON (no duplicate keys, NaN, huge numbers or deep nesting), stopped after ``max_objects``."""
    try:
        return strict_json.loads(text, max_objects=max_objects)
    except strict_json.JsonInputError as exc:
        if exc.kind == strict_json.TOO_MANY_OBJECTS:
            raise PayloadTooLargeError(f"too many instances: {exc}") from None
        raise InferenceError(f"invalid JSON: {exc}") from None


def data_lines(text: str, max_rows: int) -> Iterator[tuple[int, str]]:
    """(line number, line) of each non-blank line, read lazily; 413 once there are more than ``max_rows``.

    For line-based formats (CSV here): a body is refused at row ``max_rows + 1`` instead of
    after all of it has been split and parsed.
    """
    rows = 0
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        rows += 1
        if rows > max_rows:
            raise PayloadTooLargeError(f"too many rows: more than {max_rows}")
        yield number, line


def _decode(input_data: bytes | str) -> str:
    if isinstance(input_data, str):
        return input_data
    try:
        return bytes(input_data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InferenceError(f"body is not valid UTF-8 (byte {exc.start})") from exc


def _parse_json(text: str) -> ParsedRequest:
    body = load_json(text, max_objects=MAX_INSTANCES + 1)  # the instances and the body itself
    if not isinstance(body, dict) or not isinstance(body.get("instances"), list):
        raise InferenceError('JSON body must be an object with an "instances" list')
    instances = body["instances"]
    if not instances:
        raise InferenceError('empty input: "instances" is empty')
    if len(instances) > MAX_INSTANCES:
        raise PayloadTooLargeError(f"too many instances: {len(instances)} > {MAX_INSTANCES}")
    explain = body.get("explain", False)
    if not isinstance(explain, bool):
        raise InferenceError('"explain" must be true or false')
    if all(isinstance(inst, dict) and "text" in inst for inst in instances):
        return ParsedRequest(texts=[_parse_text(i, inst) for i, inst in enumerate(instances)], explain=explain)
    version = body.get("vocabulary_version")
    if not isinstance(version, str) or not version:
        raise InferenceError('"vocabulary_version" (string) is required with sparse instances')
    return ParsedRequest(
        sparse_rows=[_parse_instance(i, inst) for i, inst in enumerate(instances)],
        vocabulary_version=version,
        explain=explain,
    )


def _parse_text(position: int, instance: dict[str, Any]) -> str:
    text = instance["text"]
    if set(instance) != {"text"} or not isinstance(text, str):
        raise InferenceError(f'instance {position}: a text instance is {{"text": "<review>"}} and nothing else')
    if not text.strip():
        raise InferenceError(f"empty input: instance {position} has an empty text")
    return check_text(text)  # the Lambda's limits, checked before tokenising


def _parse_instance(position: int, instance: Any) -> tuple[list[int], list[float]]:
    where = f"instance {position}"
    if not isinstance(instance, dict):
        raise InferenceError(f'{where}: must be an object with "indices" and "values"')
    indices, values = instance.get("indices"), instance.get("values")
    if not isinstance(indices, list) or not isinstance(values, list):
        raise InferenceError(f'{where}: "indices" and "values" must be lists')
    if len(indices) != len(values):
        raise InferenceError(f"{where}: {len(indices)} indices but {len(values)} values")
    if not all(type(i) is int and i >= 0 for i in indices):
        raise InferenceError(f"{where}: indices must be non-negative integers")
    if any(b <= a for a, b in zip(indices, indices[1:], strict=False)):
        raise InferenceError(f"{where}: indices must be strictly increasing")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise InferenceError(f"{where}: values must be finite numbers")
    return indices, [float(v) for v in values]


def _parse_line(line: str) -> LineRecord:
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
    explain = record.get("explain", False)
    if not isinstance(explain, bool):
        return LineRecord(record_id, error=("invalid_record", '"explain" must be true or false'))
    try:
        if "review" in record:
            if not isinstance(record["review"], str):
                raise InferenceError('"review" must be a string')
            return LineRecord(record_id, text=check_text(record["review"]), explain=explain)
        version = record.get("vocabulary_version")
        if not isinstance(version, str) or not version:
            raise InferenceError('a line needs "review", or "indices", "values" and "vocabulary_version"')
        return LineRecord(record_id, vector=_parse_instance(0, record), vocabulary_version=version, explain=explain)
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


def _predict_lines(lines: list[LineRecord], model: SentimentModel) -> dict[str, Any]:
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
        indptr = np.cumsum([0] + [len(indices) for _, indices, _ in rows])
        flat_indices = [i for _, indices, _ in rows for i in indices]
        flat_values = [v for _, _, values in rows for v in values]
        shape = (len(rows), model.n_features)
        matrix = sparse.csr_matrix((flat_values, flat_indices, indptr), shape=shape, dtype=np.float64)
        scores = model.classifier.predict_proba(matrix)[:, 1]
        for row, ((position, _, _), score) in enumerate(zip(rows, scores, strict=True)):
            outcome = outcomes[position]
            outcome.update(label="positive" if score >= 0.5 else "negative", score=float(score))
            if lines[position].explain:
                outcome["explanation"] = _explain(matrix.getrow(row), model)
    return {
        "model_version": model.model_version,
        "vocabulary_version": model.vocabulary.version,
        "predictions": outcomes,
    }


def _parse_csv(text: str) -> ParsedRequest:
    """Dense rows of equal width, each counted before it is split and stored as a float array."""
    rows: list[np.ndarray] = []
    for number, line in data_lines(text, MAX_INSTANCES):
        width = line.count(",") + 1
        if width > MAX_CSV_COLUMNS:
            raise PayloadTooLargeError(f"CSV line {number} has {width} values, the limit is {MAX_CSV_COLUMNS}")
        if rows and width != len(rows[0]):
            raise InferenceError(f"CSV line {number} has {width} values, the first row has {len(rows[0])}")
        try:
            row = np.array(line.split(","), dtype=np.float64)
        except (ValueError, OverflowError):
            raise InferenceError(f"CSV line {number}: values must be numbers") from None
        if not np.isfinite(row).all():
            raise InferenceError(f"CSV line {number}: values must be finite numbers")
        rows.append(row)
    if not rows:
        raise InferenceError("empty input: no CSV rows")
    return ParsedRequest(dense_rows=rows)


def _to_matrix(data: ParsedRequest, model: SentimentModel) -> sparse.csr_matrix:
    n = model.n_features
    if data.texts:
        try:
            vectors = [model.vocabulary.vectorize(text, max_words=MAX_TEXT_WORDS) for text in data.texts]
        except TooManyWordsError as exc:
            raise PayloadTooLargeError(f"review too long: {exc}") from None
        rows = [(v.indices, v.values) for v in vectors]
    elif data.dense_rows:
        for number, row in enumerate(data.dense_rows, start=1):
            if len(row) != n:
                raise InferenceError(f"CSV row {number} has {len(row)} values, the model expects {n}")
        return sparse.csr_matrix(np.vstack(data.dense_rows))
    else:
        rows = data.sparse_rows
    for position, (indices, _) in enumerate(rows):
        if indices and indices[-1] >= n:
            raise InferenceError(f"instance {position}: index {indices[-1]} is out of range for {n} features")
    indptr = np.cumsum([0] + [len(indices) for indices, _ in rows])
    flat_indices = [i for indices, _ in rows for i in indices]
    flat_values = [v for _, values in rows for v in values]
    return sparse.csr_matrix((flat_values, flat_indices, indptr), shape=(len(rows), n), dtype=np.float64)


def _explain(row: sparse.csr_matrix, model: SentimentModel) -> dict[str, list[dict[str, Any]]]:
    """The terms of this review with the largest contributions (value x weight) each way."""
    coef = model.classifier.coef_[0]
    contributions = sorted(
        ((float(value * coef[index]), int(index)) for index, value in zip(row.indices, row.data, strict=True)),
        key=lambda item: (item[0], item[1]),
    )
    terms = model.vocabulary.terms

    def pick(items: list[tuple[float, int]]) -> list[dict[str, Any]]:
        return [{"term": terms[i], "weight": round(w, 4)} for w, i in items[:EXPLAIN_TERMS]]

    return {
        "positive": pick([item for item in reversed(contributions) if item[0] > 0]),
        "negative": pick([item for item in contributions if item[0] < 0]),
    }
