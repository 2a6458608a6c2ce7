"""The fleets behind emulated SageMaker endpoints: how they are created, updated, rolled back and deleted.

What SageMaker does, with the durations of ``emulation_settings`` (re-read for every operation):

- **Create**: the endpoint is ``Creating`` while a fleet is provisioned (``update_seconds``) and its model
  server starts and passes ``/ping``; then ``InService``, or ``Failed`` with a ``FailureReason``.
- **Update**: ``Updating`` for the same steps while the old fleet keeps serving every request; when the new
  server is healthy, traffic moves to it and the old one drains and stops. If it is not healthy (the model
  cannot be downloaded or extracted, ``model_fn`` raises, ``/ping`` never answers), the endpoint goes
  ``RollingBack`` (``rollback_seconds``) and then ``InService`` **on its old configuration**, keeping the
  ``FailureReason``: what DescribeEndpoint shows after a rollback on AWS.
- **Delete**: ``Deleting`` for ``delete_seconds`` while the containers still run (and write logs), then the
  servers stop and the endpoint is gone.

Each server's log goes to the endpoint's CloudWatch log group when the server stops (see endpoint_logs).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from local_aws_plugins import emulation_settings, endpoint_logs
from local_aws_plugins.model_servers import DeploymentError, ModelServer, start_model_server
from local_aws_plugins.moto_records import sagemaker_backend
from localstack.aws.connect import connect_to

LOG = logging.getLogger(__name__)

DRAIN_SECONDS = 2.0  # the old server keeps running this long for requests already routed to it
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class DeploymentPlan:
    """What one endpoint configuration asks for (the emulation serves its single production variant)."""

    config_name: str
    variant_name: str
    model_data_url: str
    environment: dict[str, str]
    serverless: bool
    instance_count: int | None = None  # the new fleet's InitialInstanceCount; None for a serverless variant


@dataclass
class EndpointState:
    """What serves one endpoint: the live server, and a generation that invalidates operations in flight."""

    server: ModelServer | None = None
    variant_name: str = "AllTraffic"
    serverless: bool = False
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_generation(self) -> int:
        with self.lock:
            self.generation += 1
            return self.generation

    def is_current(self, generation: int) -> bool:
        with self.lock:
            return self.generation == generation

    def promote(self, generation: int, server: ModelServer, plan: DeploymentPlan) -> tuple[bool, ModelServer | None]:
        """Route traffic to ``server`` if its deployment is still the latest: (promoted, server it replaced)."""
        with self.lock:
            if self.generation != generation:  # the endpoint was deleted or redeployed meanwhile
                return False, None
            old, self.server = self.server, server
            self.variant_name, self.serverless = plan.variant_name, plan.serverless
            return True, old

    def take_server(self) -> ModelServer | None:
        """Detach the live server (for stopping) and invalidate every operation in flight."""
        with self.lock:
            self.generation += 1
            server, self.server = self.server, None
            return server


class Fleets:
    """All endpoints' fleets in this LocalStack process, shared by the SageMaker and runtime providers."""

    def __init__(self) -> None:
        self._states: dict[tuple[str, str, str], EndpointState] = {}
        self._lock = threading.Lock()

    def state(self, account: str, region: str, name: str) -> EndpointState:
        with self._lock:
            return self._states.setdefault((account, region, name), EndpointState())

    def find(self, account: str, region: str, name: str) -> EndpointState | None:
        with self._lock:
            return self._states.get((account, region, name))

    def deploy(self, account: str, region: str, name: str, plan: DeploymentPlan, creating: bool) -> None:
        """Provision ``plan`` for the endpoint in the background (the API call answers at once, as on AWS)."""
        settings = emulation_settings.current()
        state = self.state(account, region, name)
        generation = state.next_generation()
        worker = threading.Thread(
            target=_deploy,
            args=(account, region, name, plan, creating, settings, state, generation),
            name=f"sagemaker-deploy-{name}",
            daemon=True,
        )
        worker.start()

    def delete(self, account: str, region: str, name: str, endpoint: object) -> None:
        """Keep the endpoint ``Deleting`` for a while, then stop its servers and remove it from moto."""
        settings = emulation_settings.current()
        state = self.state(account, region, name)
        generation = state.next_generation()

        def run() -> None:
            time.sleep(settings.delete_seconds)
            if not state.is_current(generation):  # recreated meanwhile: not possible on AWS, kept safe here
                return
            with self._lock:
                self._states.pop((account, region, name), None)
            server = state.take_server()
            if server is not None:
                server.stop()
            backend = sagemaker_backend(account, region)
            if backend.endpoints.get(name) is endpoint:
                del backend.endpoints[name]
            LOG.info("Endpoint %s deleted", name)

        threading.Thread(target=run, name=f"sagemaker-delete-{name}", daemon=True).start()

    def stop_all(self) -> None:
        """LocalStack is stopping: stop every server without sending logs to its (stopping) services."""
        with self._lock:
            states, self._states = list(self._states.values()), {}
        for state in states:
            server = state.take_server()
            if server is not None:
                server.stop(send_log=False)


