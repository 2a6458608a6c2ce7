"""Model servers behind local SageMaker endpoints: what SageMaker does on the instances of an endpoint.

For each deployment (an endpoint created, or updated to a new configuration) the model archive is extracted
into its own directory and the project's local endpoint server is started on a free loopback port with the
model's container environment; the deployment counts only once ``GET /ping`` answers 200.

The server command is ``$LOCAL_ENDPOINT_PYTHON -m scripts.serve_endpoint --model DIR --port P`` run in
``$LOCAL_ENDPOINT_WORKDIR`` (the project root): the project's serving code under the project's Python, not
LocalStack's.
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
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from local_aws_plugins import process_registry

LOG = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = float(os.environ.get("LOCAL_ENDPOINT_STARTUP_TIMEOUT", "120"))
STOP_GRACE_SECONDS = 10.0


class DeploymentError(Exception):
    """The model could not be fetched, extracted or started; the message becomes the endpoint's FailureReason."""


@dataclass
class ModelServer:
    """One running model server (one "instance" of one production variant)."""

    name: str
    model_dir: Path
    port: int
    process: subprocess.Popen
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

    def stop(self) -> None:
        """SIGTERM lets the server finish requests in flight (gunicorn's graceful stop); SIGKILL after a grace."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait()
        process_registry.forget(self.name)
        shutil.rmtree(self.model_dir.parent, ignore_errors=True)


def extract_model(archive: bytes, target: Path) -> None:
    """Unpack model.tar.gz like SageMaker does into /opt/ml/model, refusing members that escape the directory."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:*") as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise DeploymentError(f"Failed to extract model data archive: {error}") from error


def start_model_server(endpoint_name: str, archive: bytes, environment: dict[str, str]) -> ModelServer:
    """Extract the archive, start the server and wait until it answers /ping; stop it again on any failure."""
    deployment_id = uuid.uuid4().hex[:12]
    root = process_registry.state_dir() / "sagemaker" / endpoint_name / deployment_id
    model_dir = root / "model"
    extract_model(archive, model_dir)
    port = _free_port()
    command = [
        os.environ.get("LOCAL_ENDPOINT_PYTHON") or sys.executable,
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
    server = ModelServer(f"endpoint-{endpoint_name}-{deployment_id}", model_dir, port, process)
    process_registry.record(server.name, process.pid)
    LOG.info("Starting model server for endpoint %s on port %d (pid %d)", endpoint_name, port, process.pid)
    try:
        _wait_for_ping(server, log_path)
    except DeploymentError:
        server.stop()
        raise
    return server


def _wait_for_ping(server: ModelServer, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise DeploymentError(f"Model server exited with code {server.process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(f"{server.url}/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise DeploymentError(f"Model server did not pass the /ping health check within {STARTUP_TIMEOUT_SECONDS:.0f} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)
