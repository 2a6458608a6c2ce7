"""What one emulated Batch Transform job does on its instances (the API side is transform_jobs.py).

Model servers (the project's real server, one per instance) start from the model's ``ModelDataUrl``; the input
objects are mapped to the instances by key; each object is split and sent in mini-batches as the job asks, and
its ``.out`` is written only when every mini-batch succeeded; the job ends ``Completed``, ``Failed`` (the first
failure is the FailureReason) or ``Stopped``. Each instance's container output and data log go to CloudWatch
Logs as on AWS: group ``/aws/sagemaker/TransformJobs``, streams ``<job>/<instance>`` and
``<job>/<instance>/data-log``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from local_aws_plugins.model_registry import serving_container
from local_aws_plugins.model_servers import DeploymentError, ModelServer, start_model_server
from local_aws_plugins.moto_records import sagemaker_backend
from localstack.aws.connect import connect_to

LOG = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_MAX_PAYLOAD_MB = 6
DEFAULT_INVOCATION_TIMEOUT = 600
# Gunicorn workers per emulated instance: 1 keeps "one instance" to one core of this machine, so the
# throughput with 1 and 2 instances can be compared here.
WORKERS_PER_INSTANCE = os.environ.get("LOCAL_TRANSFORM_WORKERS_PER_INSTANCE", "1")
TERMINAL = ("Completed", "Failed", "Stopped")
SEE_LOGS = "See job logs for more information"
LOG_GROUP = "/aws/sagemaker/TransformJobs"
MAX_LOG_BATCH_BYTES = 900_000  # PutLogEvents takes at most 1 MB (with 26 bytes of overhead per event)
MAX_LOG_EVENT_CHARS = 200_000  # and at most 256 KB an event


class ObjectFailed(Exception):
    """One input object could not be transformed; the message is the job's FailureReason."""


@dataclass
class JobRun:
    """A running job: what the worker threads need, and the stop signal."""

    account: str
    region: str
    name: str
    request: dict[str, Any]
    stop: threading.Event = field(default_factory=threading.Event)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def job(self):
        return sagemaker_backend(self.account, self.region).transform_jobs[self.name]

    def fail(self, reason: str) -> None:
        with self.lock:
            self.failures.append(reason)


def timestamp() -> str:
    """A time as moto records its own (a string LocalStack serialises like moto's other times)."""
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _set(run: JobRun, status: str, reason: str | None = None) -> None:
    job = run.job
    job.transform_job_status, job.last_modified_time = status, timestamp()
    if reason:
        job.failure_reason = reason[:1024]
    if status in TERMINAL:
        job.transform_end_time = job.last_modified_time


