"""parse_instance, the endpoint's check of each sparse vector, against the plain per-element rules it
implements with C-speed passes: the same refusal (and message) or the same (indices, values) for any
instance JSON can give."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from serving.errors import InferenceError
from serving.parsing import parse_instance


def reference(instance: Any) -> tuple[list[int], list[float]]:
    """The rules one element at a time, as parse_instance stated them before it was made faster."""
    if not isinstance(instance, dict):
        raise InferenceError('instance 3: must be an object with "indices" and "values"')
    indices, values = instance.get("indices"), instance.get("values")
    if not isinstance(indices, list) or not isinstance(values, list):
        raise InferenceError('instance 3: "indices" and "values" must be lists')
    if len(indices) != len(values):
        raise InferenceError(f"instance 3: {len(indices)} indices but {len(values)} values")
    if not all(type(i) is int and i >= 0 for i in indices):
        raise InferenceError("instance 3: indices must be non-negative integers")
    if any(b <= a for a, b in zip(indices, indices[1:], strict=False)):
        raise InferenceError("instance 3: indices must be strictly increasing")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise InferenceError("instance 3: values must be finite numbers")
    return indices, [float(v) for v in values]


# What JSON decodes to, mostly valid: small non-negative ints, float values, equal lengths, often sorted.
INDEX = st.integers(-2, 40) | st.integers(10**5, 10**6) | st.floats(-1, 50) | st.booleans()
VALUE = st.just(1.0) | st.integers(-3, 5) | st.floats() | st.booleans() | st.none() | st.text(max_size=2)


@st.composite
def instances(draw: st.DrawFn) -> dict[str, list]:
    """A valid vector (values may be NaN or infinite), perhaps spoilt in one way."""
    indices = sorted(draw(st.sets(st.integers(0, 10**6), max_size=6)))
    values = draw(
        st.lists(st.just(1.0) | st.integers(1, 5) | st.floats(), min_size=len(indices), max_size=len(indices))
    )
    spoil = draw(st.sampled_from(["nothing", "duplicate", "index", "order", "value"]))
    if indices and spoil == "duplicate":
        indices.append(indices[-1])
        values.append(1.0)
    elif indices and spoil == "index":
        indices[draw(st.integers(0, len(indices) - 1))] = draw(INDEX)
    elif spoil == "order":
        indices.reverse()
    elif values and spoil == "value":
        values[draw(st.integers(0, len(values) - 1))] = draw(VALUE)
    return {"indices": indices, "values": values}


OTHERS = st.fixed_dictionaries({"indices": st.lists(INDEX) | st.none(), "values": st.lists(VALUE)}) | st.lists(INDEX)


@given(instances() | OTHERS)
@example({"indices": [-1, 2], "values": [1.0, 1.0]})  # a negative index in increasing order
def test_parse_instance_gives_what_the_per_element_rules_give(instance: Any) -> None:
    try:
        expected = reference(instance)
    except InferenceError as error:
        with pytest.raises(InferenceError) as raised:
            parse_instance(3, instance)
        assert str(raised.value) == str(error)
        return
    indices, values = parse_instance(3, instance)
    assert (indices, values) == expected
    assert all(type(v) is float for v in values)
