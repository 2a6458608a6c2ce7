"""The init process of one local Lambda execution environment (stdlib only).

LocalStack's docker executor copies a Go "init" into a container; that init imports the handler, listens
for ``POST /invoke`` and reports back to LocalStack's executor endpoint. Without Docker this script plays
that part in a plain child process: it runs from the unzipped code directory with the function's
environment, so the handler sees what it would see in Lambda (environment, ``/tmp``, boto3 pointed at
LocalStack through ``AWS_ENDPOINT_URL``). It is started by ``lambda_executor.LocalRuntimeExecutor`` and
must not import anything outside the standard library: it may run under a Python that only has the
Lambda runtime's packages.

Protocol (paths relative to ``LOCALSTACK_RUNTIME_ENDPOINT``):
- ``/status/<runtime id>/ready`` with ``{"port": N}`` once listening, or ``/status/<runtime id>/error``
  with a Lambda error document when the handler cannot be imported;
- per invocation ``/invocations/<request id>/logs``, then ``.../response`` or ``.../error``.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _InvocationLog(io.TextIOBase):
    """A text stream that writes through to the process's stream and keeps a copy for the current invocation.

    It replaces sys.stdout/sys.stderr before the handler is imported, so loggers created at import time write
    into it too; LocalStack stores the copy in CloudWatch Logs like the Go init does.
    """

    def __init__(self, target: io.TextIOBase, sink: list[str], lock: threading.Lock) -> None:
        self._target = target
        self._sink = sink
        self._lock = lock

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._sink.append(text)
        self._target.write(text)
        self._target.flush()
        return len(text)

    def flush(self) -> None:
        self._target.flush()


class LambdaContext:
    """The subset of the Lambda context object handlers use, with the remaining time counted from the deadline."""

    def __init__(self, request_id: str, invoked_arn: str, deadline: float) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class _RequestIdFilter(logging.Filter):
    """Adds the current request id to log records, as the runtime's root handler does."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


REQUEST_ID = _RequestIdFilter()


def install_root_log_handler() -> None:
    """The Python runtime gives the root logger a handler writing ``[LEVEL]\ttime\trequest id\tmessage``."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
        )
    )
    handler.addFilter(REQUEST_ID)
    logging.Formatter.converter = time.gmtime
    logging.getLogger().addHandler(handler)


def error_document(error: BaseException, error_type: str | None = None, message: str | None = None) -> dict[str, Any]:
    """The JSON body the Python runtime sends for an unhandled exception (frames of this script left out)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return {
        "errorMessage": message if message is not None else str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": "",
        "stackTrace": traceback.format_tb(tb),
    }


# Built once: build_opener makes an HTTPS handler whose default SSL context loads the system's CA bundle, 50 ms
# of CPU on the 2-core machine; built per call (twice an invocation) it was 90 % of this process's CPU under traffic.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(url: str, body: bytes, content_type: str = "application/json") -> None:
    """POST to LocalStack's executor endpoint, bypassing any proxy settings."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    with _OPENER.open(request, timeout=30) as response:
        response.read()


def load_handler(spec: str):
    """Import ``module.path.function`` the way the Python runtime resolves ``_HANDLER``."""
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{spec}': expected module.function")
    module = importlib.import_module(module_name.replace("/", "."))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise AttributeError(f"Handler '{function_name}' missing on module '{module_name}'")
    return handler


class Runtime:
    """Runs invocations one at a time, as a Lambda execution environment does."""

    def __init__(self, endpoint: str, handler, timeout: float, log_lines: list[str], log_lock: threading.Lock) -> None:
        self.endpoint = endpoint
        self.handler = handler
        self.timeout = timeout
        self.log_lines = log_lines
        self.log_lock = log_lock

    def run(self, invocation: dict[str, Any]) -> None:
        request_id = invocation["invoke-id"]
        os.environ["_X_AMZN_TRACE_ID"] = invocation.get("trace-id") or ""
        REQUEST_ID.request_id = request_id
        with self.log_lock:
            self.log_lines.clear()
        print(f"START RequestId: {request_id} Version: {os.environ.get('AWS_LAMBDA_FUNCTION_VERSION', '$LATEST')}")
        started = time.monotonic()
        context = LambdaContext(request_id, invocation.get("invoked-function-arn", ""), started + self.timeout)
        outcome = "response"
        try:
            event = json.loads(invocation.get("payload") or "null")
            result = json.dumps(self.handler(event, context)).encode()
        except Exception as error:  # the runtime reports every handler exception to the caller
            traceback.print_exc()
            outcome = "error"
            if isinstance(error, TypeError | ValueError) and "JSON serializable" in str(error):
                document = error_document(error, "Runtime.MarshalError", f"Unable to marshal response: {error}")
            else:
                document = error_document(error)
            document["requestId"] = request_id
            result = json.dumps(document).encode()
        duration_ms = (time.monotonic() - started) * 1000
        print(f"END RequestId: {request_id}")
        print(
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {max(1, int(duration_ms + 0.999))} ms\t"
            f"Memory Size: {os.environ.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '128')} MB"
        )
        with self.log_lock:
            logs = "".join(self.log_lines)
        base = f"{self.endpoint}/invocations/{request_id}"
        post(f"{base}/logs", json.dumps({"logs": logs}).encode())
        post(f"{base}/{outcome}", result)


def make_request_handler(runtime: Runtime) -> type[BaseHTTPRequestHandler]:
    class InvokeHandler(BaseHTTPRequestHandler):
        """Accepts ``POST /invoke`` at once and runs the handler in a thread, like the Go init."""

        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/invoke":
                self.send_response(404)
                self.end_headers()
                return
            threading.Thread(target=runtime.run, args=(json.loads(body),), daemon=True).start()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
            """Keep the init's own access log out of the function's logs."""

    return InvokeHandler


def main() -> int:
    endpoint = os.environ["LOCALSTACK_RUNTIME_ENDPOINT"]
    runtime_id = os.environ["LOCALSTACK_RUNTIME_ID"]
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    timeout = float(os.environ.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "3"))
    sys.path.insert(0, task_root)
    os.chdir(task_root)

    log_lines: list[str] = []
    log_lock = threading.Lock()
    sys.stdout = _InvocationLog(sys.stdout, log_lines, log_lock)
    sys.stderr = _InvocationLog(sys.stderr, log_lines, log_lock)
    install_root_log_handler()
    spec = os.environ.get("_HANDLER", "")
    try:
        handler = load_handler(spec)
    except Exception as error:  # an import failure is reported the way the runtime reports it
        traceback.print_exc()
        error_type = "Runtime.HandlerNotFound" if isinstance(error, AttributeError) else "Runtime.ImportModuleError"
        document = error_document(error, error_type, f"Unable to import module '{spec}': {error}")
        post(f"{endpoint}/status/{runtime_id}/error", json.dumps(document).encode())
        return 1

    runtime = Runtime(endpoint, handler, timeout, log_lines, log_lock)
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_request_handler(runtime))
    port = server.server_address[1]
    print(f"{datetime.now(UTC).isoformat()} local Lambda init ready on 127.0.0.1:{port}", file=sys.__stderr__)
    post(f"{endpoint}/status/{runtime_id}/ready", json.dumps({"port": port}).encode())
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
