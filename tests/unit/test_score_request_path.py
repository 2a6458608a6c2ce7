"""`make score`'s direct path (scoring/request_path.py) is taken only for an archive of this checkout's code,
and gives exactly the outcomes of the endpoint's ``transform_fn`` (the JSON round trip it skips).

The tiny hand-made model of test_score.py; tests/integration/test_score_parity.py compares the two paths on
real reviews with the full model. The JSON path's own size limit is test_score.py's
``test_requests_over_the_endpoint_s_body_limit_are_split_...`` (its archive's code differs, so it takes that path).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.model_archive import LoadedModel, extract
from scoring.scoring import REFUSED, score_texts
from tests.unit.test_score import WEIGHTS, build_model, expected_score


def loaded(model_tar: Path, folder: Path) -> LoadedModel:
    return LoadedModel(extract(model_tar, folder))


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedModel, LoadedModel]:
    """The tiny model loaded twice: scored directly, and through ``transform_fn`` (the direct path turned off)."""
    model_tar = build_model(tmp_path_factory.mktemp("tiny"))
    direct = loaded(model_tar, tmp_path_factory.mktemp("direct"))
    through_json = loaded(model_tar, tmp_path_factory.mktemp("json"))
    through_json.score_vectors = None
    assert direct.score_vectors is not None
    return direct, through_json


def test_an_archive_of_this_checkouts_code_is_scored_directly(tmp_path: Path) -> None:
    model = loaded(build_model(tmp_path / "tiny"), tmp_path / "unpacked")
    assert model.score_vectors is not None
    assert score_texts(model, ["good film"], explain=False)[1] == [
        {"label": "positive", "score": pytest.approx(expected_score("good film"), abs=1e-12)}
    ]


@pytest.mark.parametrize("change", ["a byte of inference.py", "a module added", "a module moved"])
def test_an_archive_whose_code_differs_is_scored_through_its_transform_fn(tmp_path: Path, change: str) -> None:
    model_dir = extract(build_model(tmp_path / "tiny"), tmp_path / "unpacked")
    if change == "a byte of inference.py":
        path = model_dir / "code" / "inference.py"
        path.write_bytes(path.read_bytes() + b"\n")
    elif change == "a module added":
        (model_dir / "code" / "serving" / "extra.py").write_text("")
    else:  # still importable from code/, but not where `make train` puts it
        (model_dir / "code" / "serving" / "explanation.py").rename(model_dir / "code" / "explanation.py")
    assert LoadedModel(model_dir).score_vectors is None


def test_python_caches_beside_the_code_do_not_make_it_differ(tmp_path: Path) -> None:
    model_dir = extract(build_model(tmp_path / "tiny"), tmp_path / "unpacked")
    (model_dir / "code" / "serving" / "__pycache__").mkdir()
    (model_dir / "code" / "serving" / "__pycache__" / "transform.cpython-311.pyc").write_bytes(b"cached")
    assert LoadedModel(model_dir).score_vectors is not None


words = st.sampled_from([*WEIGHTS, "unknown", "Good!", "film's", "<br />", "ünïcode", "42"])


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.lists(words, max_size=12).map(" ".join), min_size=1, max_size=20), explain=st.booleans())
def test_the_direct_path_gives_transform_fns_outcomes(
    both_paths: tuple[LoadedModel, LoadedModel], texts: list[str], explain: bool
) -> None:
    direct, through_json = both_paths
    assert score_texts(direct, texts, explain) == score_texts(through_json, texts, explain)


def test_a_review_the_scoring_step_refuses_is_found_and_the_others_are_scored(tmp_path: Path) -> None:
    model = loaded(build_model(tmp_path / "tiny"), tmp_path / "unpacked")
    awful = model.vectorize("awful").indices
    scoring_step = model.score_vectors

    def refuses_awful_alone(vectors: list, explain: bool) -> list:
        if any(vector.indices == awful for vector in vectors):
            raise RecursionError("this one")
        return scoring_step(vectors, explain)

    model.score_vectors = refuses_awful_alone
    texts = ["good", "awful", "bad film", "awful", "great"]
    _, outcomes = score_texts(model, texts, explain=False)
    assert outcomes[1] == outcomes[3] == f"{REFUSED}: RecursionError: 'this one'"
    assert [outcomes[i]["score"] for i in (0, 2, 4)] == pytest.approx(
        [expected_score(texts[i]) for i in (0, 2, 4)], abs=1e-12
    )
