"""Strict JSON for bodies from outside: one meaning per document, bounded work, short quotes.

The standard ``json`` module accepts duplicate keys (the last one silently wins), ``NaN`` and
``Infinity``, ``1e400`` (read as infinity) and integers of any length up to Python's 4,300-digit
conversion limit, where it raises an unexpected ``ValueError``; deep nesting raises
``RecursionError``. ``loads`` refuses all of these with one exception type through json's own
hooks (no hand-written parser), and can stop after a number of objects, so a body with too
many instances is refused while it is read rather than after. Standard library only: the
Lambda and the endpoint's ``inference.py`` both import it.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable
from typing import Any

MAX_INT_DIGITS = 100
QUOTE_CHARS = 40

INVALID = "invalid"
DUPLICATE_KEY = "duplicate_key"
TOO_MANY_OBJECTS = "too_many_objects"


class JsonInputError(ValueError):
    """A body that is not strict JSON; ``kind`` says why (INVALID, DUPLICATE_KEY or TOO_MANY_OBJECTS)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """``repr`` of client input for an error message, cut to about ``limit`` characters.

    A client may send a 300 kB key name; echoing it whole would make the error as big as
    the request and put arbitrary text into logs.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"… ({len(text)} characters)"
    return repr(text)


def _object_builder(max_objects: int | None) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    count = 0

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal count
        count += 1
        if max_objects is not None and count > max_objects:
            raise JsonInputError(TOO_MANY_OBJECTS, f"more than {max_objects} JSON objects")
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
            raise JsonInputError(DUPLICATE_KEY, f"duplicate key {quote(duplicate)}")
        return obj

    return build


def _constant(name: str) -> Any:
    raise JsonInputError(INVALID, f"{name} is not a JSON number")


def _integer(max_digits: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > max_digits:
            raise JsonInputError(INVALID, f"an integer has more than {max_digits} digits")
        return int(text)

    return parse


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonInputError(INVALID, f"the number {quote(text)} is out of range")
    return value


@functools.lru_cache(maxsize=8)
def _needs_number_hooks(max_int_digits: int) -> re.Pattern[str]:
    """What the number hooks could refuse: a run of more than ``max_int_digits`` digits, an exponent of
    three digits or more (without one, and with at most that many digits, a float is below 1e200:
    finite), NaN or Infinity. Where none occurs (in strings too, so this errs towards the hooks),
    ``json``'s own number parsing gives the same values as the hooks, without a Python call per number."""
    return re.compile(rf"[0-9]{{{max_int_digits + 1}}}|[eE][-+]?[0-9]{{3}}|NaN|Infinity")


def loads(text: str, *, max_objects: int | None = None, max_int_digits: int = MAX_INT_DIGITS) -> Any:
    """Parse ``text`` as strict JSON; raise ``JsonInputError`` for anything ambiguous or unbounded.

    The object hook (duplicate keys, the object count) runs once per object; the number hooks, a Python
    call per number (thousands in a request of sparse vectors), only when ``_needs_number_hooks`` finds
    a number they might refuse.
    """
    number_hooks: dict[str, Callable[[str], Any]] = {}
    if _needs_number_hooks(max_int_digits).search(text):
        number_hooks = {
            "parse_constant": _constant,
            "parse_int": _integer(max_int_digits),
            "parse_float": _finite_float,
        }
    try:
        return json.loads(text, object_pairs_hook=_object_builder(max_objects), **number_hooks)
    except JsonInputError:
        raise
    except json.JSONDecodeError as error:
        raise JsonInputError(INVALID, f"{error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise JsonInputError(INVALID, "nested too deeply") from None
