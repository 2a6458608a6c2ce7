"""Start LocalStack in host mode (no Docker) with this project's plugins, and wait until it is healthy.

LocalStack runs as ``python -m localstack.runtime.main`` from its own virtualenv, bound to loopback only,
with every file it writes under the stack's state directory. Its Lambda functions run through our ``local``
runtime executor and SageMaker through our ``local`` providers (see local_aws_plugins).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

from scripts.local_aws import accounts, processes
from scripts.local_aws.layout import Layout

HEALTH_TIMEOUT_SECONDS = 90.0
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
PASSED_THROUGH_PREFIX = "LOCAL_SAGEMAKER_"  # the emulated SageMaker's durations (local_aws_plugins/emulation_settings)


def environment(layout: Layout) -> dict[str, str]:
    """LocalStack's configuration: plugins selected, private caches and state, nothing from the caller's AWS setup."""
    state = layout.state
    return {
        **{key: os.environ[key] for key in PASSED_THROUGH if key in os.environ},
        **{key: value for key, value in os.environ.items() if key.startswith(PASSED_THROUGH_PREFIX)},
        "GATEWAY_LISTEN": f"127.0.0.1:{layout.port}",
        "LOCALSTACK_VOLUME_DIR": str(state / "volume"),
        "FILESYSTEM_ROOT": str(state / "filesystem"),
        # plux caches entry points by file times with ~2 min resolution: a private cache, cleared at start,
        # makes newly installed plugins visible at once.
        "XDG_CACHE_HOME": str(state / "cache"),
        "TMPDIR": str(state / "tmp"),
        "DISABLE_EVENTS": "1",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DNS_ADDRESS": "0",
        "LAMBDA_RUNTIME_EXECUTOR": "local",
        "PROVIDER_OVERRIDE_SAGEMAKER": "local",
        "PROVIDER_OVERRIDE_SAGEMAKER_RUNTIME": "local",
        "PROVIDER_OVERRIDE_CLOUDWATCH": "local",  # keeps alarm tags (local_aws_plugins/cloudwatch_tags.py)
        # read by the plugins
        "LOCAL_AWS_STATE_DIR": str(state),
        "LOCAL_LAMBDA_PYTHON": str(layout.lambda_venv / "bin" / "python"),
        "LOCAL_ENDPOINT_PYTHON": str(layout.serving_python),
        "LOCAL_ENDPOINT_WORKDIR": str(layout.root),
        # the account's settings and quotas (accounts.py): none for "default", a new account's for "fresh"
        **accounts.localstack_environment(layout.account),
    }


def healthy(layout: Layout) -> bool:
    try:
        with urllib.request.urlopen(f"{layout.endpoint_url}/_localstack/health", timeout=2) as response:
            return response.status == 200 and bool(json.load(response).get("services"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def running_pid(layout: Layout) -> int | None:
    return processes.read(layout.pids / "localstack.pid")


def start(layout: Layout) -> int:
    """Start LocalStack unless this stack's instance already runs; its PID."""
    pid = running_pid(layout)
    if pid is not None and healthy(layout):
        return pid
    if healthy(layout):
        raise SystemExit(f"port {layout.port} already answers as LocalStack but was not started by this stack")
    for directory in ("volume", "filesystem", "tmp", "cache"):
        (layout.state / directory).mkdir(parents=True, exist_ok=True)
    shutil.rmtree(layout.state / "cache" / "plux", ignore_errors=True)
    with open(layout.localstack_log, "ab") as log:
        process = subprocess.Popen(
            [str(layout.localstack_venv / "bin" / "python"), "-m", "localstack.runtime.main"],
            cwd=layout.state,
            env=environment(layout),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    processes.record(layout.pids, "localstack", process.pid)
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = layout.localstack_log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"LocalStack exited with code {process.returncode}:\n{tail}")
        if healthy(layout):
            return process.pid
        time.sleep(0.25)
    processes.stop(process.pid)
    raise SystemExit(f"LocalStack was not healthy within {HEALTH_TIMEOUT_SECONDS:.0f} s; see {layout.localstack_log}")
