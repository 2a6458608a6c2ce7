"""The local Lambda runs on the Python of the runtime Terraform declares, and everything says so.

The version is declared once (the inference_lambda module's ``runtime`` default); the "What differs from AWS"
table of docs/local-aws.md and the Lambda requirements file must name the same one, and ``make local-install``
must find that interpreter or stop saying what to install.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.local_aws.lambda_runtime import (
    RUNTIME_SOURCE,
    MissingPython,
    declared_runtime,
    find_python,
    python_version,
)
from scripts.local_aws.layout import REPO_ROOT


def docs_lambda_row() -> str:
    page = REPO_ROOT / "docs" / "local-aws.md"
    rows = [line for line in page.read_text().splitlines() if line.startswith("| Lambda |")]
    assert len(rows) == 1, "the 'What differs from AWS' table of docs/local-aws.md has one Lambda row"
    return rows[0]


def test_the_declared_runtime_is_read_from_terraform():
    assert re.fullmatch(r"python3\.\d+", declared_runtime())
    assert f'default     = "{declared_runtime()}"' in RUNTIME_SOURCE.read_text()


def test_docs_and_requirements_name_the_declared_runtime():
    runtime = declared_runtime()
    row = docs_lambda_row()
    assert f"`{runtime}`" in row and f"Python {python_version(runtime)}" in row
    assert re.findall(r"Python 3\.\d+", row) == [f"Python {python_version(runtime)}"] * row.count("Python 3.")
    requirements = (REPO_ROOT / "scripts" / "local_aws" / "requirements-lambda.txt").read_text()
    assert set(re.findall(r"python3\.\d+", requirements)) == {runtime}


def test_declared_runtime_needs_a_python_runtime(tmp_path: Path):
    variables = tmp_path / "variables.tf"
    variables.write_text('variable "runtime" {\n  type    = string\n  default = "nodejs20.x"\n}\n')
    assert declared_runtime(variables) == "nodejs20.x"
    with pytest.raises(ValueError, match="not a Python Lambda runtime"):
        python_version(declared_runtime(variables))


def fake_python(root: Path, release: str, reports: str, exit_code: int = 0) -> Path:
    """An executable at pyenv's layout that answers the version probe like an interpreter would."""
    minor = ".".join(release.split(".")[:2])
    exe = root / "versions" / release / "bin" / f"python{minor}"
    exe.parent.mkdir(parents=True)
    exe.write_text(f"#!/bin/sh\necho {reports}\nexit {exit_code}\n")
    exe.chmod(0o755)
    return exe


def test_finds_the_newest_working_pyenv_release(tmp_path: Path):
    empty_path = str(tmp_path / "no-bin")
    fake_python(tmp_path, "3.12.9", "3.12")
    newest = fake_python(tmp_path, "3.12.10", "3.12")
    fake_python(tmp_path, "3.13.0", "3.13")
    assert find_python("3.12", path=empty_path, pyenv_root=tmp_path) == newest


def test_skips_an_interpreter_that_does_not_run(tmp_path: Path):
    empty_path = str(tmp_path / "no-bin")
    fake_python(tmp_path, "3.12.10", "3.12", exit_code=1)
    working = fake_python(tmp_path, "3.12.1", "3.12")
    assert find_python("3.12", path=empty_path, pyenv_root=tmp_path) == working


def test_a_missing_python_stops_with_what_to_install(tmp_path: Path):
    fake_python(tmp_path, "3.11.7", "3.11")
    with pytest.raises(MissingPython) as caught:
        find_python("3.12", path=str(tmp_path / "no-bin"), pyenv_root=tmp_path)
    message = str(caught.value)
    assert "pyenv install 3.12" in message and "make local-install" in message
    assert "terraform/modules/inference_lambda/variables.tf" in message


def test_this_machine_has_the_declared_python():
    """`make local-install` builds .venv-lambda with it; a machine without it fails that step, not silently."""
    version = python_version(declared_runtime())
    assert find_python(version).name == f"python{version}"
