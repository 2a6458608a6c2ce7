"""SageMaker Batch Transform jobs for the local SageMaker provider: the model really runs over the S3 objects.

moto keeps the job records (CreateTransformJob, DescribeTransformJob) but runs nothing and reports every job
``Completed`` at once. Here a job does what Batch Transform does on its instances:

- download the model's ``ModelDataUrl`` and start ``InstanceCount`` model servers (the project's real server,
  as for endpoints), one per emulated instance, with the model's and the job's environment;
- list the objects under ``TransformInput``'s S3 prefix and map them to the instances by key (round robin
  over the sorted keys: one object is never split across instances, so a single object keeps one instance
  busy and the others idle, as on AWS);
- split each object into records (``SplitType=Line``), send them as ``SingleRecord`` or ``MultiRecord``
  mini-batches of at most ``MaxPayloadInMB``, up to ``MaxConcurrentTransforms`` requests at a time per
  instance, with the job's ``ContentType`` and ``Accept``;
- write ``<key relative to the input prefix>.out`` under ``S3OutputPath`` only when every mini-batch of that
  object succeeded (``AssembleWith=Line`` adds a newline after each answer), carry on with the other objects,
  and end ``Completed``, ``Failed`` with a ``FailureReason`` (a non-2xx answer, an object or record over
  ``MaxPayloadInMB``, no input objects) or ``Stopped``.

ListTransformJobs and StopTransformJob are answered here too. The model servers stop when the job ends.
CreateModel keeps ``EnableNetworkIsolation`` as sent (moto always reports false, which would make
Terraform replace the transform model, isolated as on AWS, on every plan).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from local_aws_plugins.model_servers import DeploymentError, ModelServer, start_model_server
from localstack.aws.api import RequestContext, ServiceException
from localstack.aws.connect import connect_to
from localstack.services.moto import call_moto

LOG = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_PAYLOAD_TIMES_CONCURRENCY_MB = 100  # AWS: MaxConcurrentTransforms * MaxPayloadInMB must not exceed 100 MB
DEFAULT_MAX_PAYLOAD_MB = 6
DEFAULT_INVOCATION_TIMEOUT = 600
# Gunicorn workers per emulated instance: 1 keeps "one instance" to one core of this machine, so the
# throughput with 1 and 2 instances can be compared here.
WORKERS_PER_INSTANCE = os.environ.get("LOCAL_TRANSFORM_WORKERS_PER_INSTANCE", "1")
TERMINAL = ("Completed", "Failed", "Stopped")
SEE_LOGS = "See job logs for more information"


class ValidationError(ServiceException):
    code = "ValidationException"
    status_code = 400
    sender_fault = True


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
        return _backend(self.account, self.region).transform_jobs[self.name]

    def fail(self, reason: str) -> None:
        with self.lock:
            self.failures.append(reason)


RUNS: dict[tuple[str, str, str], JobRun] = {}
RUNS_LOCK = threading.Lock()


def _backend(account: str, region: str):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][region]


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def dispatch_entries() -> dict[str, Any]:
    """The operations this module serves, for the SageMaker provider's dispatch table."""
    return {
        "CreateTransformJob": create_transform_job,
        "DescribeTransformJob": describe_transform_job,
        "ListTransformJobs": list_transform_jobs,
        "StopTransformJob": stop_transform_job,
        "CreateModel": create_model,
    }


