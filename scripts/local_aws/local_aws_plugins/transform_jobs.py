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

ListTransformJobs and StopTransformJob are answered here too. The model servers stop when the job ends; each
instance's container output and data log (one line per failed object) go to CloudWatch Logs as on AWS, group
``/aws/sagemaker/TransformJobs``, streams ``<job>/<instance>`` and ``<job>/<instance>/data-log``.
"""

from __future__ import annotations

import threading
from typing import Any

from local_aws_plugins.moto_records import sagemaker_backend
from local_aws_plugins.transform_runner import DEFAULT_MAX_PAYLOAD_MB, JobRun, run_job, timestamp
from localstack.aws.api import RequestContext, ServiceException
from localstack.services.moto import call_moto

MAX_PAYLOAD_TIMES_CONCURRENCY_MB = 100  # AWS: MaxConcurrentTransforms * MaxPayloadInMB must not exceed 100 MB


class ValidationError(ServiceException):
    code = "ValidationException"
    status_code = 400
    sender_fault = True


RUNS: dict[tuple[str, str, str], JobRun] = {}
RUNS_LOCK = threading.Lock()


def dispatch_entries() -> dict[str, Any]:
    """The operations this module serves, for the SageMaker provider's dispatch table."""
    return {
        "CreateTransformJob": create_transform_job,
        "DescribeTransformJob": describe_transform_job,
        "ListTransformJobs": list_transform_jobs,
        "StopTransformJob": stop_transform_job,
    }


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
    backend = sagemaker_backend(context.account_id, context.region)
    _validate(backend, request)
    response = call_moto(context)
    job = backend.transform_jobs[request["TransformJobName"]]
    job.transform_job_status, job.failure_reason = "InProgress", None
    job.transform_start_time = job.transform_end_time = None
    run = JobRun(context.account_id, context.region, request["TransformJobName"], request)
    with RUNS_LOCK:
        RUNS[(run.account, run.region, run.name)] = run
    threading.Thread(target=run_job, args=(run,), name=f"transform-{run.name}", daemon=True).start()
    return response


def describe_transform_job(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """moto's record without the empty fields it adds (FailureReason "", LabelingJobArn "", {} structures)."""
    response = call_moto(context)
    return {key: value for key, value in response.items() if value not in ("", {}, None)}


def list_transform_jobs(context: RequestContext, request: dict[str, Any]) -> dict[str, Any]:
    """Filter, then sort, then page (moto pages before it filters)."""
    jobs = list(sagemaker_backend(context.account_id, context.region).transform_jobs.values())
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
    backend = sagemaker_backend(context.account_id, context.region)
    job = backend.transform_jobs.get(name)
    if job is None:
        raise ValidationError(f"Could not find job to update with name {name}")
    with RUNS_LOCK:
        run = RUNS.get((context.account_id, context.region, name))
    if run is not None and job.transform_job_status == "InProgress":
        job.transform_job_status, job.last_modified_time = "Stopping", timestamp()
        run.stop.set()
    return {}
