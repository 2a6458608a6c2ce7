"""Write the training artifacts: model.tar.gz for SageMaker, vocabulary.json, metrics and report.

``model.tar.gz`` is built deterministically (sorted entries, fixed times, owners and modes,
gzip without a timestamp): the same model gives the same bytes, so Terraform's content-keyed
upload and endpoint configuration change only when the model does.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

from lambda_src import limits, strict_json, tokenizer
from lambda_src.tokenizer import Vocabulary
from serving import inference

MODEL_ARCHIVE = "model.tar.gz"
SERVING_DIR = Path(inference.__file__).parent  # shipped as code/serving/, inference.py itself as code/inference.py


def model_version(vocabulary_version: str, coef: np.ndarray, intercept: float) -> str:
    """Identity of the (vocabulary, weights) pair: returned with every prediction."""
    digest = hashlib.sha256(vocabulary_version.encode())
    digest.update(np.ascontiguousarray(coef, dtype="<f8").tobytes())
    digest.update(repr(float(intercept)).encode())
    return digest.hexdigest()[:16]


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array, dtype="<f8"), allow_pickle=False)
    return buffer.getvalue()


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def model_archive_members(vocabulary: Vocabulary, coef: np.ndarray, metadata: dict[str, Any]) -> dict[str, bytes]:
    """Archive path -> bytes, in the layout the SageMaker scikit-learn container loads."""
    return {
        "coef.npy": _npy_bytes(coef),
        "metadata.json": _json_bytes(metadata),
        "vocabulary.json": json.dumps(vocabulary.to_dict(), ensure_ascii=False, separators=(",", ":")).encode(),
        **code_members(),
    }


def code_members() -> dict[str, bytes]:
    """The serving code an archive ships (``code/``): it runs in the container, so it is the archive's own."""
    return {
        "code/inference.py": Path(inference.__file__).read_bytes(),
        "code/lambda_src/__init__.py": b"",
        "code/lambda_src/limits.py": Path(limits.__file__).read_bytes(),
        "code/lambda_src/strict_json.py": Path(strict_json.__file__).read_bytes(),
        "code/lambda_src/tokenizer.py": Path(tokenizer.__file__).read_bytes(),
        **{
            f"code/serving/{path.name}": path.read_bytes()
            for path in sorted(SERVING_DIR.glob("*.py"))
            if path.name != "inference.py"  # the container's entry point, at the top of code/ (SAGEMAKER_PROGRAM)
        },
    }


def write_tar_gz(path: Path, members: dict[str, bytes]) -> None:
    """A reproducible tar.gz: sorted names, mtime 0, root owner, mode 0644."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(members):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(members[name]), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(members[name]))
    with path.open("wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())


def write_members(folder: Path, members: dict[str, bytes]) -> None:
    """The archive's members as plain files under ``folder`` (the unpacked model.tar.gz)."""
    for name in sorted(members):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(members[name])


def write_model(
    out_dir: Path, vocabulary: Vocabulary, coef: np.ndarray, metadata: dict[str, Any], model_dir: Path | None = None
) -> Path:
    """Write model.tar.gz and the stand-alone vocabulary.json for the Lambda packager.

    With ``model_dir`` (a SageMaker training job's SM_MODEL_DIR) the same members are written
    unpacked there instead, because SageMaker tars that folder into model.tar.gz itself.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    members = model_archive_members(vocabulary, coef, metadata)
    if model_dir is None:
        target = out_dir / MODEL_ARCHIVE
        write_tar_gz(target, members)
    else:
        target = model_dir
        write_members(model_dir, members)
    vocabulary.save(out_dir / "vocabulary.json")
    return target


def write_metrics(out_dir: Path, metrics: dict[str, Any]) -> Path:
    path = out_dir / "metrics.json"
    path.write_bytes(_json_bytes(metrics))
    return path


def write_report(out_dir: Path, metrics: dict[str, Any], plots: list[Path]) -> Path:
    """A short human-readable summary next to metrics.json."""
    cm = metrics["confusion_matrix"]["rows_true_cols_pred"]
    val = ", ".join(f"C={c}: {a:.4f}" for c, a in metrics["validation_accuracy"].items())
    source = metrics["data"]
    lines = [
        "# Sentiment model report" if source["format"] != "imdb" else "# IMDB sentiment model report",
        "",
        f"Model version `{metrics['model_version']}`, vocabulary `{metrics['vocabulary_version']}` "
        f"({metrics['vocabulary_size']:,} terms, word {metrics['ngram_range'][0]}..{metrics['ngram_range'][1]}-grams).",
        "",
        f"Evaluated once on {source['test_source']} ({metrics['test_reviews']:,} texts):",
        "",
        "| metric | value |",
        "| --- | --- |",
        *(f"| {k} | {metrics[k]:.4f} |" for k in ("accuracy", "precision", "recall", "f1", "roc_auc")),
        "",
        f"Confusion matrix (rows true, columns predicted; negative, positive): {cm}.",
        "",
        f"Chosen on a {metrics['validation_fraction']:.0%} validation split of the training set only: {val} "
        f"-> C={metrics['c']}.",
        f"Training time {metrics['training_seconds']:.0f} s; "
        + (
            f"data sha256 `{metrics['data_sha256'][:16]}…`." if metrics["data_sha256"] else "data: an extracted folder."
        ),
        "",
        *data_lines(source),
        "",
        *(f"![{p.stem}](plots/{p.name})" for p in plots),
        "",
    ]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def data_lines(source: dict[str, Any]) -> list[str]:
    """The data section of report.md: what was read, skipped and removed, so a reader can trust the figures."""
    labels, counts, leakage = source["labels"], source["class_counts"], source["leakage"]
    columns = (
        f" (text column `{source['text_column']}`, label column `{source['label_column']}`)"
        if "text_column" in source
        else ""
    )
    lines = [
        "## Data",
        "",
        f"Format {source['format']}{columns}; positive label `{labels['positive']}`, "
        f"negative label `{labels['negative']}`.",
        "",
        "| set | rows read | skipped | negative | positive |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("train", "test"):
        skipped = ", ".join(f"{n:,} {reason}" for reason, n in source["skipped"][name].items()) or "0"
        if source["rows_read"][name] is None:  # held out from the training data: read and skipped there
            skipped = "—"
        lines.append(
            f"| {name} | {_count(source['rows_read'][name])} | {skipped} | {counts[name]['negative']:,} "
            f"| {counts[name]['positive']:,} |"
        )
    removed = leakage["removed_from_test"]
    lines += [
        "",
        f"Leakage: {leakage['test_texts_in_train']:,} test texts also in the training set; "
        + (f"{removed:,} removed from the test set" if removed else "none removed")
        + (" (the official test split is kept whole)." if source["format"] == "imdb" else "."),
    ]
    return lines


def _count(value: int | None) -> str:
    return "— (split from train)" if value is None else f"{value:,}"