def create_model(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto's CreateModel, then the ``EnableNetworkIsolation`` it drops, so DescribeModel reports it as AWS does."""
    response = call_moto(context)
    model = _backend(context.account_id, context.region)._models[request["ModelName"]]
    model.enable_network_isolation = bool(request.get("EnableNetworkIsolation", False))
    return response


def _validate(backend, request: dict[str, Any]) -> None:
    """What CreateTransformJob refuses at once, with AWS's wording where it is known."""
    name = request["TransformJobName"]
    if name in backend.transform_jobs:
        raise ValidationError(f"Job name must be unique within an AWS account and region, and a job with this name "
                              f"already exists ({backend.transform_jobs[name].arn})")  # fmt: skip
    if request["ModelName"] not in backend._models:  # moto keeps models in a private dict
        raise ValidationError(f"Could not find model \"{request['ModelName']}\".")
    source = request["TransformInput"]["DataSource"]["S3DataSource"]
    if source["S3DataType"] != "S3Prefix":
        raise ValidationError("The local SageMaker emulation reads S3Prefix inputs only (no manifest files).")
    if request["TransformInput"].get("SplitType", "None") not in ("None", "Line"):
        raise ValidationError("The local SageMaker emulation splits by Line or not at all (no RecordIO, TFRecord).")
    if request["TransformInput"].get("CompressionType", "None") != "None":
        raise ValidationError("The local SageMaker emulation reads uncompressed input only.")
    payload = request.get("MaxPayloadInMB", DEFAULT_MAX_PAYLOAD_MB)
    concurrency = request.get("MaxConcurrentTransforms") or 1
    if payload * concurrency > MAX_PAYLOAD_TIMES_CONCURRENCY_MB:
        raise ValidationError(
            f"MaxConcurrentTransforms ({concurrency}) * MaxPayloadInMB ({payload}) must not exceed "
            f"{MAX_PAYLOAD_TIMES_CONCURRENCY_MB} MB."
        )
    if payload == 0:
        raise ValidationError("MaxPayloadInMB=0 (HTTP chunked streaming) is not emulated.")
    if request.get("BatchStrategy") and request["TransformInput"].get("SplitType", "None") == "None":
        raise ValidationError("BatchStrategy requires SplitType to be Line, RecordIO or TFRecord.")


def create_transform_job(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    backend = _backend(context.account_id, context.region)
    _validate(backend, request)
    response = call_moto(context)
    job = backend.transform_jobs[request["TransformJobName"]]
    job.transform_job_status, job.failure_reason = "InProgress", None
    job.transform_start_time = job.transform_end_time = None
    run = JobRun(context.account_id, context.region, request["TransformJobName"], request)
    with RUNS_LOCK:
        RUNS[(run.account, run.region, run.name)] = run
    threading.Thread(target=_run_job, args=(run,), name=f"transform-{run.name}", daemon=True).start()
    return response


def describe_transform_job(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto's record without the empty fields it adds (FailureReason "", LabelingJobArn "", {} structures)."""
    response = call_moto(context)
    return {key: value for key, value in response.items() if value not in ("", {}, None)}


def list_transform_jobs(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Filter, then sort, then page (moto pages before it filters)."""
    jobs = list(_backend(context.account_id, context.region).transform_jobs.values())
    if request.get("NameContains"):
        jobs = [job for job in jobs if request["NameContains"].lower() in job.transform_job_name.lower()]
    if request.get("StatusEquals"):
        jobs = [job for job in jobs if job.transform_job_status == request["StatusEquals"]]
    key = {"Name": "transform_job_name", "Status": "transform_job_status"}.get(request.get("SortBy"), "creation_time")
    jobs.sort(key=lambda job: getattr(job, key), reverse=request.get("SortOrder", "Descending") == "Descending")
    start = int(request.get("NextToken") or 0)
    end = start + (request.get("MaxResults") or 10)
    summaries = []
    for job in jobs[start:end]:
        summary = {
            "TransformJobName": job.transform_job_name,
            "TransformJobArn": job.arn,
            "CreationTime": job.creation_time,
            "LastModifiedTime": job.last_modified_time,
            "TransformJobStatus": job.transform_job_status,
            "TransformEndTime": job.transform_end_time,
            "FailureReason": job.failure_reason,
        }
        summaries.append({key: value for key, value in summary.items() if value})
    return {"TransformJobSummaries": summaries, **({"NextToken": str(end)} if end < len(jobs) else {})}


def stop_transform_job(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """InProgress -> Stopping -> Stopped once the instances have let go; a finished job stays as it is."""
    name = request["TransformJobName"]
    backend = _backend(context.account_id, context.region)
    job = backend.transform_jobs.get(name)
    if job is None:
        raise ValidationError(f"Could not find job to update with name {name}")
    with RUNS_LOCK:
        run = RUNS.get((context.account_id, context.region, name))
    if run is not None and job.transform_job_status == "InProgress":
        job.transform_job_status, job.last_modified_time = "Stopping", _now()
        run.stop.set()
    return {}


def _set(run: JobRun, status: str, reason: str | None = None) -> None:
    job = run.job
    job.transform_job_status, job.last_modified_time = status, _now()
    if reason:
        job.failure_reason = reason[:1024]
    if status in TERMINAL:
        job.transform_end_time = job.last_modified_time


def _run_job(run: JobRun) -> None:
    """The whole job on its own thread: servers up, objects through, servers down, final status."""
    servers: list[ModelServer] = []
    started = time.monotonic()
    try:
        model = _backend(run.account, run.region)._models[run.request["ModelName"]]
        container = model.primary_container or (model.containers[0] if model.containers else {})
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
            futures = [pool.submit(start_model_server, f"transform-{run.name}-{i}", archive, environment)
                       for i in range(count)]  # fmt: skip
            for future in futures:
                try:
                    servers.append(future.result())
                except DeploymentError as error:
                    run.fail(f"AlgorithmError: {error}")
        if run.failures:
            return
        run.job.transform_start_time = _now()
        keys = _input_keys(run)
        if not keys:
            return
        with ThreadPoolExecutor(len(servers)) as pool:
            for done in [
                pool.submit(_instance, run, server, keys[i :: len(servers)]) for i, server in enumerate(servers)
            ]:
                done.result()
    except Exception as error:  # noqa: BLE001 - whatever breaks, the job must end Failed rather than hang InProgress
        LOG.exception("Transform job %s broke", run.name)
        run.fail(f"InternalServerError: {error}")
    finally:
        for server in servers:
            server.stop()
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


def _instance(run: JobRun, server: ModelServer, keys: list[str]) -> None:
    """One emulated instance: its objects one after another; a failed object does not stop the others."""
    for key in keys:
        if run.stop.is_set():
            return
        try:
            _transform_object(run, server, key)
        except ObjectFailed as failure:
            LOG.warning("Transform job %s: %s failed: %s", run.name, key, failure)
            run.fail(str(failure))


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
