"""How `make score` hands its vectors to the archive's inference code: straight to the endpoint's scoring step
when the archive's code is this checkout's, else as the endpoint's JSON request through ``transform_fn``.

For a JSON body of sparse vectors the endpoint's ``transform_fn`` reads the body (strict JSON, each index and
value checked) into a ``ParsedRequest``, hands it to ``serving.transform.score`` and writes the answer as JSON.
For vectors this process built itself the writing and reading are a round trip that changes nothing, and it
was most of a review's cost (about 0.27 of 0.43 ms here). So when every file of the archive's ``code/`` is
this checkout's (``training.artifacts.code_members``, what `make train` ships), the vectors go to the
archive's own ``score`` as the ``ParsedRequest`` that reading their JSON gives, and the answer is used as it
is; tests/unit/test_score_request_path.py proves that the outcomes equal ``transform_fn``'s on real reviews,
explanations and refusals included. An archive whose code differs in any byte (another version, an edited
``transform_fn``) is answered through ``transform_fn``, as the endpoint would answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

# The archive's modules the direct path calls: imported from its code/ with its inference.py (model_archive.py).
DIRECT_MODULES = ("serving.transform", "serving.request")

ScoreVectors = Callable[[list[Any], bool], list[dict[str, Any]]]


def is_this_checkouts_code(model_dir: Path) -> bool:
    """True when the archive's ``code/`` holds exactly the files `make train` of this checkout ships."""
    from training.artifacts import code_members  # numpy and this checkout's serving/: only when asked

    code_dir = model_dir / "code"
    shipped = {
        path.relative_to(model_dir).as_posix()
        for path in code_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    members = code_members()
    if shipped != set(members):
        return False
    return all((model_dir / name).read_bytes() == content for name, content in members.items())


def direct_scorer(model_dir: Path, modules: dict[str, ModuleType], model: Any) -> ScoreVectors | None:
    """``score(vectors, explain)``: the archive's ``serving.transform.score`` predictions, or None when the
    archive's code is not this checkout's (then its ``transform_fn`` answers)."""
    transform, request = (modules.get(name) for name in DIRECT_MODULES)
    if transform is None or request is None or not is_this_checkouts_code(model_dir):
        return None
    version = model.vocabulary.version

    def score(vectors: list[Any], explain: bool) -> list[dict[str, Any]]:
        parsed = request.ParsedRequest(
            sparse_rows=[(vector.indices, vector.values) for vector in vectors],
            vocabulary_version=version,
            explain=explain,
        )
        return transform.score(parsed, model)["predictions"]

    return score
