"""``main`` of ``python -m training.remote``: check the options and the archive, then run the job or the dry run."""

from __future__ import annotations

import json
import logging
import os
import sys

from training import data
from training.remote.dry_run import dry_run
from training.remote.options import build_parser, settings_from
from training.remote.sdk import configure_sdk_logging, run


def main(argv: list[str] | None = None) -> int:
    """Every option and the archive's sha256 are checked before the SDK is configured or anything is sent."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = settings_from(args)
    try:  # the IMDB archive must be a known one; your own files are identified by their sha256 alone
        sha256 = data.verify_archive(settings.archive) if settings.is_imdb else data.sha256_of(settings.archive)
        test_sha256 = data.sha256_of(settings.test) if settings.test else None
    except data.DataError as exc:
        raise SystemExit(f"error: {exc}") from exc
    # The SDK's client-side role check demands VPC and CloudWatch permissions that a least-privilege
    # training role without a VPC does not have; SageMaker itself validates the role on CreateTrainingJob.
    os.environ.setdefault("SAGEMAKER_VALIDATE_ROLE", "false")
    configure_sdk_logging()
    if args.dry_run:
        print(json.dumps(dry_run(settings, sha256, test_sha256), indent=2, sort_keys=True))
        return 0
    model_uri = run(settings, sha256, test_sha256)
    print(f"model artifact: {model_uri}", file=sys.stderr)
    print(f'deploy it: terraform -chdir=terraform apply -var model_s3_uri="{model_uri}"', file=sys.stderr)
    print(model_uri)
    return 0