def run_job(run: JobRun) -> None:
    """The whole job on its own thread: servers up, objects through, servers down, final status."""
    servers: list[ModelServer] = []
    data_logs: list[list[str]] = []
    started = time.monotonic()
    try:
        model = sagemaker_backend(run.account, run.region)._models[run.request["ModelName"]]
        container = serving_container(model)
        model_data_url = container.get("ModelDataUrl") or ""
        bucket, key = _split_s3_uri(model_data_url)
        try:
            archive = _s3(run).get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as error:  # noqa: BLE001 - NoSuchKey, AccessDenied: the job's failure reason
            run.fail(f"ClientError: Could not download model data from {model_data_url}: {error}")
            return
        environment = {
            **(container.get("Environment") or {}),
            **(run.request.get("Environment") or {}),
            "SAGEMAKER_MODEL_SERVER_WORKERS": WORKERS_PER_INSTANCE,
        }
        count = run.request["TransformResources"]["InstanceCount"]
        with ThreadPoolExecutor(count) as pool:  # instances start together, as on AWS
            futures = [pool.submit(start_model_server, f"transform-{run.name}-{i}", "AllTraffic", archive, environment)
                       for i in range(count)]  # fmt: skip
            for future in futures:
                try:
                    servers.append(future.result())
                except DeploymentError as error:
                    run.fail(f"AlgorithmError: {error}")
        if run.failures:
            return
        run.job.transform_start_time = timestamp()
        keys = _input_keys(run)
        if not keys:
            return
        data_logs.extend([] for _ in servers)
        with ThreadPoolExecutor(len(servers)) as pool:
            shares = [keys[i :: len(servers)] for i in range(len(servers))]  # objects mapped to instances by key
            for done in [
                pool.submit(_instance, run, server, share, log)
                for server, share, log in zip(servers, shares, data_logs, strict=True)
            ]:
                done.result()
    except Exception as error:  # noqa: BLE001 - whatever breaks, the job must end Failed rather than hang InProgress
        LOG.exception("Transform job %s broke", run.name)
        run.fail(f"InternalServerError: {error}")
    finally:
        for index, server in enumerate(servers):
            container_log = _read_log(server.model_dir.parent / "server.log")
            server.stop()
            _publish_logs(run, f"instance-{index}", container_log, data_logs[index] if index < len(data_logs) else [])
        if run.stop.is_set():
            _set(run, "Stopped")
        elif run.failures:
            _set(run, "Failed", run.failures[0])
        else:
            _set(run, "Completed")
        LOG.info("Transform job %s %s after %.1f s", run.name, run.job.transform_job_status, time.monotonic() - started)


def _s3(run: JobRun):
    return connect_to(aws_access_key_id=run.account, aws_secret_access_key="test", region_name=run.region).s3


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _input_keys(run: JobRun) -> list[str]:
    """Every object under the input prefix, sorted by key; the job fails when there is none (as on AWS)."""
    uri = run.request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]
    bucket, prefix = _split_s3_uri(uri)
    keys: list[str] = []
    try:
        for page in _s3(run).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []) if not item["Key"].endswith("/"))
    except Exception as error:  # noqa: BLE001 - e.g. NoSuchBucket: the job's failure reason
        run.fail(f"ClientError: Failed to list the input objects under {uri}: {error}")
        return []
    if not keys:
        run.fail(f'ClientError: No S3 objects found under S3 URL "{uri}" given in input data source.')
    return sorted(keys)


def _output_key(run: JobRun, key: str) -> tuple[str, str]:
    """(bucket, key) of ``key``'s ``.out``: its path below the input prefix's folder, under S3OutputPath."""
    _, prefix = _split_s3_uri(run.request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"])
    # A key prefix such as in/part matches in/part-0.jsonl: the name below its folder is kept.
    folder = prefix if not prefix or prefix.endswith("/") else prefix[: prefix.rfind("/") + 1]
    bucket, out_prefix = _split_s3_uri(run.request["TransformOutput"]["S3OutputPath"])
    out_prefix = out_prefix.rstrip("/")
    return bucket, f"{out_prefix}/{key[len(folder):]}.out" if out_prefix else f"{key[len(folder):]}.out"


def _instance(run: JobRun, server: ModelServer, keys: list[str], data_log: list[str]) -> None:
    """One emulated instance: its objects one after another; a failed object does not stop the others."""
    for key in keys:
        if run.stop.is_set():
            return
        try:
            _transform_object(run, server, key)
        except ObjectFailed as failure:
            LOG.warning("Transform job %s: %s failed: %s", run.name, key, failure)
            data_log.append(f"{timestamp()} [{key}] {failure}")
            run.fail(str(failure))


def _read_log(path: Path) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()
    except OSError:
        return []


def _publish_logs(run: JobRun, instance: str, container_log: list[str], data_log: list[str]) -> None:
    """An instance's logs to CloudWatch Logs, where a job's FailureReason says to look; never fails the job."""
    logs = connect_to(aws_access_key_id=run.account, aws_secret_access_key="test", region_name=run.region).logs
    try:
        with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
            logs.create_log_group(logGroupName=LOG_GROUP)
        for stream, lines in ((f"{run.name}/{instance}", container_log), (f"{run.name}/{instance}/data-log", data_log)):
            if not lines:
                continue
            logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
            timestamp, batch, size = int(time.time() * 1000), [], 0
            for line in [line[:MAX_LOG_EVENT_CHARS] or " " for line in lines]:
                if batch and size + len(line.encode()) + 26 > MAX_LOG_BATCH_BYTES:
                    logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=batch)
                    batch, size = [], 0
                batch.append({"timestamp": timestamp, "message": line})
                size += len(line.encode()) + 26
            logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=stream, logEvents=batch)
    except Exception:  # noqa: BLE001 - logs are a courtesy; the job's status must not depend on them
        LOG.exception("Could not publish the logs of transform job %s", run.name)


