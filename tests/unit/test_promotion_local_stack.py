"""`make promote` without GROUP/BUCKET: the registry of the local stack, read from its Terraform state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promotion import local_stack
from scripts.local_aws.layout import Layout


def test_outputs_come_from_the_state_file(tmp_path: Path) -> None:
    layout = Layout(state=tmp_path, port=4599)
    layout.terraform_state.parent.mkdir(parents=True, exist_ok=True)
    outputs = {"model_package_group_name": {"value": "sentiment"}, "bucket_name": {"value": "sentiment-models-1"}}
    layout.terraform_state.write_text(json.dumps({"version": 4, "outputs": outputs}))
    stack = local_stack.load(layout)
    assert stack.endpoint_url == "http://127.0.0.1:4599"
    assert (stack.output("model_package_group_name"), stack.output("bucket_name")) == (
        "sentiment",
        "sentiment-models-1",
    )


def test_a_missing_output_or_state_says_what_to_do(tmp_path: Path) -> None:
    layout = Layout(state=tmp_path)
    with pytest.raises(local_stack.NoLocalStackError, match="run `make up`, or pass GROUP= and BUCKET="):
        local_stack.load(layout)
    layout.terraform_state.parent.mkdir(parents=True, exist_ok=True)
    layout.terraform_state.write_text(json.dumps({"outputs": {"bucket_name": {"value": "b"}}}))
    with pytest.raises(
        local_stack.NoLocalStackError, match="no output 'model_package_group_name' .outputs: bucket_name"
    ):
        local_stack.load(layout).output("model_package_group_name")
