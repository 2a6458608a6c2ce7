"""`make promote` without GROUP/BUCKET: the registry of the local stack, read from its Terraform state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promotion import local_stack
from promotion.cli import _clients, build_parser
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


def test_local_stack_clients_use_its_endpoint_region_and_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = Layout(state=tmp_path, port=4599)
    outputs = {"model_package_group_name": {"value": "sentiment"}, "bucket_name": {"value": "sentiment-models-1"}}
    layout.terraform_state.write_text(json.dumps({"outputs": outputs}))
    monkeypatch.setattr(local_stack, "Layout", lambda: layout)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    args = build_parser().parse_args(["model.tar.gz", "--local-stack", "--bucket", "mine"])
    sagemaker, s3, _, region = _clients(args)
    assert (sagemaker.meta.endpoint_url, s3.meta.endpoint_url) == ("http://127.0.0.1:4599",) * 2
    assert region == "us-east-1" and sagemaker.meta.region_name == "us-east-1"
    assert (args.group, args.bucket) == ("sentiment", "mine")  # an explicit --bucket wins over the output
