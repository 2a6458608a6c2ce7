"""Applying an example to a local stack: its own state beside the stack's, the same gateway, a clear refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.local_aws import examples
from scripts.local_aws.layout import Layout


def test_an_example_keeps_its_state_apart_on_the_stacks_gateway(tmp_path: Path) -> None:
    layout = Layout(state=tmp_path, port=4599)
    own = examples.example_layout(layout, "existing-model")
    assert own.endpoint_url == layout.endpoint_url and own.root == layout.root
    assert own.terraform_state == tmp_path / "examples" / "existing-model" / "terraform.tfstate"
    assert own.terraform_data != layout.terraform_data and own.tfvars != layout.tfvars


def test_an_unknown_example_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(
        SystemExit, match="existing-model, github-oidc, real-time, serverless, state-backend, with-web-site"
    ):
        examples.destroy(Layout(state=tmp_path, port=4599), "no-such-example")
