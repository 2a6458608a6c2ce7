"""strict_json: what the standard json module lets through (duplicates, NaN, huge numbers, deep
nesting) is refused with one exception type and a short message, and object counting stops early."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_src import strict_json
from lambda_src.strict_json import DUPLICATE_KEY, INVALID, TOO_MANY_OBJECTS, JsonInputError


def test_plain_json_reads_as_the_standard_module_reads_it():
    text = '{"a": [1, -2, 3.5, "x", true, null], "b": {"c": {}}}'
    assert strict_json.loads(text) == json.loads(text)


# JSON numbers of every shape near the limits: up to 150 digits before and after the point, any exponent.
NUMBER = r"-?(0|[1-9][0-9]{0,150})(\.[0-9]{1,150})?([eE][-+]?[0-9]{1,4})?"


@given(st.from_regex(NUMBER, fullmatch=True))
def test_a_number_reads_as_the_standard_module_reads_it_or_is_refused(number: str) -> None:
    """The number hooks run only where a number might be refused: elsewhere json's own parsing must
    give the same values, and a number of more than 100 digits or out of range is still refused."""
    text = f'[{number}, "{number}"]'
    standard = json.loads(text)[0]
    refused = (type(standard) is int and len(str(abs(standard))) > 100) or not math.isfinite(standard)
    if refused:
        with pytest.raises(JsonInputError):
            strict_json.loads(text)
    else:
        value = strict_json.loads(text)[0]
        assert (value, type(value)) == (standard, type(standard))


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ('{"review": "good", "review": "bad"}', DUPLICATE_KEY, "duplicate key 'review'"),
        ('{"a": {"x": 1, "y": 2, "x": 3}}', DUPLICATE_KEY, "duplicate key 'x'"),
        ('{"a": NaN}', INVALID, "NaN is not a JSON number"),
        ("[Infinity]", INVALID, "Infinity"),
        ("[-Infinity]", INVALID, "-Infinity"),
        ("[1e400]", INVALID, "out of range"),
        ("[-1E+999]", INVALID, "out of range"),
        ("[" + "1" * 101 + "]", INVALID, "more than 100 digits"),
        ("[" + "9" * 5000 + "]", INVALID, "more than 100 digits"),  # past Python's 4,300-digit limit
        ("[" * 100_000 + "]" * 100_000, INVALID, "nested too deeply"),
        ('{"a": 1', INVALID, "line 1 column 8"),
    ],
)
def test_ambiguous_or_unbounded_json_is_refused(text, kind, message):
    with pytest.raises(JsonInputError, match=message) as raised:
        strict_json.loads(text)
    assert raised.value.kind == kind and isinstance(raised.value, ValueError)


def test_a_negative_integer_of_the_largest_allowed_length_is_read():
    assert strict_json.loads("[-" + "9" * 100 + "]") == [-int("9" * 100)]


def test_object_count_stops_reading_before_the_rest_of_the_body():
    """The cap is hit while parsing: the malformed tail after the 4th object is never reached."""
    text = '{"instances": [' + '{"i": 1},' * 10 + " not json at all"
    with pytest.raises(JsonInputError) as raised:
        strict_json.loads(text, max_objects=3)
    assert raised.value.kind == TOO_MANY_OBJECTS
    assert strict_json.loads('[{"i": 1}, {"i": 2}]', max_objects=2) == [{"i": 1}, {"i": 2}]


def test_a_huge_duplicate_key_is_quoted_short():
    key = "k" * 300_000
    with pytest.raises(JsonInputError) as raised:
        strict_json.loads(json.dumps({key: 1})[:-1] + f', "{key}": 2}}')
    assert len(str(raised.value)) < 120 and "300000 characters" in str(raised.value)


@pytest.mark.parametrize(("value", "quoted"), [("abc", "'abc'"), ("x" * 50, "'" + "x" * 40 + "'… (50 characters)")])
def test_quote_cuts_client_input(value, quoted):
    assert strict_json.quote(value) == quoted
