"""The whole system on this machine for the stack tests: LocalStack with our plugins, the real Terraform root.

The ``local_stack`` session fixture deploys with ``scripts.local_aws`` into its own state directory on a
free port (so it never touches a stack started by ``make up``), and stops every process it started by the
PIDs recorded in that directory. It serves the full model of ``make train`` (trained once if ``artifacts/`` is
empty); the Lambda zip is built from the same artifacts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from scripts.local_aws import emulation, examples, stack
from scripts.local_aws.layout import REPO_ROOT, Layout
from scripts.package_lambda import main as package_main
from tests.conftest import free_port

REGION = "us-east-1"
BATCH_TRANSFORM = {"batch_transform": {}}  # the root's Batch Transform model and role (make score --remote)


def keep(layout: Layout, path: Path) -> Path:
    """Copy ``path`` into the stack's state directory (named by content), where Terraform can always find it."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    target = layout.state / "inputs" / f"{digest}-{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, target)
    return target


@dataclass
class LocalStack:
    """A deployed local stack and what the tests need to drive and inspect it."""

    layout: Layout
    info: stack.StackInfo
    artifacts: Path
    model_tar: Path
    lambda_zip: Path
    terraform_log: Path
    clients: dict[str, Any] = field(default_factory=dict)

    @property
    def predict_url(self) -> str:
        return self.info.predict_url

    @property
    def metrics(self) -> dict[str, Any]:
        return json.loads((self.artifacts / "metrics.json").read_text())

    def client(self, service: str):
        """A boto3 client of LocalStack (for inspection only; requests go through the predict URL)."""
        if service not in self.clients:
            self.clients[service] = boto3.client(
                service,
                endpoint_url=self.layout.endpoint_url,
                region_name=REGION,
                aws_access_key_id="test",
                aws_secret_access_key="test",
            )
        return self.clients[service]

    def keep(self, path: Path) -> Path:
        """A copy of ``path`` in the stack's state directory, for files Terraform must still find later."""
        return keep(self.layout, path)

    def apply(self, **variables: Any) -> None:
        """Re-apply the Terraform root with some variables changed (no init: ``up`` ran it in this session)."""
        with self.terraform_log.open("a") as log:
            self.info = stack.apply(self.layout, variables, output=log, init=False)

    def plan(self, **variables: Any) -> dict[str, tuple[str, ...]]:
        """Plan a re-apply with some variables changed, saved for ``apply_plan``: the actions by resource address."""
        with self.terraform_log.open("a") as log:
            return stack.plan(self.layout, variables, output=log)

    def apply_plan(self) -> None:
        """Apply the plan ``plan`` saved, nothing else (no second plan that could differ from the one checked)."""
        with self.terraform_log.open("a") as log:
            self.info = stack.apply_plan(self.layout, output=log)

    def slow_sagemaker(self, **seconds: float):
        """A context manager: the emulated SageMaker takes these durations while it is open (no restart).

        ``with local_stack.slow_sagemaker(update_seconds=20): local_stack.apply(...)`` keeps the endpoint
        ``Updating`` (the old model serving) for 20 s plus the new server's start; keys: update_seconds,
        rollback_seconds, delete_seconds (see scripts/local_aws/emulation.py).
        """
        return emulation.slow_sagemaker(self.layout, **seconds)

    def destroy(self) -> None:
        with self.terraform_log.open("a") as log:
            stack.destroy(self.layout, output=log)

    def apply_example(self, example: str, **variables: Any) -> dict[str, Any]:
        """Apply terraform/examples/<example> unchanged beside the root (its own state); its outputs."""
        with self.terraform_log.open("a") as log:
            return examples.apply(self.layout, example, variables, output=log)

    def destroy_example(self, example: str) -> None:
        with self.terraform_log.open("a") as log:
            examples.destroy(self.layout, example, output=log)

    def wait_endpoint_gone(self, name: str, timeout: float = 60) -> None:
        """What ``aws sagemaker wait endpoint-deleted`` does: the provider counts a Deleting endpoint as gone."""
        sagemaker = self.client("sagemaker")
        deadline = time.monotonic() + timeout
        while any(endpoint["EndpointName"] == name for endpoint in sagemaker.list_endpoints()["Endpoints"]):
            assert time.monotonic() < deadline, f"endpoint {name} is still there after {timeout} s"
            time.sleep(0.2)

    def plan_has_changes(self) -> bool:
        with self.terraform_log.open("a") as log:
            return stack.plan_has_changes(self.layout, output=log)

    def recorded_pids(self, prefix: str) -> dict[str, int]:
        """Processes of this stack whose PID file name starts with ``prefix`` and that still run."""
        from scripts.local_aws import processes

        found = {}
        for path in self.layout.pids.glob(f"{prefix}*.pid"):
            pid = processes.read(path)
            if pid is not None and processes.alive(pid):
                found[path.stem] = pid
        return found


@pytest.fixture(scope="session")
def stack_artifacts(full_artifacts: Path) -> Path:
    """The full model of `make train` (trained once if artifacts/ is empty): the stack serves the real model."""
    return full_artifacts


@contextlib.contextmanager
def deployed_stack(
    artifacts: Path,
    work: Path,
    variables: dict[str, Any] | None = None,
    sagemaker_seconds: dict[str, float] | None = None,
    account: str = "default",
) -> Iterator[LocalStack]:
    """A stack of its own (LocalStack on a free port, the root applied); every process stopped by PID after.

    The state (and every file Terraform reads, such as the Lambda zip) lives under .local/ rather than in
    pytest's temporary directories, which other pytest sessions prune while this one still runs.
    ``sagemaker_seconds`` sets the emulated SageMaker's durations before anything is deployed; ``account``
    is the account profile LocalStack starts with (scripts/local_aws/accounts.py: "fresh" for a new account).
    """
    port = free_port()
    layout = Layout(state=REPO_ROOT / ".local" / f"aws-test-{port}", port=port, account=account)
    built_zip = work / "lambda.zip"
    assert package_main(["--vocabulary", str(artifacts / "vocabulary.json"), "--output", str(built_zip)]) == 0
    lambda_zip = keep(layout, built_zip)
    model_tar = keep(layout, artifacts / "model.tar.gz")
    terraform_log = work / "terraform.log"
    if sagemaker_seconds:
        emulation.write(layout, **sagemaker_seconds)
    try:
        try:
            with terraform_log.open("a") as log:
                info = stack.up(layout, model_tar, lambda_zip, variables, output=log, log=lambda _: None)
        except (SystemExit, stack.TerraformError) as error:  # how stack.up reports what went wrong
            pytest.fail(f"the local stack did not come up: {error}; see {terraform_log} and {layout.localstack_log}")
        yield LocalStack(layout, info, artifacts, model_tar, lambda_zip, terraform_log)
    finally:
        if layout.localstack_log.exists():  # kept for diagnosis; the state directory goes
            shutil.copy(layout.localstack_log, work / "localstack.log")
        stack.down(layout, destroy_resources=False, log=lambda _: None)


@pytest.fixture(scope="session")
def local_stack(stack_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`up` once per session, shared by the tests that leave the stack as they found it.

    batch_transform is on: the transform model and role are part of what every plan must leave unchanged.
    """
    with deployed_stack(stack_artifacts, tmp_path_factory.mktemp("local-aws"), BATCH_TRANSFORM) as deployed:
        yield deployed
