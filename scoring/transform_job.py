"""One SageMaker Batch Transform job over JSON Lines in S3: the request, the upload, the wait, the download.

The request is what the endpoint's ``inference.py`` expects from Batch Transform: ``application/jsonlines``
split by line (``SplitType=Line``), packed into ``MultiRecord`` mini-batches of at most ``MaxPayloadInMB``
(kept under the container's body limit), answered one line per input line and assembled by line
(``AssembleWith=Line``), so each ``<part>.jsonl.out`` lines up with its ``<part>.jsonl``.

Batch Transform packs as many records into a mini-batch as ``MaxPayloadInMB`` holds and has no setting
for how many, while the endpoint takes at most ``MAX_JSON_LINES`` records a request. So every uploaded
record is at least ``min_record_bytes`` long, padded with spaces where it is shorter (JSON allows
whitespace after the value): a mini-batch then never holds more records than the endpoint takes.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scoring.readers import Malformed, Record
from scoring.writers import json_line
from serving.limits import MAX_JSON_LINES

JSON_LINES = "application/jsonlines"
# The container refuses bodies over 6 MiB (inference.MAX_BODY_BYTES, InvokeEndpoint's limit); SageMaker's
# MB may be 10^6 or 2^20 bytes, so 5 stays under it either way.
MAX_PAYLOAD_MB = 5
MIB = 1024 * 1024  # the larger reading of SageMaker's MB: the record cap holds with either
MAX_PAYLOAD_TIMES_CONCURRENCY_MB = 100  # CreateTransformJob refuses more
TERMINAL = ("Completed", "Failed", "Stopped")
JOB_PREFIX_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,47}$")  # + "-YYYYMMDDHHMMSS" stays within 63
INSTANCE_RE = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")
S3_PREFIX_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/(.+/)?$")


@dataclass(frozen=True)
class JobSettings:
    """Everything that shapes the CreateTransformJob request."""

    model_name: str
    input_prefix: str  # s3://bucket/prefix/ the job reads
    output_prefix: str  # s3://bucket/prefix/ the job writes
    job_name: str
    instance_type: str = "ml.m5.large"
    instance_count: int = 1
    max_payload_mb: int = MAX_PAYLOAD_MB
    max_concurrent_transforms: int = 2

    @property
    def input_uri(self) -> str:
        return f"{self.input_prefix}{self.job_name}/"

    @property
    def output_uri(self) -> str:
        return f"{self.output_prefix}{self.job_name}/"


def job_name(prefix: str, now: datetime | None = None) -> str:
    return f"{prefix}-{(now or datetime.now(UTC)).strftime('%Y%m%d%H%M%S')}"


def check_settings(settings: JobSettings) -> list[str]:
    """Every problem with the options, each naming the option and the fix (empty when all is well)."""
    problems = []
    if not settings.model_name:
        problems.append("--model-name is required: terraform output transform_model_name (batch_transform set)")
    for flag, uri in (("--input-prefix", settings.input_prefix), ("--output-prefix", settings.output_prefix)):
        if not S3_PREFIX_RE.match(uri or ""):
            problems.append(f"{flag} {uri!r} must be an s3://bucket/prefix/ URI ending in / (terraform output)")
    if settings.input_prefix and settings.output_prefix and settings.input_prefix == settings.output_prefix:
        problems.append("--input-prefix and --output-prefix must differ")
    if not INSTANCE_RE.match(settings.instance_type):
        problems.append(f"--instance-type {settings.instance_type!r} is not a SageMaker instance type (ml.m5.large)")
    if settings.instance_count < 1:
        problems.append(f"--instance-count must be at least 1, got {settings.instance_count}")
    if not 1 <= settings.max_payload_mb <= MAX_PAYLOAD_MB:
        problems.append(f"--max-payload-mb must be 1-{MAX_PAYLOAD_MB} (the model refuses larger bodies)")
    if settings.max_concurrent_transforms < 1:
        problems.append("--max-concurrent-transforms must be at least 1")
    elif settings.max_concurrent_transforms * settings.max_payload_mb > MAX_PAYLOAD_TIMES_CONCURRENCY_MB:
        limit = MAX_PAYLOAD_TIMES_CONCURRENCY_MB
        problems.append(f"--max-concurrent-transforms x --max-payload-mb must be at most {limit}")
    return problems


def min_record_bytes(max_payload_mb: int, max_records: int = MAX_JSON_LINES) -> int:
    """The length every uploaded record (without its newline) is padded to.

    ``n`` records of at least ``L`` bytes with the ``n - 1`` newlines between them fit in a payload of
    ``P`` bytes only if ``n * (L + 1) - 1 <= P``; with ``L = ceil(P / max_records)``, ``n <= max_records``.
    """
    return math.ceil(max_payload_mb * MIB / max_records)


def padded(line: bytes, size: int) -> bytes:
    """``line`` (ending in a newline) with spaces before the newline so that its record is ``size`` bytes."""
    missing = size - (len(line) - 1)
    return line if missing <= 0 else line[:-1] + b" " * missing + b"\n"


def create_request(settings: JobSettings) -> dict[str, Any]:
    """The CreateTransformJob request for ``settings``."""
    return {
        "TransformJobName": settings.job_name,
        "ModelName": settings.model_name,
        "MaxConcurrentTransforms": settings.max_concurrent_transforms,
        "MaxPayloadInMB": settings.max_payload_mb,
        "BatchStrategy": "MultiRecord",
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": settings.input_uri}},
            "ContentType": JSON_LINES,
            "CompressionType": "None",
            "SplitType": "Line",
        },
        "TransformOutput": {"S3OutputPath": settings.output_uri, "Accept": JSON_LINES, "AssembleWith": "Line"},
        "TransformResources": {"InstanceType": settings.instance_type, "InstanceCount": settings.instance_count},
    }


def validate_request(sagemaker: Any, request: dict[str, Any]) -> None:
    """Check the request against botocore's model of the API, as the client does before sending it."""
    from botocore.validate import validate_parameters

    shape = sagemaker.meta.service_model.operation_model("CreateTransformJob").input_shape
    validate_parameters(request, shape)


