"""Shared state on LocalStack: terraform/examples/state-backend makes the bucket, a configuration keeps its state
there through the repository's partial backend (terraform/backends/s3.tf, `use_lockfile = true`), and a second
`terraform apply` started while the first holds the lock fails on the lock instead of writing the state.

The first apply is a real, interactive `terraform apply` waiting at its approval prompt, which is when
Terraform holds the state lock (a conditional PutObject of ``<key>.tflock``, which LocalStack refuses a second
time with 412 as S3 does). The configuration that keeps its state in the bucket is a small one of the test's
own (a ``terraform_data``, no provider): what is under test is the backend, which is the same for the root and
every example. Its backend settings are the documented ones (a copy of terraform/backends/s3.tf as
``backend_override.tf`` and a ``.s3.tfbackend`` file), plus LocalStack's endpoint and path-style addressing.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.local_aws import examples
from scripts.local_aws.terraform import Terraform
from tests.integration.conftest import REGION, LocalStack

pytestmark = pytest.mark.integration

EXAMPLE = "state-backend"
STATE_KEY = "imdb-sentiment/ci/terraform.tfstate"
COMMAND_TIMEOUT = 180
PROMPT_TIMEOUT = 120
CONFIGURATION = """
variable "release" {
  type = string
}

resource "terraform_data" "release" {
  input = var.release
}
"""


def backend_file(bucket: str, endpoint: str) -> str:
    """What `terraform output -raw backend_config` prints, plus what LocalStack needs instead of AWS."""
    return f"""bucket       = "{bucket}"
key          = "{STATE_KEY}"
region       = "{REGION}"
encrypt      = true
use_lockfile = true
endpoints = {{ s3 = "{endpoint}" }}
use_path_style              = true
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
access_key                  = "test"
secret_key                  = "test"
"""


def terraform(directory: Path, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["terraform", *args],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def wait_for_prompt(process: subprocess.Popen, timeout: float) -> str:
    """Read the interactive apply's output until it asks for approval (holding the lock); what it printed."""
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while "Enter a value:" not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0 and process.poll() is None, f"no approval prompt: {seen[-2000:]}"
        ready, _, _ = select.select([process.stdout], [], [], min(remaining, 1.0))
        if ready:
            seen += os.read(process.stdout.fileno(), 65536).decode(errors="replace")
    return seen


def empty_bucket(local_stack: LocalStack, bucket: str) -> None:
    """Every version and delete marker: a versioned bucket is deleted only empty."""
    s3 = local_stack.client("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


def example_terraform(local_stack: LocalStack) -> Terraform:
    """Terraform in the example's directory with the state the example was applied with."""
    return examples.terraform(local_stack.layout, EXAMPLE)


@pytest.fixture(scope="module")
def state_bucket(local_stack: LocalStack) -> Iterator[str]:
    """The example applied beside the session stack, once for this module's tests (neither changes the bucket's
    settings; each uses its own state key or none); removed after, its deletion guard taken off.

    Without its lifecycle rule for old state versions, which nothing here reads: the aws provider waits about a
    minute after creating one. The fresh-account test creates the same module's rule (modules/private_bucket).
    """
    outputs = local_stack.apply_example(
        EXAMPLE, region=REGION, name="imdb-ci-tfstate-", noncurrent_version_expiration_days=None
    )
    try:
        yield outputs["bucket"]
    finally:
        empty_bucket(local_stack, outputs["bucket"])
        example = example_terraform(local_stack)
        example.run("state", "rm", f"-state={example.layout.terraform_state}", "terraform_data.deletion_protection")
        local_stack.destroy_example(EXAMPLE)


def test_the_state_bucket_refuses_terraform_destroy(local_stack: LocalStack, state_bucket: str) -> None:
    example = example_terraform(local_stack)
    plan = example.run(
        "plan",
        "-destroy",
        "-input=false",
        "-no-color",
        f"-state={example.layout.terraform_state}",
        f"-var-file={example.layout.tfvars}",
        check=False,
        capture=True,
    )
    assert plan.returncode != 0
    assert "Instance cannot be destroyed" in plan.stdout + plan.stderr
    s3 = local_stack.client("s3")
    assert s3.get_bucket_versioning(Bucket=state_bucket)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=state_bucket)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]


def test_state_lives_in_s3_and_a_second_apply_fails_on_the_lock(
    local_stack: LocalStack, state_bucket: str, tmp_path: Path
) -> None:
    s3 = local_stack.client("s3")
    configuration = tmp_path / "stack"
    configuration.mkdir()
    (configuration / "main.tf").write_text(CONFIGURATION)
    shutil.copy(local_stack.layout.terraform_dir / "backends" / "s3.tf", configuration / "backend_override.tf")
    (configuration / "ci.s3.tfbackend").write_text(backend_file(state_bucket, local_stack.layout.endpoint_url))
    environment = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_CLI_CONFIG_FILE": "/dev/null"}
    for inherited in ("TF_DATA_DIR", "TF_INPUT", "TF_CLI_ARGS"):
        environment.pop(inherited, None)

    init = terraform(configuration, environment, "init", "-input=false", "-no-color", "-backend-config=ci.s3.tfbackend")
    assert init.returncode == 0, init.stderr
    first = terraform(configuration, environment, "apply", "-auto-approve", "-no-color", "-var", "release=1")
    assert first.returncode == 0, first.stderr
    assert not (configuration / "terraform.tfstate").exists(), "the state must not be local"
    state = s3.get_object(Bucket=state_bucket, Key=STATE_KEY)["Body"].read()
    assert b'"release"' in state and b'"1"' in state

    holder = subprocess.Popen(
        ["terraform", "apply", "-no-color", "-var", "release=2"],
        cwd=configuration,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_prompt(holder, PROMPT_TIMEOUT)
        lock = s3.get_object(Bucket=state_bucket, Key=f"{STATE_KEY}.tflock")["Body"].read()
        assert b'"Operation"' in lock and b"OperationTypeApply" in lock

        second = terraform(
            configuration, environment, "apply", "-auto-approve", "-no-color", "-lock-timeout=0s", "-var", "release=3"
        )
        assert second.returncode != 0
        assert "Error acquiring the state lock" in second.stderr
        assert b'"2"' not in s3.get_object(Bucket=state_bucket, Key=STATE_KEY)["Body"].read()

        assert holder.stdin is not None
        holder.stdin.write(b"yes\n")
        holder.stdin.close()
        assert holder.wait(timeout=COMMAND_TIMEOUT) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)

    listed = s3.list_objects_v2(Bucket=state_bucket, Prefix=STATE_KEY)
    assert [entry["Key"] for entry in listed.get("Contents", [])] == [STATE_KEY], "the lock must be released"
    assert b'"2"' in s3.get_object(Bucket=state_bucket, Key=STATE_KEY)["Body"].read()
    again = terraform(configuration, environment, "apply", "-auto-approve", "-no-color", "-var", "release=3")
    assert again.returncode == 0, again.stderr
