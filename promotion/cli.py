"""Command line: ``python -m promotion MODEL`` (``make promote``).

Exit status: 0 the package is Approved (or, with ``--package``, its status was changed), 3 it is Rejected,
2 bad input (missing or unreadable archive or evaluation set, no such group, bucket or package, a registry or
S3 call refused). ``--dry-run`` scores and decides without uploading or registering anything.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from promotion import challenger, evaluation, gate, lineage, local_stack, registry, store
from promotion.image import DEFAULT_TAG, UnknownRegionError, image_uri
from training.datasets.options import DataOptions

REJECTED_EXIT = 3
BAD_INPUT_EXIT = 2
EXPECTED = (
    evaluation.EvaluationError,
    registry.RegistryError,
    store.StoreError,
    UnknownRegionError,
    local_stack.NoLocalStackError,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m promotion",
        description="Register a trained model.tar.gz as a new package version in a SageMaker model package group, "
        "with its metrics and lineage, and decide its approval: compared with the group's latest approved package "
        "on the same evaluation set (paired: McNemar's exact test and a non-inferiority bound with --tolerance), "
        "or, for the group's first package, against --floor. Exit 0 Approved, 3 Rejected, 2 bad input.",
        epilog="examples:\n"
        "  python -m promotion artifacts/model.tar.gz --local-stack\n"
        "  python -m promotion artifacts/model.tar.gz --group sentiment --bucket my-models --dry-run\n"
        "  python -m promotion artifacts/model.tar.gz --group sentiment --bucket my-models --reject --reason 'bias'\n"
        "  python -m promotion --package arn:aws:sagemaker:...:model-package/sentiment/3 --reject --reason rollback",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", nargs="?", type=Path, help="the model.tar.gz of `make train` to register")
    parser.add_argument(
        "--package",
        help="change the approval of this existing package ARN instead (with --approve or "
        "--reject): a rollback rejects the newest approved package or approves an older one",
    )
    parser.add_argument("--group", help="model package group name (default with --local-stack: its output)")
    parser.add_argument("--bucket", help="bucket for the archive and the metrics (default with --local-stack)")
    parser.add_argument(
        "--local-stack",
        action="store_true",
        help="use the stack of `make up`: its LocalStack endpoint and outputs model_package_group_name "
        "and bucket_name (unless --group/--bucket say otherwise)",
    )
    parser.add_argument("--endpoint-url", help="another AWS endpoint; default $AWS_ENDPOINT_URL")
    parser.add_argument("--region", help="AWS region; default the session's")
    parser.add_argument("--image-tag", default=DEFAULT_TAG, help="sagemaker-scikit-learn serving image tag")
    parser.add_argument(
        "--test", type=Path, help="evaluation set in any format training reads (default the official IMDB test split)"
    )
    parser.add_argument("--text-column", default="text", help="text column or key of --test")
    parser.add_argument("--label-column", default="label", help="label column or key of --test")
    parser.add_argument("--positive-label", help="the positive label value of --test (default: detected)")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=gate.DEFAULT_TOLERANCE,
        help="accuracy the challenger may lose against the champion (default %(default)s)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=gate.DEFAULT_ALPHA,
        help="one-sided level of the non-inferiority bound (default %(default)s)",
    )
    parser.add_argument(
        "--floor",
        type=float,
        default=gate.DEFAULT_FLOOR,
        help="accuracy the group's first package must reach (default %(default)s)",
    )
    override = parser.add_mutually_exclusive_group()
    override.add_argument("--approve", action="store_true", help="manual override: approve whatever the gate says")
    override.add_argument("--reject", action="store_true", help="manual override: reject whatever the gate says")
    parser.add_argument("--reason", help="why, for --approve/--reject (required there; recorded in the package)")
    parser.add_argument("--dry-run", action="store_true", help="print the decision; upload and register nothing")
    return parser


def _check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    overriding = args.approve or args.reject
    if overriding and not (args.reason and args.reason.strip()):
        parser.error("--approve and --reject need --reason TEXT (it is recorded in the package)")
    if args.reason and not overriding:
        parser.error("--reason goes with --approve or --reject")
    if args.package:
        if args.model is not None or not overriding:
            parser.error("--package ARN takes --approve or --reject, and no MODEL")
        return
    if args.model is None:
        parser.error("give the MODEL to register (or --package ARN to change an existing one)")
    if args.tolerance < 0 or not 0 < args.alpha < 1 or not 0 <= args.floor <= 1:
        parser.error("need --tolerance >= 0, 0 < --alpha < 1 and 0 <= --floor <= 1")


def _clients(args: argparse.Namespace) -> tuple[Any, Any, Any, str]:
    """SageMaker, S3 and STS clients and the region; the local stack's endpoint and credentials with --local-stack."""
    import boto3

    settings: dict[str, Any] = {"endpoint_url": args.endpoint_url}
    region = args.region
    if args.local_stack:
        stack = local_stack.load()
        settings = {"endpoint_url": args.endpoint_url or stack.endpoint_url, **local_stack.CREDENTIALS}
        region = region or local_stack.REGION
        if not args.package:  # changing a package by its ARN needs neither
            args.group = args.group or stack.output("model_package_group_name")
            args.bucket = args.bucket or stack.output("bucket_name")
    session = boto3.session.Session(region_name=region)
    if session.region_name is None:
        raise registry.RegistryError("no AWS region: pass --region or set AWS_REGION")
    make = lambda service: session.client(service, **settings)  # noqa: E731
    return make("sagemaker"), make("s3"), make("sts"), session.region_name


