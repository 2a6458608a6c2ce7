"""Where a model came from: read from its archive (metadata.json) and the metrics.json training wrote beside it.

A package's lineage has to be readable from the registry alone, so it goes into CustomerMetadataProperties.
Those allow 50 entries, keys of at most 128 and values of at most 256 characters made of letters, digits,
spaces and ``_ . : / = + - @`` only (no JSON, commas or quotes): ``properties`` flattens and cleans to that.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from promotion.evaluation import EvaluationError

MAX_PROPERTIES = 50
MAX_KEY = 128
MAX_VALUE = 256
_UNSAFE = re.compile(r"[^A-Za-z0-9 _.:/=+\-@]")


@dataclass(frozen=True)
class Lineage:
    """The archive's identity and what trained it."""

    archive_sha256: str
    model_version: str
    vocabulary_version: str
    tokenizer_version: str
    ngram_range: str
    data_sha256: str | None
    git_commit: str | None
    training_args: str
    versions: str
    train_rows: int | None
    test_rows: int | None
    training_accuracy: float | None

    def properties(self) -> dict[str, str]:
        """CustomerMetadataProperties entries (``none`` for what is unknown)."""
        values = {
            "archive_sha256": self.archive_sha256,
            "model_version": self.model_version,
            "vocabulary_version": self.vocabulary_version,
            "tokenizer_version": self.tokenizer_version,
            "ngram_range": self.ngram_range,
            "data_sha256": self.data_sha256,
            "git_commit": self.git_commit,
            "training_args": self.training_args,
            "library_versions": self.versions,
            "train_rows": self.train_rows,
            "training_test_rows": self.test_rows,
            "training_test_accuracy": None if self.training_accuracy is None else f"{self.training_accuracy:.5f}",
        }
        return {key: clean(value) for key, value in values.items()}


def clean(value: object) -> str:
    """A value CustomerMetadataProperties accepts: unknown becomes ``none``, other characters ``_``, cut at 256."""
    text = "none" if value is None else str(value)
    return _UNSAFE.sub("_", text)[:MAX_VALUE] or "none"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _member_json(archive: Path, name: str) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            stream = tar.extractfile(name)
            if stream is None:
                raise KeyError(name)
            return json.loads(stream.read())
    except (tarfile.TarError, OSError, EOFError, KeyError, ValueError) as exc:
        raise EvaluationError(f"cannot read {name} from {archive}: {exc}") from exc


def _training_metrics(archive: Path, model_version: str) -> dict[str, Any]:
    """metrics.json beside the archive, if it describes this very model (else nothing: no stale figures)."""
    path = archive.parent / "metrics.json"
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return metrics if isinstance(metrics, dict) and metrics.get("model_version") == model_version else {}


def _arguments(config: dict[str, Any], c: object) -> str:
    """The training configuration as ``key=value`` pairs (lists joined by ``/``), the chosen C last."""
    pairs = []
    for key, value in sorted(config.items()):
        if key == "settings":
            continue
        shown = "/".join(str(item) for item in value) if isinstance(value, list) else value
        pairs.append(f"{key}={shown}")
    return " ".join([*pairs, f"c={c}"])


def read(archive: Path) -> Lineage:
    """The lineage of a model.tar.gz of `make train` (metrics.json beside it adds row counts and accuracy)."""
    metadata = _member_json(archive, "metadata.json")
    try:
        config = metadata["config"]
        settings = config["settings"]
        version = metadata["model_version"]
        vocabulary_version = metadata["vocabulary_version"]
    except (KeyError, TypeError) as exc:
        raise EvaluationError(f"{archive}: metadata.json lacks {exc}; is it a model.tar.gz of `make train`?") from exc
    metrics = _training_metrics(archive, version)
    return Lineage(
        archive_sha256=sha256_of(archive),
        model_version=version,
        vocabulary_version=vocabulary_version,
        tokenizer_version=str(settings.get("tokenizer_version")),
        ngram_range=f"{settings.get('ngram_min')}-{settings.get('ngram_max')}",
        data_sha256=metadata.get("data_sha256"),
        git_commit=metadata.get("git_sha"),
        training_args=_arguments(config, metadata.get("c")),
        versions=" ".join(f"{name}={value}" for name, value in sorted(metadata.get("versions", {}).items())),
        train_rows=metrics.get("train_reviews"),
        test_rows=metrics.get("test_reviews"),
        training_accuracy=metrics.get("accuracy"),
    )
