"""The Python that runs the Lambda function locally: the version of the runtime Terraform declares.

AWS runs the function under its declared runtime (``python3.12``); under another Python, code that fails
there (a removed module, new syntax) could pass here, or the reverse. The runtime is declared once, as the
default of the inference_lambda module's ``runtime`` variable; ``.venv-lambda`` is built with the matching
interpreter, found on ``PATH`` or among pyenv's versions. The executor plugin refuses a function whose
runtime does not match that interpreter, so the two cannot drift apart silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from scripts.local_aws.layout import REPO_ROOT

RUNTIME_SOURCE = REPO_ROOT / "terraform" / "modules" / "inference_lambda" / "variables.tf"
VERSION_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"


class MissingPython(SystemExit):
    """No interpreter of the declared runtime's version is installed: `make local-install` and `make up`
    stop with this message (a SystemExit prints it without a traceback)."""


def declared_runtime(variables_tf: Path = RUNTIME_SOURCE) -> str:
    """The default of ``variable "runtime"`` in the inference_lambda module, e.g. ``python3.12``."""
    block = re.search(r'^variable "runtime" \{\n(.*?)^\}', variables_tf.read_text(), re.M | re.S)
    default = block and re.search(r'^  default\s*=\s*"([^"]+)"', block.group(1), re.M)
    if not default:
        raise ValueError(f'{variables_tf}: no default for variable "runtime"')
    return default.group(1)


def python_version(runtime: str) -> str:
    """``python3.12`` -> ``3.12``."""
    match = re.fullmatch(r"python(3\.\d+)", runtime)
    if not match:
        raise ValueError(f"{runtime!r} is not a Python Lambda runtime (python3.N)")
    return match.group(1)


def interpreter_version(python: Path) -> str | None:
    """The major.minor version an interpreter reports, or None when it does not run."""
    try:
        result = subprocess.run([str(python), "-c", VERSION_PROBE], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _candidates(version: str, path: str | None, pyenv_root: Path) -> list[Path]:
    on_path = shutil.which(f"python{version}", path=path)
    # Newest patch release first: 3.12.10 before 3.12.9.
    installed = sorted(
        (pyenv_root / "versions").glob(f"{version}.*/bin/python{version}"),
        key=lambda exe: [int(part) if part.isdigit() else -1 for part in exe.parents[1].name.split(".")],
        reverse=True,
    )
    return ([Path(on_path)] if on_path else []) + installed


def find_python(
    version: str, path: str | None = None, pyenv_root: Path | None = None, needed_by: str | None = None
) -> Path:
    """An interpreter of ``version`` (e.g. ``3.12``); MissingPython, saying what to install, when none runs.

    ``needed_by`` says why that version (default: the Lambda runtime Terraform declares).
    """
    root = pyenv_root or Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for candidate in _candidates(version, path, root):
        if interpreter_version(candidate) == version:
            return candidate
    why = needed_by or f"The Lambda function's runtime is python{version} ({RUNTIME_SOURCE.relative_to(REPO_ROOT)})"
    raise MissingPython(
        f"{why}, so the local stack runs it under Python {version}, which is not installed: found no "
        f"python{version} on PATH nor in {root}/versions. Install it (`pyenv install {version}`, or your system's "
        f"python{version} package with its venv module), then run `make local-install` again."
    )


def lambda_python() -> tuple[Path, str]:
    """The interpreter for ``.venv-lambda`` and its version, from the declared runtime."""
    version = python_version(declared_runtime())
    return find_python(version), version
