"""Property of the endpoint: whatever body, content type and accept type reach inference.py, the
model server answers with a JSON body and a 2xx or the 4xx of a client's error, never a 500.

``inference.transform_fn`` runs for real on a tiny real model, in-process, called as the serving image's
library calls it (the body as text for its UTF-8 types, else bytes). The library answers any exception with
a 500 and passes a returned response on unchanged (both shown through the real library in
test_container_statuses.py), so "transform_fn never raises and answers 200 or a 4xx" is "the container never
answers 500". `make fuzz` runs this with the thorough profile (10,000 examples).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.conftest import load_inference, transform
from tests.unit.strategies import ANY_TEXT, JSON_VALUES, REVIEWS, mostly

pytestmark = pytest.mark.fuzz

CLIENT_ERRORS = {400, 406, 409, 413, 415}


@pytest.fixture(scope="module")
def served_model(tiny_model_dir: Path) -> tuple[ModuleType, Any]:
    inference = load_inference(tiny_model_dir)
    return inference, inference.model_fn(str(tiny_model_dir))


NUMBERS = st.one_of(
    st.integers(-3, 60),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.sampled_from(["NaN", "Infinity", "1e400", "9" * 5000, "1" + "0" * 400]).map(lambda raw: json.loads(f'"{raw}"')),
)
RAW_NUMBER = st.sampled_from(["NaN", "-Infinity", "1e400", "9" * 5000, "1" + "0" * 400, "-0", "1E-400"])


@st.composite
def sparse_bodies(draw: st.DrawFn, version: str) -> str:
    """The Lambda's sparse JSON contract, right or wrong in any part, sometimes with raw NaN or huge numbers."""
    count = draw(mostly(st.integers(1, 4), st.sampled_from([0, 256, 257, 300])))
    instances = []
    for _ in range(count if count < 10 else 1):
        size = draw(st.integers(0, 6))
        indices = draw(mostly(st.lists(st.integers(0, 49), min_size=size, max_size=size, unique=True).map(sorted),
                              st.lists(NUMBERS, max_size=6)))  # fmt: skip
        values = draw(mostly(st.just([1.0] * len(indices)), st.lists(NUMBERS, max_size=6)))
        instances.append(draw(mostly(st.just({"indices": indices, "values": values}), JSON_VALUES)))
    if count >= 10:
        instances *= count
    body = {
        "instances": draw(mostly(st.just(instances), JSON_VALUES)),
        "vocabulary_version": draw(mostly(st.just(version), JSON_VALUES)),
        "explain": draw(mostly(st.booleans(), JSON_VALUES)),
    }
    text = json.dumps(body)
    if draw(mostly(st.just(False), st.just(True))):
        text = text.replace("1.0", draw(RAW_NUMBER), 1)
    if draw(mostly(st.just(False), st.just(True))):
        text = text.replace('"explain"', '"explain": true, "explain"', 1)
    return text


CSV_CELLS = st.one_of(st.sampled_from(["0", "1", "0.5", "-1", ""]), RAW_NUMBER, st.sampled_from(["nan", "inf", "x"]))
CSV_BODIES = st.lists(st.lists(CSV_CELLS, min_size=1, max_size=60).map(",".join), max_size=5).map("\n".join)
CONTENT_TYPES = mostly(
    st.sampled_from(
        [
            "application/json",
            "text/plain",
            "text/csv",
            "text/plain; charset=utf-8",
            "Application/JSON",
            "application/jsonlines",
        ]
    ),
    st.one_of(st.sampled_from(["", "application/x-ndjson", "image/png"]), ANY_TEXT),
)
ACCEPTS = mostly(
    st.sampled_from(["application/json", "*/*", "application/*"]), st.one_of(st.just("text/csv"), ANY_TEXT)
)


@given(data=st.data())
def test_any_body_gets_json_and_never_a_500(served_model, data):
    inference, model = served_model
    version = model.vocabulary.version
    content_type = data.draw(CONTENT_TYPES)
    text = data.draw(
        st.one_of(sparse_bodies(version), CSV_BODIES, REVIEWS, ANY_TEXT, JSON_VALUES.map(json.dumps)), label="body"
    )
    as_bytes = data.draw(mostly(st.booleans(), st.just(None)), label="as bytes")
    body = text.encode("utf-8", "surrogatepass") if as_bytes else text
    if as_bytes is None:
        body = data.draw(st.binary(max_size=200), label="raw bytes")
    answer = transform(inference, model, body, content_type, data.draw(ACCEPTS, label="accept"))
    event(f"status {answer.status}")
    assert answer.status == 200 or answer.status in CLIENT_ERRORS, answer.body
    decoded = json.loads(answer.body)
    if answer.status == 200:  # a JSON Lines record that cannot be scored is answered in its place with its error
        assert all(
            0.0 <= p["score"] <= 1.0 if "score" in p else {"error", "message"} <= set(p) for p in decoded["predictions"]
        )
    else:
        assert set(decoded) == {"error"} and len(decoded["error"]) < 300
