"""The whole system on this machine for the stack tests: LocalStack with our plugins, the real Terraform root.

The ``local_stack`` session fixture deploys with ``scripts.local_aws`` into its own state directory on a
free port (so it never touches a stack started by ``make up``), and stops every process it started by the
PIDs recorded in that directory. It serves the full model of ``make train`` (trained once if ``artifacts/`` is
empty); the Lambda zip is built from the same artifacts.

The stack is shared by every test of the session, so a test that changes it does so through
``local_stack.applied(...)`` or ``local_stack.restoring()``: the variables it found are applied again when it
ends, however it ends (a failed assertion or apply, a pytest-timeout, Ctrl-C). A restore that fails is tried
again before the next test of the stack, which fails naming the test that left the stack changed if it
cannot. What several tests would otherwise each apply and take back is part of the session deploy
(``SESSION_VARIABLES``, an alarm subscriber, the page's origin).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from scripts.local_aws import emulation, examples, localstack, stack
from scripts.local_aws.environments import ensure_environments
from scripts.local_aws.layout import REPO_ROOT, Layout
from scripts.package_lambda import main as package_main
from tests.browser.fixtures import LoopbackServer, static_server
from tests.conftest import free_port

REGION = "us-east-1"
ACCOUNT = "000000000000"  # LocalStack's default account
# The Terraform root's default allowed_origins (what `make up` serves the page on); the session adds the page's.
DEFAULT_ORIGINS = ["http://localhost:8000", "http://127.0.0.1:8000"]
ALARM_QUEUE = "alarm-subscriber"  # subscribed to the alarm topic by the session deploy (test_stack_alarm reads it)
ALARM_PERIOD_SECONDS = 10  # so that LocalStack evaluates the endpoint's alarms within seconds
SESSION_VARIABLES = {
    "batch_transform": {},  # the root's Batch Transform model and role (make score --remote)
    "alarm_subscriptions": [{"protocol": "sqs", "endpoint": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{ALARM_QUEUE}"}],
    "endpoint_alarms": {"period_seconds": ALARM_PERIOD_SECONDS, "evaluation_periods": 1, "datapoints_to_alarm": 1},
    # No lifecycle rule on the model bucket: the aws provider waits about a minute after creating one (the last
    # resource of a deploy to finish) and reads it again 5 s apart until two reads agree, at every plan and
    # apply. The fresh-account test applies the root with its defaults, rule included.
    "model_version_retention_days": None,
}
TRANSITIONAL = ("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting")
SETTLE_SECONDS = 180  # an emulated update or rollback in flight when a test ends (the slowest take ~30 s)


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
    page_site: Path | None = None  # served at page_origin, which the session deploy adds to the CORS origins
    page_origin: str = ""
    alarm_queue_url: str = ""
    unsettled: bool = False  # an apply began and did not succeed: the variables no longer say what is deployed
    owed: tuple[str, str] | None = None  # (variables, test) of a restore that failed, tried again before the next

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
        """Re-apply the Terraform root with some variables changed (no init: ``up`` ran it in this session).

        On the shared stack, only inside ``applied`` or ``restoring``, which put the variables back after.
        """
        self.unsettled = True
        with self.terraform_log.open("a") as log:
            self.info = stack.apply(self.layout, variables, output=log, init=False)
        self.unsettled = False

    def up(self, **variables: Any) -> None:
        """`make up` again with these variables, as a user runs it: ``stack.up`` deploys the group's newest Approved
        package itself, if there is one. On the shared stack, only inside ``restoring``, as ``apply``."""
        self.unsettled = True
        with self.terraform_log.open("a") as log:
            self.info = stack.up(self.layout, self.model_tar, self.lambda_zip, variables, log, lambda _: None)
        self.unsettled = False

    @contextlib.contextmanager
    def restoring(self) -> Iterator[StackChange]:
        """Whatever the block applies, the variables of now are applied again when it ends, however it ends.

        Nothing is applied if the block left them as they were and every apply in it succeeded. The block
        may ``restore()`` earlier itself (to check the way back), or ``keep()`` an equivalent state it made.
        """
        change = StackChange(self, self.layout.tfvars.read_text(), os.environ.get("PYTEST_CURRENT_TEST", "?"))
        try:
            yield change
        finally:
            change.restore()

    @contextlib.contextmanager
    def applied(self, **variables: Any) -> Iterator[StackChange]:
        """``with local_stack.applied(api_keys=...):`` the stack with these variables, the old ones applied after."""
        with self.restoring() as change:
            self.apply(**variables)
            yield change

    def put_back(self, variables: str, test: str) -> None:
        """Apply ``variables`` (a tfvars file's text, keys added since dropped) unless they are what is deployed."""
        if self.layout.tfvars.read_text() == variables and not self.unsettled:
            self.owed = None
            return
        self.owed = (variables, test)
        self.wait_endpoint_settled()
        self.layout.tfvars.write_text(variables)
        self.apply()
        self.owed = None

    def wait_endpoint_settled(self, timeout: float = SETTLE_SECONDS) -> None:
        """Until the endpoint is in no update or rollback (SageMaker refuses to update it meanwhile)."""
        sagemaker = self.client("sagemaker")
        deadline = time.monotonic() + timeout
        while True:
            try:
                status = sagemaker.describe_endpoint(EndpointName=self.info.endpoint_name)["EndpointStatus"]
            except sagemaker.exceptions.ClientError:
                return  # not there (destroyed): the apply creates it
            if status not in TRANSITIONAL:
                return
            assert time.monotonic() < deadline, f"endpoint still {status} after {timeout} s"
            time.sleep(0.5)

    def plan_has_changes(self) -> bool:
        """``terraform plan -detailed-exitcode`` with the deployed variables: False when nothing would change."""
        with self.terraform_log.open("a") as log:
            return stack.plan_has_changes(self.layout, output=log)

    def plan(self, **variables: Any) -> dict[str, tuple[str, ...]]:
        """Plan a re-apply with some variables changed, saved for ``apply_plan``: the actions by resource address."""
        with self.terraform_log.open("a") as log:
            return stack.plan(self.layout, variables, output=log)

    def apply_plan(self) -> None:
        """Apply the plan ``plan`` saved, nothing else (no second plan that could differ from the one checked)."""
        self.unsettled = True
        with self.terraform_log.open("a") as log:
            self.info = stack.apply_plan(self.layout, output=log)
        self.unsettled = False

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

    def recorded_pids(self, prefix: str) -> dict[str, int]:
        """Processes of this stack whose PID file name starts with ``prefix`` and that still run."""
        from scripts.local_aws import processes

        found = {}
        for path in self.layout.pids.glob(f"{prefix}*.pid"):
            pid = processes.read(path)
            if pid is not None and processes.alive(pid):
                found[path.stem] = pid
        return found


@dataclass
class StackChange:
    """The variables a test found on the stack (``variables``, a tfvars file's text), to be applied again."""

    stack: LocalStack
    variables: str
    test: str
    done: bool = False

    def restore(self) -> None:
        """Apply the variables of before now (a test that checks the way back); the block's end then does nothing."""
        if not self.done:
            self.done = True
            self.stack.put_back(self.variables, self.test)

    def keep(self) -> None:
        """Leave the stack as it is now: the test made a state equivalent to the one it found, on purpose."""
        self.done = True


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
    prepare: Callable[[Layout], None] | None = None,
) -> Iterator[LocalStack]:
    """A stack of its own (LocalStack on a free port, the root applied); every process stopped by PID after.

    The state (and every file Terraform reads, such as the Lambda zip) lives under .local/ rather than in
    pytest's temporary directories, which other pytest sessions prune while this one still runs.
    ``sagemaker_seconds`` sets the emulated SageMaker's durations before anything is deployed; ``account``
    is the account profile LocalStack starts with (scripts/local_aws/accounts.py: "fresh" for a new account);
    ``prepare`` runs once LocalStack is up, before the apply (for what the variables name and Terraform does not make).
    """
    port = free_port()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # `make test-with-stack`'s workers: a stack each
    layout = Layout(state=REPO_ROOT / ".local" / f"aws-test-{worker}-{port}", port=port, account=account)
    built_zip = work / "lambda.zip"
    assert package_main(["--vocabulary", str(artifacts / "vocabulary.json"), "--output", str(built_zip)]) == 0
    lambda_zip = keep(layout, built_zip)
    model_tar = keep(layout, artifacts / "model.tar.gz")
    terraform_log = work / "terraform.log"
    if sagemaker_seconds:
        emulation.write(layout, **sagemaker_seconds)
    try:
        try:
            if prepare is not None:
                ensure_environments(layout, log=lambda _: None)
                localstack.start(layout)  # `up` finds it running
                prepare(layout)
            with terraform_log.open("a") as log:
                info = stack.up(layout, model_tar, lambda_zip, variables, output=log, log=lambda _: None)
        except (SystemExit, stack.TerraformError) as error:  # how stack.up reports what went wrong
            pytest.fail(f"the local stack did not come up: {error}; see {terraform_log} and {layout.localstack_log}")
        yield LocalStack(layout, info, artifacts, model_tar, lambda_zip, terraform_log)
    finally:
        if layout.localstack_log.exists():  # kept for diagnosis; the state directory goes
            shutil.copy(layout.localstack_log, work / "localstack.log")
        stack.down(layout, destroy_resources=False, log=lambda _: None)


