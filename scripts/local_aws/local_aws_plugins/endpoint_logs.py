"""Model server logs into the endpoint's CloudWatch log group, as SageMaker's containers write them.

SageMaker writes each instance's container output to ``/aws/sagemaker/Endpoints/<endpoint>``, stream
``<variant>/<instance>``, and creates the group if it does not exist (the execution role may). That is why a
FailureReason says "check CloudWatch logs", and why a log group deleted while the endpoint is still being
deleted comes back. Here a server's whole log is sent when it stops (after a failed start too); the stream is
``<variant>/<deployment id>``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path

from localstack.aws.connect import connect_to

LOG = logging.getLogger(__name__)

MAX_EVENTS = 10_000  # PutLogEvents' limit per call
MAX_BYTES = 1_000_000  # below PutLogEvents' 1 MiB batch limit (each event also counts 26 bytes)


def sink(account: str, region: str, endpoint: str, variant: str) -> Callable[[str, Path], None]:
    """A function that sends a server's log file to the endpoint's log group."""

    def send(deployment_id: str, log_file: Path) -> None:
        try:
            lines = log_file.read_text(errors="replace").splitlines()
        except OSError:
            return
        try:
            _put(account, region, f"/aws/sagemaker/Endpoints/{endpoint}", f"{variant}/{deployment_id}", lines)
        except Exception as error:  # losing a log must never break a deployment
            LOG.error("Could not send the log of endpoint %s to CloudWatch Logs: %s", endpoint, error)

    return send


def _put(account: str, region: str, group: str, stream: str, lines: list[str]) -> None:
    logs = connect_to(aws_access_key_id=account, aws_secret_access_key="test", region_name=region).logs
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    events, size = [], 0
    for line in reversed(lines[-MAX_EVENTS:]):  # the end of a log (a traceback) matters most
        message = line or " "
        size += len(message.encode()) + 26
        if size > MAX_BYTES:
            break
        events.append({"timestamp": now, "message": message})
    events.reverse()
    if events:
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
