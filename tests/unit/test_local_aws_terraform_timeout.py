"""A terraform command that hangs is stopped and reported, not waited for forever (the stack tests' budget)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.local_aws import terraform
from scripts.local_aws.layout import Layout


def test_a_hung_command_becomes_a_terraform_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terraform, "COMMAND_TIMEOUT_SECONDS", 0.2)
    runner = terraform.Terraform(Layout(root=tmp_path, state=tmp_path / "state"), directory=tmp_path)
    with pytest.raises(terraform.TerraformError, match="did not finish within 0 s"):
        runner._run(["sleep", "30"], capture=True)
