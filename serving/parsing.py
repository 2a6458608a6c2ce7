"""Strict parsing of JSON, CSV and text bodies into a ``ParsedRequest``.

Only parsing: nothing here sees the model, so everything that depends on it (vocabulary
version, vector length, index range) is checked when scoring. Malformed or oversized input
is an ``InferenceError`` (4xx), never a 500.
"""

from __future__ import annotations

import io
import itertools
import math
import operator
from collections.abc import Iterator
from typing import Any

import numpy as np

from lambda_src import strict_json
from serving.errors import InferenceError, PayloadTooLargeError
from serving.limits import MAX_CSV_COLUMNS, MAX_INSTANCES, check_text
from serving.request import ParsedRequest


def decode(input_data: bytes | str) -> str:
    """The body as text; 400 for bytes that are not UTF-8."""
    if isinstance(input_data, str):
        return input_data
    try:
        return bytes(input_data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InferenceError(f"body is not valid UTF-8 (byte {exc.start})") from exc


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


def parse_json(text: str) -> ParsedRequest:
    """``{"instances": [...], "vocabulary_version": ..., "explain": ...}`` of texts or sparse vectors."""
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
        sparse_rows=[parse_instance(i, inst) for i, inst in enumerate(instances)],
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


def parse_instance(position: int, instance: Any) -> tuple[list[int], list[float]]:
    """A sparse vector's (indices, values), validated without knowing the model's width.

    A request holds thousands of indices and values: each check is one C-speed pass (``map`` of a builtin)
    rather than a Python generator, no slice is copied, and values that are all floats (as JSON gives
    ``1.0``) are returned as they are.
    """
    where = f"instance {position}"
    if not isinstance(instance, dict):
        raise InferenceError(f'{where}: must be an object with "indices" and "values"')
    indices, values = instance.get("indices"), instance.get("values")
    if not isinstance(indices, list) or not isinstance(values, list):
        raise InferenceError(f'{where}: "indices" and "values" must be lists')
    if len(indices) != len(values):
        raise InferenceError(f"{where}: {len(indices)} indices but {len(values)} values")
    if not set(map(type, indices)) <= {int} or (indices and min(indices) < 0):
        raise InferenceError(f"{where}: indices must be non-negative integers")
    if not all(map(operator.lt, indices, itertools.islice(indices, 1, None))):
        raise InferenceError(f"{where}: indices must be strictly increasing")
    value_types = set(map(type, values))
    if value_types <= {int, float}:
        finite = all(map(math.isfinite, values))
    else:  # not from JSON (which gives only these two number types): the general test
        finite = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values)
    if not finite:
        raise InferenceError(f"{where}: values must be finite numbers")
    return indices, values if value_types <= {float} else list(map(float, values))


def parse_csv(text: str) -> ParsedRequest:
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
