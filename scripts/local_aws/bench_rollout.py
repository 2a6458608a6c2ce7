"""What clients wait during a rollout, against steady state, measured side by side in one run.

Against the running local stack (`make up`): continuous traffic from ``--clients`` clients, first for
``--steady-seconds`` with nothing changing, then through a rollout to another model with another
vocabulary (``--model``, ``--lambda-zip``; the endpoint update takes ``--update-seconds``, as it takes
minutes on AWS), then back to the stack's own model and Lambda. During the rollouts some answers come
through the Lambda's raw-text fallback (the handler's log lines say which). Reported: client p50/p99 and
errors of each phase, their ratio, and the fallback answers' share and handler timings.

Loopback only. ``make bench-rollout`` builds the second model (``python -m training --quick``) and runs it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from scripts.local_aws import emulation, stack
from scripts.local_aws.bench import handler_records, summary
from scripts.local_aws.layout import DEFAULT_PORT, DEFAULT_STATE_DIR, Layout
from scripts.local_aws.traffic import Answer, Traffic

REVIEW_FILE = Path(__file__).resolve().parents[2] / "tests" / "events" / "review_230_words.txt"


def phase(answers: list[Answer], seconds: float) -> dict[str, Any]:
    ok = [a.ms for a in answers if a.status == 200]
    return {
        "seconds": round(seconds, 1),
        "requests": len(answers),
        "errors": len(answers) - len(ok),
        "client_ms": summary(ok),
        "model_versions": sorted({a.body["model_version"] for a in answers if a.status == 200 and a.body}),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.local_aws.bench_rollout", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--model", type=Path, required=True, help="model.tar.gz with another vocabulary")
    parser.add_argument("--lambda-zip", type=Path, required=True, help="the Lambda package of that vocabulary")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--steady-seconds", type=float, default=30.0, help="steady-state phase")
    parser.add_argument("--update-seconds", type=float, default=20.0, help="emulated endpoint update time")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="state directory of the stack")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="its LocalStack gateway port")
    parser.add_argument("--json", type=Path, help="also write the report here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    layout = Layout(state=args.state_dir.resolve(), port=args.port)
    info = stack.StackInfo.load(layout.stack_file)
    if info is None:
        raise SystemExit(f"no running stack in {args.state_dir}: run `make up` first")
    for path in (args.model, args.lambda_zip):
        if not path.is_file():
            raise SystemExit(f"{path} not found")
    deployed = json.loads(layout.tfvars.read_text())
    review = REVIEW_FILE.read_text(encoding="utf-8")
    started_at = time.time()
    with Traffic(info.predict_url, [review], args.clients) as traffic:
        steady_start = time.monotonic()
        time.sleep(args.steady_seconds)
        rollout_start = time.monotonic()
        with emulation.slow_sagemaker(layout, update_seconds=args.update_seconds):
            stack.apply(layout, {"model_artifact_path": str(args.model.resolve()),
                                 "lambda_zip_path": str(args.lambda_zip.resolve())})  # fmt: skip
            stack.apply(layout, {key: deployed[key] for key in ("model_artifact_path", "lambda_zip_path")})
        rollout_end = time.monotonic()
    steady = [a for a in traffic.answers if steady_start <= a.sent < rollout_start]
    rollout = [a for a in traffic.answers if rollout_start <= a.sent < rollout_end]
    time.sleep(1.0)  # LocalStack stores Lambda logs asynchronously
    records = [r for r in handler_records(info, started_at) if r.get("status") == 200]
    fallback = [r for r in records if r.get("text_fallback")]
    report: dict[str, Any] = {
        "clients": args.clients,
        "update_seconds": args.update_seconds,
        "steady": phase(steady, rollout_start - steady_start),
        "rollout": phase(rollout, rollout_end - rollout_start),
        "fallback_answers": len(fallback),
        "fallback_handler_ms": summary([r["latency_ms"] for r in fallback]),
        "vector_handler_ms": summary([r["latency_ms"] for r in records if not r.get("text_fallback")]),
    }
    steady_ms, rollout_ms = report["steady"]["client_ms"], report["rollout"]["client_ms"]
    if steady_ms and rollout_ms:
        report["rollout_vs_steady"] = {q: round(rollout_ms[q] / steady_ms[q], 2) for q in ("p50", "p99")}
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 1 if report["steady"]["errors"] or report["rollout"]["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
