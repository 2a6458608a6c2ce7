"""Each stack's copy of terraform/: refreshed from the source, never removing what Terraform wrote into it,
without working data, state or overrides, and with the repository's relative paths still resolving."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.local_aws import configuration_tree
from scripts.local_aws.layout import Layout


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    root = tmp_path / "repo"
    (root / "terraform" / "examples" / "real-time" / ".terraform").mkdir(parents=True)
    (root / "terraform" / "main.tf").write_text("# root\n")
    (root / "terraform" / ".terraform.lock.hcl").write_text("# pinned\n")
    (root / "terraform" / "localstack_providers_override.tf").write_text("# someone's endpoint\n")
    (root / "terraform" / "terraform.tfstate").write_text("{}")
    (root / "terraform" / "examples" / "real-time" / "main.tf").write_text("# example\n")
    (root / "terraform" / "examples" / "real-time" / ".terraform.lock.hcl").write_text("# tf-check's\n")
    (root / "terraform" / "examples" / "real-time" / ".terraform" / "modules.json").write_text("{}")
    (root / "web").mkdir()
    (root / "web" / "index.html").write_text("<html>")
    return Layout(root=root, state=root / ".local" / "aws-test", port=4599)


def test_the_copy_has_the_configuration_and_not_working_data_state_or_overrides(layout: Layout) -> None:
    example = configuration_tree.working_directory(layout, layout.terraform_dir / "examples" / "real-time")
    copy = layout.state / "configuration" / "terraform"
    assert example == copy / "examples" / "real-time"
    assert (example / "main.tf").read_text() == "# example\n"
    assert (copy / ".terraform.lock.hcl").read_text() == "# pinned\n"
    for absent in ("localstack_providers_override.tf", "terraform.tfstate", "examples/real-time/.terraform",
                   "examples/real-time/.terraform.lock.hcl"):  # fmt: skip
        assert not (copy / absent).exists(), absent
    assert (copy / ".." / "web" / "index.html").read_text() == "<html>", "../web must resolve as in the repository"


def test_a_refresh_follows_edits_and_removals_and_keeps_what_terraform_wrote(layout: Layout) -> None:
    copy = configuration_tree.refresh(layout)
    (copy / "examples" / "real-time" / ".terraform.lock.hcl").write_text("# init's\n")
    (layout.terraform_dir / "main.tf").write_text("# edited\n")
    (layout.terraform_dir / "examples" / "real-time" / "main.tf").unlink()
    (layout.terraform_dir / "outputs.tf").write_text("# new\n")
    configuration_tree.refresh(layout)
    assert (copy / "main.tf").read_text() == "# edited\n"
    assert (copy / "outputs.tf").read_text() == "# new\n"
    assert not (copy / "examples" / "real-time" / "main.tf").exists()
    assert (copy / "examples" / "real-time" / ".terraform.lock.hcl").read_text() == "# init's\n"


def test_a_directory_outside_terraform_is_used_as_it_is(layout: Layout, tmp_path: Path) -> None:
    own = tmp_path / "own-configuration"
    assert configuration_tree.working_directory(layout, own) == own
    assert not (layout.state / "configuration").exists()
