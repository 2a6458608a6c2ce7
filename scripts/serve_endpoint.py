"""A local SageMaker endpoint for model.tar.gz, served by the scikit-learn image's own serving library.

Runs under ``.venv-serving`` (Python 3.10 with sagemaker-containers 2.8.6.post2, Flask 1.1.1 and the image's
patch; ``make serve`` and ``make local-install`` build it). Each gunicorn worker builds the app the image's
serving.py builds (scripts/local_endpoint/container.py): ``SAGEMAKER_PROGRAM`` (default ``inference.py``) is
imported from the archive's ``code/``, the library's ``Transformer`` wraps its functions (any exception they
raise is the library's generic 500) and its Flask ``Worker`` answers ``GET /ping`` and ``POST /invocations``.
In front of it (scripts/local_endpoint/runtime_api.py): InvokeEndpoint's 6 MB payload limit (413 before the
body is read) and the runtime API's ``POST /endpoints/<name>/invocations``, so an unmodified boto3
``sagemaker-runtime`` client with ``endpoint_url`` works, a container error becoming AWS's HTTP 424
``ModelError`` with ``OriginalStatusCode`` and ``OriginalMessage``.

Workers are gevent workers, as the image starts gunicorn (``-k gevent``); the image's nginx in front is left
out. A model.tar.gz is extracted into a cache only its user can write, because the server imports and runs the
code it finds there.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from scripts.local_aws.local_aws_shared.private_directory import private_directory
from scripts.local_endpoint.container import (
    DEFAULT_PROGRAM,
    container_app,
    container_environment,
    import_library_once,
)
from scripts.local_endpoint.runtime_api import MAX_REQUEST_BYTES, RuntimeApi
from training.atomic_directory import build_once

__all__ = ["MAX_REQUEST_BYTES", "main", "resolve_model_dir"]


def default_cache_root() -> Path:
    """Per-user, so another user of the machine cannot plant a model (code we would import) there."""
    return Path(tempfile.gettempdir()) / f"imdb-sentiment-endpoint-{os.getuid()}"


def _cache(cache_root: Path | None) -> Path:
    try:
        return private_directory(cache_root or default_cache_root(), "model cache")
    except PermissionError as error:
        raise SystemExit(str(error)) from error


def resolve_model_dir(model: Path, cache_root: Path | None = None) -> Path:
    """An extracted model directory; a model.tar.gz is unpacked once into a cache keyed by its hash.

    The server imports the code it finds there, so a directory is trusted only once complete: the archive is
    extracted into a private directory, marked complete last and renamed into place
    (``<cache>/<hash>/model``, training.atomic_directory), so servers started together never see a
    half-extracted model, and one left by a killed extraction (or an older, unmarked cache) is extracted
    again. The cache root must be private to this user.
    """
    if model.is_dir():
        return model.resolve()
    if not model.is_file():
        raise SystemExit(f"model not found: {model} (run `make train` or pass --model)")
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    root = _cache(cache_root)

    def fill(folder: Path) -> None:
        with tarfile.open(model, "r:*") as archive:
            archive.extractall(folder / "model", filter="data")

    return build_once(root / digest[:16], digest, fill) / "model"


def base_dir(model_dir: Path, cache_root: Path | None = None) -> Path:
    """The library's ``SAGEMAKER_BASE_DIR``: its model directory is always ``<base>/model``.

    A model directory with another name is linked as ``model`` from a private directory of the cache.
    """
    if model_dir.name == "model":
        return model_dir.parent
    link_dir = _cache(cache_root) / "links" / hashlib.sha256(str(model_dir).encode()).hexdigest()[:16]
    link_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    link = link_dir / "model"
    if not (link.is_symlink() and link.resolve() == model_dir):
        link.unlink(missing_ok=True)
        link.symlink_to(model_dir, target_is_directory=True)
    return link_dir


class _Gunicorn(BaseApplication):
    """gunicorn run in-process; each worker builds its own app (and loads the model) after the fork."""

    def __init__(self, options: dict[str, Any], endpoint_name: str | None) -> None:
        self.options, self.endpoint_name = options, endpoint_name
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> RuntimeApi:
        return RuntimeApi(container_app(), self.endpoint_name, os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))


def prepare_container(model_dir: Path, cache_root: Path | None, program: str) -> None:
    """In gunicorn's master, before any worker forks: the library's variables set, then the library imported.

    The image's process that starts gunicorn imports the library too; importing it here, once, makes its code
    directory (``import_library_once``) before workers that would race to make it exist.
    """
    os.environ.update(container_environment(base_dir(model_dir, cache_root), program))
    import_library_once()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.serve_endpoint", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model", type=Path, default=Path("artifacts/model.tar.gz"), help="model.tar.gz or its extracted directory"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    # The container reads the same two settings from these variables.
    workers = int(os.environ.get("SAGEMAKER_MODEL_SERVER_WORKERS", "2"))
    timeout = int(os.environ.get("SAGEMAKER_MODEL_SERVER_TIMEOUT", "60"))
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn worker processes")
    parser.add_argument("--timeout", type=int, default=timeout, help="worker timeout in seconds (SageMaker allows 60)")
    parser.add_argument("--endpoint-name", help="answer only this name on /endpoints/<name>/invocations")
    parser.add_argument(
        "--cache-dir", type=Path, help="where a model.tar.gz is extracted; must be yours alone (default: a 0700 "
        "directory per user under the temp dir)"
    )  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Found, not imported: the library reads its model directory at import, so it is imported only once
    # container_environment is set.
    if importlib.util.find_spec("sagemaker_containers") is None:
        raise SystemExit(
            "the serving image's library (sagemaker-containers) is not installed for this Python: run this under "
            ".venv-serving (`make serve` builds it; or .venv-serving/bin/python -m scripts.serve_endpoint ...)"
        )
    model_dir = resolve_model_dir(args.model, args.cache_dir)
    program = os.environ.get("SAGEMAKER_PROGRAM", DEFAULT_PROGRAM)
    if not (model_dir / "code" / program).is_file():
        raise SystemExit(f"{model_dir / 'code' / program} not found: is {args.model} a model.tar.gz from `make train`?")
    prepare_container(model_dir, args.cache_dir, program)
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": "gevent",
        "worker_connections": 1000 * args.workers,
        "timeout": args.timeout,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
    }
    _Gunicorn(options, args.endpoint_name).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