def _mini_batches(run: JobRun, key: str, data: bytes) -> list[bytes]:
    """The request bodies for one object: the whole object, or its lines alone or packed up to MaxPayloadInMB."""
    limit = run.request.get("MaxPayloadInMB", DEFAULT_MAX_PAYLOAD_MB) * MB
    if run.request["TransformInput"].get("SplitType", "None") == "None":
        if len(data) > limit:
            raise ObjectFailed(f"ClientError: The size of object {key} exceeds MaxPayloadInMB and it cannot be split.")
        return [data]
    records = [line for line in data.split(b"\n") if line.strip()]
    if any(len(record) > limit for record in records):
        raise ObjectFailed(f"ClientError: A record in {key} is larger than MaxPayloadInMB.")
    if run.request.get("BatchStrategy", "MultiRecord") == "SingleRecord":
        return records
    batches, current, size = [], [], 0
    for record in records:
        if current and size + 1 + len(record) > limit:
            batches.append(b"\n".join(current))
            current, size = [], 0
        current.append(record)
        size += len(record) + (1 if len(current) > 1 else 0)
    if current:
        batches.append(b"\n".join(current))
    return batches


def _transform_object(run: JobRun, server: ModelServer, key: str) -> None:
    bucket, _ = _split_s3_uri(run.request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"])
    try:
        data = _s3(run).get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as error:  # noqa: BLE001 - AccessDenied and the like fail this object
        raise ObjectFailed(f"ClientError: Failed to download s3://{bucket}/{key}: {error}") from error
    batches = _mini_batches(run, key, data)
    headers = {"Content-Type": run.request["TransformInput"].get("ContentType") or "application/octet-stream"}
    if run.request["TransformOutput"].get("Accept"):
        headers["Accept"] = run.request["TransformOutput"]["Accept"]
    timeout = (run.request.get("ModelClientConfig") or {}).get(
        "InvocationsTimeoutInSeconds", DEFAULT_INVOCATION_TIMEOUT
    )

    def invoke(body: bytes) -> bytes:
        if run.stop.is_set():
            raise ObjectFailed("stopped")
        try:
            answer = requests.post(f"{server.url}/invocations", data=body, headers=headers, timeout=timeout)
        except requests.RequestException as error:
            raise ObjectFailed(f"AlgorithmError: {SEE_LOGS} (no answer from the model server: {error})") from error
        if not answer.ok:  # the data log on AWS: "Bad HTTP status received from algorithm: <status>"
            kind = "ClientError" if answer.status_code < 500 else "AlgorithmError"
            detail = answer.text[:300]
            raise ObjectFailed(f"{kind}: {SEE_LOGS} (s3://{bucket}/{key}: HTTP {answer.status_code} {detail})")
        return answer.content

    with ThreadPoolExecutor(run.request.get("MaxConcurrentTransforms") or 1) as pool:
        answers = list(pool.map(invoke, batches))  # in input order, whatever order they finish in
    if run.stop.is_set():
        return
    separator = b"\n" if run.request["TransformOutput"].get("AssembleWith") == "Line" else b""
    body = b"".join(answer + separator for answer in answers)
    out_bucket, out_key = _output_key(run, key)
    _s3(run).put_object(Bucket=out_bucket, Key=out_key, Body=body)
