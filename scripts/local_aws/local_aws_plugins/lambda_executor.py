"""A LocalStack Lambda runtime executor that runs each execution environment as a local child process.

LocalStack only executes Lambda code through Docker containers; this machine has no Docker engine. The
executor keeps everything else of LocalStack's Lambda service (versions, environments, keep-alive, logs,
concurrency, API Gateway integration) and swaps the container for ``python lambda_bootstrap.py`` started
in the function's unzipped code with the environment LocalStack prepared. Selected with
``LAMBDA_RUNTIME_EXECUTOR=local``.

The code runs under the Python named by ``LOCAL_LAMBDA_PYTHON`` (``.venv-lambda``, built on the Python version
of the runtime Terraform declares); a function whose declared runtime is another Python version is refused
at start-up (``Runtime.InvalidRuntime``) rather than run under the wrong interpreter. Differences from AWS:
no memory limit or filesystem isolation. The function timeout is enforced: the environment is killed and
the invocation answers ``Sandbox.Timedout``, as on AWS.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from http import HTTPStatus
from pathlib import Path

from local_aws_plugins import process_registry
from localstack import config
from localstack.http import Response
from localstack.services.lambda_.invocation.executor_endpoint import (
    ExecutorEndpoint,
    InvokeSendError,
    StatusErrorException,
)
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin
from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException, RuntimeExecutor
from werkzeug import Request

LOG = logging.getLogger(__name__)

BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")
# Variables a container image would provide; the function's own environment comes from LocalStack.
BASE_ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONNOUSERSITE": "1",
}
STOP_GRACE_SECONDS = 3.0
KILLED_WAIT_SECONDS = 10.0  # a SIGKILLed process is gone at once; longer means the kernel is stuck with it


class LocalExecutorEndpoint(ExecutorEndpoint):
    """LocalStack's executor endpoint, told the child's port on ``ready`` and bounded by the function timeout."""

    def __init__(self, executor_id: str) -> None:
        super().__init__(executor_id, container_address="127.0.0.1", container_port=None)
        self.request_id: str | None = None

    def status_ready(self, request: Request, executor_id: str) -> Response:
        # The child binds port 0 and reports the port it got: no race for a "free" port.
        self.container_port = int(json.loads(request.data)["port"])
        return super().status_ready(request, executor_id)

    def invocation_response(self, request: Request, req_id: str) -> Response:
        if req_id != self.request_id:  # a late answer from an invocation that already timed out
            return Response(status=HTTPStatus.GONE)
        return super().invocation_response(request, req_id)

    def invocation_error(self, request: Request, req_id: str) -> Response:
        if req_id != self.request_id:
            return Response(status=HTTPStatus.GONE)
        return super().invocation_error(request, req_id)

    def invoke_within(self, payload: dict[str, str], timeout: float) -> InvocationResult | None:
        """Send one invocation; the result, or None when the function did not answer within ``timeout``."""
        self.request_id = payload["invoke-id"]
        self.invocation_future = Future()
        self.logs = None
        url = f"http://{self.container_address}:{self.container_port}/invoke"
        response = self._perform_invoke(invocation_url=url, proxies={"http": "", "https": ""}, payload=payload)
        if not response.ok:
            raise InvokeSendError(f"Invocation refused by {url}: HTTP {response.status_code}")
        try:
            return self.invocation_future.result(timeout=timeout)
        except TimeoutError:
            return None


class LocalRuntimeExecutor(RuntimeExecutor):
    """One execution environment = one child Python process serving invocations one at a time."""

    def __init__(self, id: str, function_version: FunctionVersion) -> None:  # noqa: A002 (LocalStack's signature)
        super().__init__(id=id, function_version=function_version)
        self.executor_endpoint = LocalExecutorEndpoint(self.id)
        self.process: subprocess.Popen | None = None
        self.env_vars: dict[str, str] = {}
        self.log_path = process_registry.state_dir() / "lambda" / f"{self.id}.log"

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self, env_vars: dict[str, str]) -> None:
        code = self.function_version.config.code
        if code is None:
            raise LambdaRuntimeException("Only zip-packaged functions run locally (no container images).")
        _check_runtime(self.function_version.config.runtime, _python())
        task_root = str(code.get_unzipped_code_location())
        self.env_vars = {
            **BASE_ENVIRONMENT,
            **{key: str(value) for key, value in env_vars.items()},
            "LAMBDA_TASK_ROOT": task_root,
        }
        self._spawn()

    def _spawn(self) -> None:
        self.executor_endpoint.start()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [_python(), str(BOOTSTRAP)],
                cwd=self.env_vars["LAMBDA_TASK_ROOT"],
                env=self.env_vars,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process_registry.record(f"lambda-{self.id}", self.process.pid)
        startup = self.executor_endpoint.startup_future
        threading.Thread(target=_fail_startup_on_exit, args=(self.process, startup), daemon=True).start()
        self.executor_endpoint.wait_for_startup()

    def stop(self) -> None:
        self._terminate()
        try:
            self.executor_endpoint.shutdown()
        except Exception as error:  # already unregistered after a failed start-up
            LOG.debug("Executor endpoint %s already shut down: %s", self.id, error)

    def _terminate(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait(KILLED_WAIT_SECONDS)
        process_registry.forget(f"lambda-{self.id}")

    # --- invocation ------------------------------------------------------------------------------------
    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        if self.process is None or self.process.poll() is not None:
            # The previous invocation timed out (environment killed) or the process died: re-initialise,
            # as Lambda does after a timeout.
            self._terminate()
            self._spawn()
        timeout = float(self.function_version.config.timeout)
        started = time.monotonic()
        result = self.executor_endpoint.invoke_within(payload, timeout)
        if result is not None:
            return result
        self._terminate()
        request_id = payload["invoke-id"]
        message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        LOG.info("Lambda %s: %s (%.1f s)", self.function_version.id.function_name, message, time.monotonic() - started)
        document = {"errorMessage": message, "errorType": "Sandbox.Timedout"}
        return InvocationResult(request_id, json.dumps(document).encode(), is_error=True, logs=message + "\n")

    # --- addresses and logs ----------------------------------------------------------------------------
    def get_address(self) -> str:
        return "127.0.0.1"

    def get_endpoint_from_executor(self) -> str:
        host = config.GATEWAY_LISTEN[0].host
        return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host

    def get_runtime_endpoint(self) -> str:
        port = config.GATEWAY_LISTEN[0].port
        return f"http://{self.get_endpoint_from_executor()}:{port}{self.executor_endpoint.get_endpoint_prefix()}"

    def get_logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-64_000:]
        except FileNotFoundError:
            return "Execution environment was not started"

    # --- versions --------------------------------------------------------------------------------------
    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        """Nothing to clean: LocalStack removes the unzipped code itself."""

    @classmethod
    def validate_environment(cls) -> bool:
        return BOOTSTRAP.is_file()


def _python() -> str:
    return os.environ.get("LOCAL_LAMBDA_PYTHON") or sys.executable


@functools.cache
def _interpreter_version(python: str) -> str:
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    return subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True, timeout=30).stdout.strip()


def _check_runtime(runtime: str | None, python: str) -> None:
    """Refuse to run a function under a Python version other than its declared runtime's.

    Raised as a start-up error with a Lambda error document, so the invocation answers it as a function error.
    """
    match = re.fullmatch(r"python(3\.\d+)", runtime or "")
    actual = _interpreter_version(python)
    if match is None or match.group(1) != actual:
        message = (
            f"The function declares runtime {runtime}, but the local executor's interpreter {python} is "
            f"Python {actual}: build .venv-lambda for that runtime (`make local-install`)."
        )
        document = {"errorMessage": message, "errorType": "Runtime.InvalidRuntime"}
        raise StatusErrorException("Environment startup failed", json.dumps(document).encode())


def _fail_startup_on_exit(process: subprocess.Popen, startup: Future) -> None:
    """Fail a pending start-up at once if the child dies before reporting, instead of waiting for a timeout."""
    while not startup.done():  # once started, the invocations notice a dead child themselves
        try:
            process.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            continue
    if not startup.done():
        document = {"errorMessage": f"Runtime exited with code {process.returncode}", "errorType": "Runtime.ExitError"}
        startup.set_exception(StatusErrorException("Environment startup failed", json.dumps(document).encode()))


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


class LocalRuntimeExecutorPlugin(RuntimeExecutorPlugin):
    """Registers the executor under ``LAMBDA_RUNTIME_EXECUTOR=local``."""

    name = "local"

    def load(self, *args, **kwargs) -> type[RuntimeExecutor]:
        return LocalRuntimeExecutor
