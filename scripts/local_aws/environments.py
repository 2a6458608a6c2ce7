"""The three extra virtualenvs a local stack needs, built from pinned requirements on a fresh machine.

- ``.venv-localstack``: LocalStack 4.13.1, tflocal and this project's LocalStack plugins (editable). Its
  pins (an older boto3, cryptography caps) clash with the project's, hence its own environment.
- ``.venv-lambda``: only the packages of AWS's Python Lambda runtime (boto3), on the Python version of the
  runtime Terraform declares (lambda_runtime.py), which the function's code runs under, so an import or
  a syntax that would fail in Lambda fails here too.
- ``.venv-serving``: the SageMaker scikit-learn 1.4-2 image's serving stack on its Python (3.10):
  sagemaker-containers 2.8.6.post2 with Flask 1.1.1, gunicorn and scikit-learn 1.4.2, plus the image's one-line
  patch (patch_sagemaker_containers.py). Every model server (``make serve``, local endpoints, transform jobs)
  runs under it, so a request goes through the image's own worker and its exception-to-500 wrapper.

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

from scripts.local_aws.lambda_runtime import find_python, lambda_python
from scripts.local_aws.layout import Layout

STAMP = ".local-aws-stamp"
SERVING_PYTHON = "3.10"  # the scikit-learn 1.4-2 serving image's Python
VENV_TIMEOUT_SECONDS = 300
# One pip step: LocalStack's pinned requirements take about 5 minutes on a busy 2-core machine.
PIP_TIMEOUT_SECONDS = 1800


def _digest(paths: list[Path], python: str) -> str:
    digest = hashlib.sha256(python.encode())
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _build(
    venv: Path,
    python: str,
    steps: list[list[str]],
    inputs: list[Path],
    force: bool,
    log: Callable,
    scripts: tuple[Path, ...] = (),
) -> bool:
    """pip install each step, then run each script with the venv's Python; the stamp is written last."""
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
    for script in scripts:
        subprocess.run([str(venv / "bin" / "python"), str(script)], check=True, timeout=300)
    stamp.write_text(wanted)
    return True


def ensure_serving_environment(layout: Layout, force: bool = False, log: Callable = print) -> bool:
    """Create or refresh ``.venv-serving``; whether it was (re)built.

    Built from requirements-serving.txt and patched by patch_sagemaker_containers.py (both in the stamp).
    """
    plugins = layout.plugins_dir
    requirements, patch = plugins / "requirements-serving.txt", plugins / "patch_sagemaker_containers.py"
    why = "The SageMaker scikit-learn 1.4-2 image serves on Python 3.10 (scripts/local_aws/environments.py)"
    interpreter = find_python(SERVING_PYTHON, needed_by=why)
    steps = [["-r", str(requirements)]]
    return _build(layout.serving_venv, str(interpreter), steps, [requirements, patch], force, log, (patch,))


def ensure_environments(
    layout: Layout, python: str = sys.executable, force: bool = False, log: Callable = print
) -> list[str]:
    """Create or refresh the three environments; the names of those (re)built.

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
    if ensure_serving_environment(layout, force, log):
        built.append(layout.serving_venv.name)
    return built