def split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def upload_parts(
    s3: Any,
    records: Iterable[Record],
    settings: JobSettings,
    parts: int,
    total: int,
    explain: bool,
    on_malformed: Callable[[Malformed], None],
    progress: Any,
    workdir: Path,
) -> int:
    """Write the reviews as JSON Lines parts (split by input position, so parts follow input order) and upload
    them under the job's input prefix; malformed records go to ``on_malformed``. The number of reviews."""
    bucket, key_prefix = split_s3_uri(settings.input_uri)
    record_bytes = min_record_bytes(settings.max_payload_mb)
    reviews, done, written = 0, 0, 0
    paths = [workdir / "part-00000.jsonl"]
    handle = paths[0].open("wb")
    try:
        for record in records:
            # A new part starts once this one holds its share of the input (and at least one review).
            if len(paths) < parts and written and done >= len(paths) * total / parts:
                handle.close()
                paths.append(workdir / f"part-{len(paths):05d}.jsonl")
                handle, written = paths[-1].open("wb"), 0
            done += record.size
            progress.update(record.size)
            if isinstance(record, Malformed):
                on_malformed(record)
                continue
            line = {"id": record.id, "review": record.text, **({"explain": True} if explain else {})}
            written += handle.write(padded(json_line(line), record_bytes))
            reviews += 1
    finally:
        handle.close()
    for path in paths:
        if path.stat().st_size:
            s3.upload_file(str(path), bucket, f"{key_prefix}{path.name}")
    return reviews


def wait(sagemaker: Any, name: str, poll_seconds: float, show: Callable[[str], None]) -> dict[str, Any]:
    """Poll DescribeTransformJob until the job ends, showing each status change; the last description."""
    started, last = time.monotonic(), None
    while True:
        description = sagemaker.describe_transform_job(TransformJobName=name)
        status = description["TransformJobStatus"]
        if status != last:
            show(f"{name}: {status} after {time.monotonic() - started:.0f} s")
            last = status
        if status in TERMINAL:
            return description
        time.sleep(poll_seconds)


def output_keys(s3: Any, settings: JobSettings) -> list[str]:
    """The job's ``.out`` objects, in part (so input) order."""
    bucket, prefix = split_s3_uri(settings.output_uri)
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(item["Key"] for item in page.get("Contents", []) if item["Key"].endswith(".out"))
    return sorted(keys)


def downloaded_lines(s3: Any, bucket: str, keys: list[str]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(key, line number, answer) for every line of the ``.out`` objects in order, streamed (blank lines skipped)."""
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        number = 0
        for raw in body.iter_lines():
            if raw.strip():
                number += 1
                yield key, number, json.loads(raw)


def show_status(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
