"""Model servers behind local SageMaker endpoints: what SageMaker does on the instances of an endpoint.

For each deployment (an endpoint created, or updated to a new configuration) the model archive is extracted
into its own directory and the project's local endpoint server is started on a free loopback port with the
model's container environment; the deployment counts only once ``GET /ping`` answers 200.

The server command is ``$LOCAL_ENDPOINT_PYTHON -m scripts.serve_endpoint --model DIR --port P`` run in
``$LOCAL_ENDPOINT_WORKDIR`` (the project root). ``LOCAL_ENDPOINT_PYTHON`` is ``.venv-serving``'s Python (set by
scripts/local_aws/localstack.py): the scikit-learn image's Python 3.10 and serving library (sagemaker-containers
2.8.6.post2), so every request of an endpoint or a transform job goes through the image's own worker and
Transformer, whose wrapper answers any exception of the model's code with a generic 500, as on AWS.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from local_aws_plugins import process_registry

LOG = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = float(os.environ.get("LOCAL_ENDPOINT_STARTUP_TIMEOUT", "120"))
STOP_GRACE_SECONDS = 10.0
KILLED_WAIT_SECONDS = 10.0  # a SIGKILLed process is gone at once; longer means the kernel is stuck with it


HEALTH_CHECK_FAILURE = (
    "The primary container for production variant {variant} did not pass the ping health check. "
    "Please check CloudWatch logs for this endpoint."
)


class DeploymentError(Exception):
    """The model could not be fetched, extracted or started.

    ``reason`` is what SageMaker puts in the endpoint's FailureReason (its own wording, which points to the
    logs); ``detail`` is what the logs show.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} {detail}".strip())
        self.reason = reason
        self.detail = detail


@dataclass
class ModelServer:
    """One running model server (one "instance" of one production variant)."""

    name: str
    model_dir: Path
    port: int
    process: subprocess.Popen
    log_sink: Callable[[str, Path], None] | None = None
    setup_seconds: float = 0.0
    _cold_start_pending: bool = True
    _log_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def record_invocation(self, milliseconds: float, status: int) -> None:
        """Append ``<unix time>\t<ms>\t<status>`` to the deployment's invocations.tsv (read by the load benchmark).

        Measures what the model server costs apart from LocalStack and the Lambda, like SageMaker's
        ModelLatency metric.
        """
        line = f"{time.time():.3f}\t{milliseconds:.2f}\t{status}\n"
        with self._log_lock, open(self.model_dir.parent / "invocations.tsv", "a") as log:
            log.write(line)

    @property
    def log_path(self) -> Path:
        return self.model_dir.parent / "server.log"

    def take_cold_start(self) -> float | None:
        """The server's start time in seconds for the first request it answers, None afterwards."""
        with self._log_lock:
            pending, self._cold_start_pending = self._cold_start_pending, False
        return self.setup_seconds if pending else None

    def stop(self, send_log: bool = True) -> None:
        """SIGTERM lets the server finish requests in flight (gunicorn's graceful stop); SIGKILL after a grace.

        Its log then goes to the log sink (the endpoint's CloudWatch log group) before the files are removed,
        unless LocalStack itself is stopping (``send_log=False``: its services may no longer answer).
        """
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait(KILLED_WAIT_SECONDS)
        process_registry.forget(self.name)
        if send_log and self.log_sink is not None:
            self.log_sink(self.name.rpartition("-")[2], self.log_path)
        shutil.rmtree(self.model_dir.parent, ignore_errors=True)


def extract_model(archive: bytes, target: Path) -> None:
    """Unpack model.tar.gz like SageMaker does into /opt/ml/model, refusing members that escape the directory."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:*") as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise DeploymentError(
            "Failed to extract model data archive. Please ensure that the object located at the URL is a valid "
            "tar.gz archive.",
            detail=str(error),
        ) from error


def start_model_server(
    endpoint_name: str,
    variant_name: str,
    archive: bytes,
    environment: dict[str, str],
    log_sink: Callable[[str, Path], None] | None = None,
) -> ModelServer:
    """Extract the archive, start the server and wait until it answers /ping; stop it again on any failure.

    ``log_sink(deployment id, log file)`` receives the server's log when it stops, failed starts included.
    """
    started = time.monotonic()
    deployment_id = uuid.uuid4().hex[:12]
    root = process_registry.state_dir() / "sagemaker" / endpoint_name / deployment_id
    model_dir = root / "model"
    extract_model(archive, model_dir)
    port = _free_port()
    python = os.environ.get("LOCAL_ENDPOINT_PYTHON")
    if not python:  # LocalStack's own Python has no serving library: no server could start
        raise DeploymentError(HEALTH_CHECK_FAILURE.format(variant=variant_name), "LOCAL_ENDPOINT_PYTHON is not set")
    command = [
        python,
        "-m",
        "scripts.serve_endpoint",
        "--model",
        str(model_dir),
        "--port",
        str(port),
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/root"),
        "SM_MODEL_DIR": str(model_dir),
        **environment,
    }
    log_path = root / "server.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command,
            cwd=os.environ.get("LOCAL_ENDPOINT_WORKDIR") or os.getcwd(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ModelServer(f"endpoint-{endpoint_name}-{deployment_id}", model_dir, port, process, log_sink)
    process_registry.record(server.name, process.pid)
    LOG.info("Starting model server for endpoint %s on port %d (pid %d)", endpoint_name, port, process.pid)
    try:
        _wait_for_ping(server, variant_name)
    except DeploymentError:
        server.stop()
        raise
    server.setup_seconds = time.monotonic() - started
    return server


def _wait_for_ping(server: ModelServer, variant_name: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    reason = HEALTH_CHECK_FAILURE.format(variant=variant_name)
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log_path.read_text(errors="replace")[-2000:]
            raise DeploymentError(reason, f"Model server exited with code {server.process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(f"{server.url}/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise DeploymentError(reason, f"No answer 200 to /ping within {STARTUP_TIMEOUT_SECONDS:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)