def _who(sts: Any) -> str:
    """Who overrides: the caller's IAM identity, else the local user name."""
    try:
        return sts.get_caller_identity()["Arn"]
    except (ClientError, BotoCoreError):  # an identity is a record, not a requirement
        return getpass.getuser()


def _override(args: argparse.Namespace, sts: Any) -> tuple[str, dict[str, str]] | None:
    if not (args.approve or args.reject):
        return None
    status = gate.APPROVED if args.approve else gate.REJECTED
    who = _who(sts)
    return status, {
        "override": status,
        "override_by": lineage.clean(who),
        "override_reason": lineage.clean(args.reason.strip()),
        "override_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _change_package(args: argparse.Namespace, sagemaker: Any, sts: Any) -> int:
    status, properties = _override(args, sts)
    before = registry.describe(sagemaker, args.package)
    who, reason = properties["override_by"], args.reason.strip()
    description = f"Manual override to {status} by {who}: {reason} (was {before.status})"
    after = registry.set_approval(sagemaker, args.package, status, description, properties)
    print(f"{after.arn}: {before.status} -> {after.status} ({description})")
    return 0


def _decide(
    args: argparse.Namespace, sagemaker: Any, s3: Any, evaluated: evaluation.EvaluationSet, scored: evaluation.Scored
) -> tuple[gate.Decision, registry.Package | None, str | None]:
    """The gate's decision; the champion compared with and its model version (None for the first package)."""
    champion = registry.latest_approved(sagemaker, args.group) if args.group else None
    if champion is None:
        return gate.decide_first(scored.correct, args.floor), None, None
    with tempfile.TemporaryDirectory(prefix="promotion-champion-") as folder:
        champion_scored = evaluation.score(challenger.fetch_champion(s3, champion, Path(folder)), evaluated)
    name = f"champion v{champion.version} ({champion_scored.model_version})"
    decision = gate.decide(champion_scored.correct, scored.correct, args.tolerance, args.alpha, name)
    return decision, champion, champion_scored.model_version


def _register(args: argparse.Namespace) -> int:
    if not args.model.is_file():
        raise evaluation.EvaluationError(f"model not found: {args.model} (run `make train`, or pass its path)")
    if not args.dry_run and args.group is None and not args.local_stack:
        raise registry.RegistryError("no model package group: pass --group (make promote GROUP=...) or --local-stack")
    needs_aws = args.group is not None or args.local_stack or not args.dry_run
    sagemaker, s3, sts, region = _clients(args) if needs_aws else (None, None, None, "")
    if args.group:
        registry.check_group(sagemaker, args.group)
    if not args.dry_run and not args.bucket:
        raise store.StoreError("no bucket for the archive: pass --bucket (make promote BUCKET=...)")
    source = lineage.read(args.model)
    options = DataOptions(
        text_column=args.text_column, label_column=args.label_column, positive_label=args.positive_label
    )
    evaluated = evaluation.load_set(args.test, options)
    scored = evaluation.score(args.model, evaluated)
    decision, champion, champion_version = _decide(args, sagemaker, s3, evaluated, scored)
    override = _override(args, sts)
    status = override[0] if override else decision.status
    description = decision.reason
    if override:
        who, reason = override[1]["override_by"], args.reason.strip()
        description = f"Manual override to {status} by {who}: {reason}. Gate: {decision.reason}"
    print(description)
    if args.dry_run:
        print("dry run: nothing uploaded or registered")
        return 0 if status == gate.APPROVED else REJECTED_EXIT

    properties = {
        **source.properties(),
        "evaluation_set": lineage.clean(evaluated.name),
        "evaluation_sha256": evaluated.sha256,
        "evaluation_rows": str(evaluated.rows),
        "champion_package": lineage.clean(champion.arn if champion else None),
        "champion_model_version": lineage.clean(champion_version),
        "gate_status": decision.status,
        **{f"gate_{key}": lineage.clean(_figure(value)) for key, value in decision.figures.items()},
        **(override[1] if override else {}),
    }
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "model_version": source.model_version,
        "lineage": asdict(source),
        "evaluation": {"name": evaluated.name, "sha256": evaluated.sha256, "rows": evaluated.rows},
        "gate": {"status": decision.status, "reason": decision.reason, "figures": decision.figures},
        "champion": {"package": champion.arn, "model_version": champion_version} if champion else None,
        "override": override[1] if override else None,
        "status": status,
    }
    body = json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    archive_url = store.upload_archive(s3, args.bucket, args.model, source.model_version, source.archive_sha256)
    metrics_url, metrics_sha = store.upload_document(
        s3, args.bucket, store.evaluation_key(source.model_version, stamp), body
    )
    arn = registry.register(
        sagemaker,
        args.group,
        image_uri(region, args.image_tag),
        archive_url,
        metrics_url,
        metrics_sha,
        properties,
        f"model {source.model_version} (git {source.git_commit or 'unknown'}), accuracy {scored.accuracy:.4f} "
        f"on {evaluated.name}",
    )
    package = registry.set_approval(sagemaker, arn, status, description, properties)
    print(f"registered {package.arn} as {package.status}; archive {archive_url}; metrics {metrics_url}")
    return 0 if package.status == gate.APPROVED else REJECTED_EXIT


def _figure(value: float | int) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    _check(args, parser)
    try:
        if args.package:
            sagemaker, _, sts, _ = _clients(args)
            return _change_package(args, sagemaker, sts)
        return _register(args)
    except EXPECTED as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT_EXIT
