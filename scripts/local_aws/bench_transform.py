"""Throughput of the emulated Batch Transform job on the running local stack, with 1 and then 2 instances.

The root is re-applied with ``batch_transform = {}`` (nothing changes when it already is); the official test
reviews are uploaded as JSON Lines, one part per instance, and a transform job with the scoring CLI's request
runs over them. Reported per instance count: reviews, wall time from CreateTransformJob to ``Completed``
(model servers starting included, as an AWS job's instances start within it), reviews per second, and the
answers downloaded (every review must be answered). Side by side in one run, so read the ratio.

Loopback only, like ``bench.py``. ``python -m scripts.local_aws.bench_transform`` after ``make up``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import boto3

from scoring import transform_job
from scoring.readers import read_records
from scripts.local_aws import stack
from scripts.local_aws.layout import DEFAULT_STATE_DIR, Layout
from scripts.local_aws.terraform import Terraform
from training import data

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.local_aws.bench_transform", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--port", type=int, default=4566, help="LocalStack gateway port of the running stack")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="the stack's state directory")
    parser.add_argument("--reviews", type=int, default=25_000, help="how many official test reviews (at most 25,000)")
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 2], help="instance counts to run, in order")
    return parser


def run_job(clients: dict, outputs: dict, reviews: list, instances: int, workdir: Path) -> dict:
    settings = transform_job.JobSettings(
        model_name=outputs["transform_model_name"],
        input_prefix=outputs["transform_input_s3_uri"],
        output_prefix=outputs["transform_output_s3_uri"],
        job_name=f"{transform_job.job_name(outputs['transform_job_name_prefix'])}-{instances}x",
        instance_count=instances,
    )
    total = sum(record.size for record in reviews)
    part_dir = workdir / settings.job_name
    part_dir.mkdir()
    transform_job.upload_parts(clients["s3"], reviews, settings, instances, total, False, print, _NoBar(), part_dir)
    started = time.perf_counter()
    clients["sagemaker"].create_transform_job(**transform_job.create_request(settings))
    job = transform_job.wait(clients["sagemaker"], settings.job_name, 0.2, lambda _: None)
    seconds = time.perf_counter() - started
    if job["TransformJobStatus"] != "Completed":
        raise SystemExit(f"{settings.job_name} ended {job['TransformJobStatus']}: {job.get('FailureReason')}")
    bucket, _ = transform_job.split_s3_uri(settings.output_uri)
    keys = transform_job.output_keys(clients["s3"], settings)
    answers = sum(1 for _ in transform_job.downloaded_lines(clients["s3"], bucket, keys))
    return {
        "instances": instances,
        "reviews": len(reviews),
        "answers": answers,
        "seconds": round(seconds, 1),
        "reviews_per_second": round(len(reviews) / seconds, 1),
    }


class _NoBar:
    def update(self, n: float = 1) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    layout = Layout(state=args.state_dir.resolve(), port=args.port)
    if urlparse(layout.endpoint_url).hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load {layout.endpoint_url}: loopback only")
    if stack.StackInfo.load(layout.stack_file) is None:
        raise SystemExit(f"no stack in {layout.state}: run `make up` first")
    stack.apply(layout, {"batch_transform": {}})
    outputs = Terraform(layout).outputs()
    session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    clients = {name: session.client(name, endpoint_url=layout.endpoint_url) for name in ("s3", "sagemaker")}
    test_dir = data.resolve(None) / "test"
    reviews = [record for sub in ("neg", "pos") for record in read_records(test_dir / sub, "txt")]
    reviews = reviews[:: max(1, len(reviews) // args.reviews)][: args.reviews]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-transform-") as workdir:
        for instances in args.instances:
            results.append(run_job(clients, outputs, reviews, instances, Path(workdir)))
            print(json.dumps(results[-1]), flush=True)
    if len(results) > 1:
        ratio = results[-1]["reviews_per_second"] / results[0]["reviews_per_second"]
        print(f"{results[-1]['instances']} vs {results[0]['instances']} instance(s): {ratio:.2f}x the throughput")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
