"""Open a model.tar.gz and load its own ``code/inference.py`` the way the serving container does.

The scores of ``make score`` must be the endpoint's, so nothing here imports ``serving.inference`` or
the project's tokeniser: the archive's ``code/`` directory goes first on ``sys.path`` (with any
``lambda_src`` or ``serving`` already imported set aside, so the archive's ``code/lambda_src/tokenizer.py``
and ``code/serving/`` are the ones used), ``inference.py`` is imported as the module ``inference``
and ``model_fn`` loads the model. The exceptions are for speed, each taken only where it gives the archive's
answers: reviews are vectorised by this checkout's compiled tokeniser when it gives the archive's vectors
(``tokenizer_choice``), and the vectors go straight to the archive's scoring step, without the JSON round
trip, when the archive's code is this checkout's (``request_path``).
"""

from __future__ import annotations

import importlib.util
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from lambda_src.tokenizer import TooManyWordsError
from scoring.request_path import DIRECT_MODULES, direct_scorer
from scoring.tokenizer_choice import choose_vectorize

PROGRAM = "inference.py"
# Archives trained before serving/ became a top-level package ship it as code/training/serving/.
_CONTAINER_MODULES = ("inference", "lambda_src", "serving", "training")


class ModelError(Exception):
    """The model archive is missing or is not a model.tar.gz of `make train`."""


class InvokeError(Exception):
    """The archive's ``transform_fn`` answered a request with an error status (its JSON body in the message)."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"the model answered {status}: {body.decode('utf-8', 'replace')}")
        self.status = status


def extract(model: Path, into: Path) -> Path:
    """The model directory: ``model`` itself if it is an extracted archive, else ``model`` unpacked into ``into``."""
    if model.is_dir():
        model_dir = model
    elif model.is_file():
        try:
            with tarfile.open(model, "r:*") as archive:
                archive.extractall(into, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ModelError(f"cannot unpack {model}: {exc} (expected the model.tar.gz of `make train`)") from exc
        model_dir = into
    else:
        raise ModelError(f"model not found: {model} (run `make train`, or pass --model PATH/model.tar.gz)")
    if not (model_dir / "code" / PROGRAM).is_file():
        raise ModelError(f"{model} has no code/{PROGRAM}: is it a model.tar.gz of `make train`?")
    return model_dir


def _is_container_module(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in _CONTAINER_MODULES)


@contextmanager
def _container_imports(code_dir: Path) -> Iterator[None]:
    """Import from ``code_dir`` first, as the container's Python would, then restore this process's modules."""
    saved = {name: module for name, module in sys.modules.items() if _is_container_module(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(code_dir))
    try:
        yield
    finally:
        sys.path.remove(str(code_dir))
        for name in [name for name in sys.modules if _is_container_module(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def load_inference(model_dir: Path) -> tuple[ModuleType, ModuleType, dict[str, ModuleType]]:
    """``model_dir/code/inference.py`` as the module ``inference`` (dataclasses look their module up while
    classes are created, so it is registered during the import), the archive's tokeniser module, and those
    of ``DIRECT_MODULES`` the archive has."""
    with _container_imports(model_dir / "code"):
        spec = importlib.util.spec_from_file_location("inference", model_dir / "code" / PROGRAM)
        module = importlib.util.module_from_spec(spec)
        sys.modules["inference"] = module
        spec.loader.exec_module(module)
        tokenizer = importlib.import_module("lambda_src.tokenizer")
        direct = {}
        for name in DIRECT_MODULES:
            try:
                direct[name] = importlib.import_module(name)
            except ImportError:  # an archive of another layout: its transform_fn answers
                continue
    return module, tokenizer, direct


class LoadedModel:
    """The archive's inference functions and the model its ``model_fn`` loaded (once)."""

    def __init__(self, model_dir: Path) -> None:
        self.inference, tokenizer, direct_modules = load_inference(model_dir)
        self.model = self.inference.model_fn(str(model_dir))
        # The archive's scoring step called directly when its code is this checkout's (request_path.py).
        self.score_vectors = direct_scorer(model_dir, direct_modules, self.model)
        # The archive's tokeniser, or the compiled one when it gives the same vectors (tokenizer_choice.py).
        self.vectorize = choose_vectorize(self.vocabulary)
        self.max_instances: int = getattr(self.inference, "MAX_INSTANCES", 256)
        # The request size inference.py accepts, where it sets one (InvokeEndpoint's payload limit).
        self.max_body_bytes: int | None = getattr(self.inference, "MAX_BODY_BYTES", None)
        # The archive's tokeniser raises its own TooManyWordsError, the compiled one this process's lambda_src's.
        self.too_many_words: tuple[type[Exception], ...] = (tokenizer.TooManyWordsError, TooManyWordsError)

    @property
    def vocabulary(self) -> Any:
        """The vocabulary ``model_fn`` loaded, with the archive's tokeniser."""
        return self.model.vocabulary

    def invoke(self, body: bytes, content_type: str, accept: str = "application/json") -> bytes:
        """One request through the archive's ``transform_fn``, as the container runs it; its body when 2xx."""
        response = self.inference.transform_fn(self.model, body, content_type, accept)
        if not 200 <= response.status_code < 300:
            raise InvokeError(response.status_code, response.get_data())
        return response.get_data()