def create_alarm_queue(layout: Layout) -> None:
    """The SQS queue SESSION_VARIABLES subscribes to the alarm topic (it must exist before the subscription)."""
    sqs = boto3.client("sqs", endpoint_url=layout.endpoint_url, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip
    sqs.create_queue(QueueName=ALARM_QUEUE)


@pytest.fixture(scope="session")
def local_stack(stack_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`up` once per session, shared by the tests, which leave the stack as they found it.

    Deployed with SESSION_VARIABLES and the origin of a page server started first (its files are written by
    the page test, once the predict URL is known), so that no test re-applies the root for those:
    batch_transform is on (the transform model and role are part of what every plan must leave unchanged),
    an SQS queue is subscribed to the alarm topic, the endpoint's alarms evaluate every 10 s, the page's
    origin is one of the API's CORS origins, and the model bucket has no lifecycle rule (the provider's waits
    for it would add a minute to the deploy and seconds to every plan).
    """
    site = tmp_path_factory.mktemp("stack-page")
    page: LoopbackServer = static_server(site)
    variables = {**SESSION_VARIABLES, "allowed_origins": [*DEFAULT_ORIGINS, page.url]}
    try:
        with deployed_stack(
            stack_artifacts, tmp_path_factory.mktemp("local-aws"), variables, prepare=create_alarm_queue
        ) as deployed:
            deployed.page_site, deployed.page_origin = site, page.url
            deployed.alarm_queue_url = deployed.client("sqs").get_queue_url(QueueName=ALARM_QUEUE)["QueueUrl"]
            yield deployed
    finally:
        page.close()


@pytest.fixture(autouse=True)
def _shared_stack_as_deployed(request: pytest.FixtureRequest) -> None:
    """Before a test of the shared stack: a restore that failed after an earlier test is tried once more.

    If the stack still cannot be put back, the test fails naming the test that changed it (rather than
    failing on whatever that change broke).
    """
    if "local_stack" not in request.fixturenames:
        return
    local_stack: LocalStack = request.getfixturevalue("local_stack")
    if local_stack.owed is None:
        return
    variables, test = local_stack.owed
    try:
        local_stack.put_back(variables, test)
    except Exception as error:
        pytest.fail(f"the shared stack could not be put back as it was before {test}: {error}")
