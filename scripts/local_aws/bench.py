"""Bounded load test of the running local stack: N requests at concurrency C through the predict URL.

Every request takes the full local path (API Gateway -> Lambda -> sagemaker-runtime -> model server) with
one 230-word review. Reported: client latency percentiles, errors, throughput, and where the time goes,
from the stack's own records: the handler's log lines in CloudWatch Logs (``latency_ms``, ``endpoint_ms``)
and the SageMaker emulation's per-invocation model-server times (like SageMaker's ModelLatency).

Loopback only: it refuses any other host, so it can never load a real deployment by mistake.
``python -m scripts.local_aws.bench`` after ``make up``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
import requests

from scripts.local_aws.layout import DEFAULT_STATE_DIR, REPO_ROOT
from scripts.local_aws.stack import StackInfo

REVIEW = REPO_ROOT / "tests" / "events" / "review_230_words.txt"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "p50": round(percentile(values, 50), 2),
        "p90": round(percentile(values, 90), 2),
        "p99": round(percentile(values, 99), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def run_load(url: str, body: bytes, total: int, concurrency: int) -> tuple[list[float], list[str], float]:
    """(latencies in ms of the successful requests, error descriptions, wall seconds)."""
    local = threading.local()
    headers = {"Content-Type": "text/plain; charset=utf-8"}

    def one(_: int) -> tuple[float | None, str | None]:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        started = time.perf_counter()
        try:
            response = session.post(url, data=body, headers=headers, timeout=30)
        except requests.RequestException as error:
            return None, type(error).__name__
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            return None, f"HTTP {response.status_code}: {response.text[:100]}"
        return elapsed, None

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        outcomes = list(pool.map(one, range(total)))
    wall = time.perf_counter() - started
    return [ms for ms, _ in outcomes if ms is not None], [error for _, error in outcomes if error], wall


def handler_records(info: StackInfo, since: float) -> list[dict[str, Any]]:
    """The handler's "request" log records since ``since`` (unix seconds), from CloudWatch Logs."""
    logs = boto3.client(
        "logs",
        endpoint_url=info.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    records = []
    paginator = logs.get_paginator("filter_log_events")
    pages = paginator.paginate(logGroupName=f"/aws/lambda/{info.function_name}", startTime=int(since * 1000))
    for page in pages:
        for event in page["events"]:
            try:
                record = json.loads(event["message"])
            except ValueError:
                continue
            if isinstance(record, dict) and "latency_ms" in record:
                records.append(record)
    return records


def model_server_times(state_dir: Path, endpoint_name: str, since: float) -> list[float]:
    times = []
    for path in (state_dir / "sagemaker" / endpoint_name).glob("*/invocations.tsv"):
        for line in path.read_text().splitlines():
            stamp, milliseconds, status = line.split("\t")
            if float(stamp) >= since and status == "200":
                times.append(float(milliseconds))
    return times


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scripts.local_aws.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="measured requests (after a warm-up)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="state directory of the stack")
    parser.add_argument("--json", type=Path, help="also write the report here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.concurrency <= 64 or not 1 <= args.requests <= 100_000:
        raise SystemExit("--concurrency must be 1-64 and --requests 1-100000")
    info = StackInfo.load(args.state_dir / "stack.json")
    if info is None:
        raise SystemExit(f"no running stack in {args.state_dir}: run `make up` first")
    if urlparse(info.predict_url).hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load a non-loopback URL: {info.predict_url}")
    body = REVIEW.read_bytes()

    # Warm-up: one request per client starts the Lambda execution environments (cold starts not measured).
    _, warm_errors, warm_wall = run_load(info.predict_url, body, args.concurrency, args.concurrency)
    since = time.time()
    latencies, errors, wall = run_load(info.predict_url, body, args.requests, args.concurrency)
    time.sleep(1.0)  # LocalStack stores Lambda logs asynchronously
    records = handler_records(info, since)
    report: dict[str, Any] = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
        "warm_up": {"seconds": round(warm_wall, 2), "errors": len(warm_errors)},
        "throughput_rps": round(args.requests / wall, 1),
        "client_ms": summary(latencies),
        "handler_ms": summary([r["latency_ms"] for r in records]),
        "handler_endpoint_call_ms": summary([r["endpoint_ms"] for r in records if "endpoint_ms" in r]),
        "model_server_ms": summary(model_server_times(args.state_dir, info.endpoint_name, since)),
        "handler_records": len(records),
    }
    client, handler, model = report["client_ms"], report["handler_ms"], report["model_server_ms"]
    if client and handler and model:
        report["share_of_client_p50"] = {
            "model_server": round(model["p50"] / client["p50"], 3),
            "handler_total": round(handler["p50"] / client["p50"], 3),
            "localstack_and_network": round(1 - handler["p50"] / client["p50"], 3),
        }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