FLEETS = Fleets()


def _deploy(
    account: str,
    region: str,
    name: str,
    plan: DeploymentPlan,
    creating: bool,
    settings: emulation_settings.EmulationSettings,
    state: EndpointState,
    generation: int,
) -> None:
    started = time.monotonic()
    if not _wait_while_current(state, generation, settings.update_seconds):
        return
    try:
        archive = _fetch_model(account, region, plan.model_data_url)
        server = start_model_server(
            name,
            plan.variant_name,
            archive,
            plan.environment,
            log_sink=endpoint_logs.sink(account, region, name, plan.variant_name),
        )
    except DeploymentError as error:
        LOG.error("Deployment of endpoint %s (%s) failed: %s", name, plan.config_name, error)
        if not state.is_current(generation):
            return
        if creating:
            _set_status(account, region, name, "Failed", error.reason)
            return
        _set_status(account, region, name, "RollingBack", error.reason)
        if _wait_while_current(state, generation, settings.rollback_seconds):
            _set_status(account, region, name, "InService", error.reason)  # on the old configuration
            LOG.info("Endpoint %s rolled back to its previous configuration", name)
        return
    promoted, old = state.promote(generation, server, plan)
    if not promoted:
        server.stop()
        return
    endpoint = sagemaker_backend(account, region).endpoints.get(name)
    if endpoint is not None:
        config = sagemaker_backend(account, region).endpoint_configs.get(plan.config_name)
        endpoint.endpoint_config_name = plan.config_name
        if config is not None:
            endpoint.production_variants = endpoint._process_production_variants(config.production_variants)
            endpoint.data_capture_config = config.data_capture_config
        _set_status(account, region, name, "InService", None)
    LOG.info("Endpoint %s in service on %s after %.1f s", name, server.url, time.monotonic() - started)
    if old is not None:
        threading.Timer(DRAIN_SECONDS, old.stop).start()


def _wait_while_current(state: EndpointState, generation: int, seconds: float) -> bool:
    """Sleep ``seconds`` unless the operation is superseded first; whether it is still current."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not state.is_current(generation):
            return False
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
    return state.is_current(generation)


def _set_status(account: str, region: str, name: str, status: str, reason: str | None) -> None:
    endpoint = sagemaker_backend(account, region).endpoints.get(name)
    if endpoint is not None:
        endpoint.endpoint_status = status
        endpoint.failure_reason = reason
        endpoint.last_modified_time = datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _fetch_model(account: str, region: str, model_data_url: str) -> bytes:
    """Read s3://bucket/key from LocalStack's S3 with the caller's account, as SageMaker reads it with the role."""
    bucket, _, key = model_data_url.removeprefix("s3://").partition("/")
    s3 = connect_to(aws_access_key_id=account, aws_secret_access_key="test", region_name=region).s3
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as error:  # any client error is the deployment's failure reason
        raise DeploymentError(
            f"Failed to download model data(bucket: {bucket}, key: {key}). Please ensure that there is an object "
            "located at the URL and that the role passed to CreateModel has permissions to download the object.",
            detail=str(error),
        ) from error
