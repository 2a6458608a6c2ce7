"""terraform/tf_docs.py: every module has a README with current tables, and `--check` fails otherwise.

A module without a README used to be skipped silently; now it fails the check (tf-check.sh, `make test`),
whichever module it is, nested submodules included.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TERRAFORM = Path(__file__).resolve().parents[2] / "terraform"

_spec = importlib.util.spec_from_file_location("tf_docs", TERRAFORM / "tf_docs.py")
tf_docs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = tf_docs
_spec.loader.exec_module(tf_docs)

VARIABLES = 'variable "name" {\n  description = "Name of the thing."\n  type        = string\n}\n'


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A root configuration with a documented module, a nested submodule, tests and Terraform's own copies."""
    (tmp_path / "main.tf").write_text('module "a" {\n  source = "./modules/a"\n}\n')
    for module in ("modules/a", "modules/a/modules/inner", "modules/b", "modules/a/.terraform/modules/copy"):
        (tmp_path / module).mkdir(parents=True)
        (tmp_path / module / "variables.tf").write_text(VARIABLES)
    (tmp_path / "modules/a/tests").mkdir()
    (tmp_path / "modules/a/tests/fixture.tf").write_text(VARIABLES)
    return tmp_path


def test_every_module_under_modules_is_checked(root: Path):
    assert tf_docs.configuration_directories(root) == [
        root,
        root / "modules/a",
        root / "modules/a/modules/inner",
        root / "modules/b",
    ]


def test_a_module_without_a_readme_fails_the_check(root: Path, capsys):
    module = root / "modules/b"
    assert tf_docs.main(["--check", str(module)]) == 1
    assert "no README.md" in capsys.readouterr().out
    assert not (module / "README.md").exists(), "--check changes nothing"


def test_writing_tables_does_not_invent_a_readme(root: Path, capsys):
    module = root / "modules/b"
    assert tf_docs.main([str(module)]) == 1
    assert "no README.md" in capsys.readouterr().out
    assert not (module / "README.md").exists()


def test_a_readme_gets_its_tables_and_then_passes(root: Path):
    module = root / "modules/b"
    (module / "README.md").write_text("# b\n\nWhat b is for.\n")
    assert tf_docs.main(["--check", str(module)]) == 1, "a README without tables is out of date"
    assert tf_docs.main([str(module)]) == 0
    assert "[name](#input\\_name)" in (module / "README.md").read_text()
    assert tf_docs.main(["--check", str(module)]) == 0


def test_the_repository_modules_all_have_current_readmes():
    directories = tf_docs.configuration_directories(TERRAFORM)
    assert TERRAFORM / "modules" / "training_role" in directories
    assert all((directory / "README.md").exists() for directory in directories)
    assert tf_docs.main(["--check"]) == 0


def test_one_line_blocks_are_listed(tmp_path: Path):
    """`data "aws_region" "current" {}` is a data source like any other; it used to be left out of the table."""
    (tmp_path / "main.tf").write_text(
        'data "aws_region" "current" {}\n\n'
        'resource "aws_sqs_queue" "this" {\n  name = "q"\n}\n\n'
        'data "aws_iam_policy_document" "empty" {\n}\n'
    )
    table = tf_docs.render(tmp_path)
    region_docs = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/region"
    assert f"[data.aws_region.current]({region_docs}) | data source |" in table
    assert "[aws_sqs_queue.this]" in table
    assert "[data.aws_iam_policy_document.empty]" in table
