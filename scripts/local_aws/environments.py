"""The two extra virtualenvs a local stack needs, built from pinned requirements on a fresh machine.

- ``.venv-localstack``: LocalStack 4.13.1, tflocal and this project's LocalStack plugins (editable). Its
  pins (an older boto3, cryptography caps) clash with the project's, hence its own environment.
- ``.venv-lambda``: only the packages of AWS's Python Lambda runtime (boto3), on the Python version of the
  runtime Terraform declares (lambda_runtime.py), which the function's code runs under, so an import or
  a syntax that would fail in Lambda fails here too.

Each environment carries a stamp of the files and the Python it was built from and is rebuilt only when
they change.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from scripts.local_aws.lambda_runtime import lambda_python
from scripts.local_aws.layout import Layout

STAMP = ".local-aws-stamp"
VENV_TIMEOUT_SECONDS = 300
# One pip step: LocalStack's pinned requirements take about 5 minutes on a busy 2-core machine.
PIP_TIMEOUT_SECONDS = 1800


def _digest(paths: list[Path], python: str) -> str:
    digest = hashlib.sha256(python.encode())
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _build(venv: Path, python: str, steps: list[list[str]], inputs: list[Path], force: bool, log: Callable) -> bool:
    stamp = venv / STAMP
    wanted = _digest(inputs, python)
    if not force and (venv / "bin" / "python").exists() and stamp.exists() and stamp.read_text() == wanted:
        return False
    log(f"building {venv.name} (pinned requirements) ...")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=VENV_TIMEOUT_SECONDS)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in steps:
        subprocess.run(pip + step, check=True, timeout=PIP_TIMEOUT_SECONDS)
    stamp.write_text(wanted)
    return True


def ensure_environments(
    layout: Layout, python: str = sys.executable, force: bool = False, log: Callable = print
) -> list[str]:
    """Create or refresh both environments; the names of those (re)built.

    The plugins are installed editable, so editing their code needs no rebuild; a new entry point (in
    pyproject.toml) does, and LocalStack's plux cache is cleared at every start for the same reason.
    """
    plugins = layout.plugins_dir
    localstack_requirements = plugins / "requirements-localstack.txt"
    lambda_requirements = plugins / "requirements-lambda.txt"
    built = []
    if _build(
        layout.localstack_venv,
        python,
        [["-r", str(localstack_requirements)], ["--no-deps", "--editable", str(plugins)]],
        [localstack_requirements, plugins / "pyproject.toml"],
        force,
        log,
    ):
        built.append(layout.localstack_venv.name)
    lambda_interpreter, _ = lambda_python()
    lambda_steps = [["-r", str(lambda_requirements)]]
    if _build(layout.lambda_venv, str(lambda_interpreter), lambda_steps, [lambda_requirements], force, log):
        built.append(layout.lambda_venv.name)
    return built
