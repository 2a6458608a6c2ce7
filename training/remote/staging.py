"""The code a training job runs: the training package, the one tokeniser and the extra requirements."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from training import data

# The scikit-learn image provides these; everything else in the `train` extra is installed in the job.
IMAGE_PROVIDES = {"scikit-learn", "numpy", "scipy", "joblib"}


def job_requirements(pyproject: Path = data.PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """The `train` extra's pins that the scikit-learn image does not already provide."""
    extras = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["train"]
    return [pin for pin in extras if re.split(r"[=<>!~\[ ]", pin, maxsplit=1)[0].lower() not in IMAGE_PROVIDES]


def stage_code(dest: Path) -> Path:
    """The job's source dir: the training package (with its data readers), the serving package it packs into
    model.tar.gz's ``code/``, the one tokeniser and the modules shared with the Lambda, and a requirements.txt."""
    root = data.PROJECT_ROOT
    for package in ("training", "serving"):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if relative.parts[:2] == ("training", "remote"):  # the launcher stays here
                continue
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / relative)
    (dest / "lambda_src").mkdir()
    for name in ("__init__.py", "limits.py", "strict_json.py", "tokenizer.py"):  # what training and serving import
        shutil.copy2(root / "lambda_src" / name, dest / "lambda_src" / name)
    (dest / "requirements.txt").write_text("\n".join(job_requirements()) + "\n", encoding="utf-8")
    return dest


def git_sha() -> str | None:
    """The commit of the staged code: the job has no .git, so it gets this as TRAINING_GIT_SHA; None outside git."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=data.PROJECT_ROOT, capture_output=True, text=True, timeout=5
        )
    except OSError:
        return None
    return out.stdout.strip() or None
