"""The command line of ``python -m training.remote`` and its checks, made before anything is uploaded or started."""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training import data

HYPERPARAMETER_FLAGS = ("max_terms", "min_df", "ngram_max", "seed", "min_rows_per_class")
# Your own data's options, passed to the job's `python -m training` as hyperparameters when given.
DATA_FLAGS = ("text_column", "label_column", "positive_label", "test_fraction")
DATA_FILES = (".csv", ".jsonl", ".ndjson", ".parquet", ".pq")
JOB_PREFIX_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,47}$")  # + "-YYYYMMDDHHMMSS" stays within 63
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ROLE_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
INSTANCE_RE = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")
MAX_RUNTIME_LIMIT = 28 * 24 * 3600  # SageMaker's upper bound for MaxRuntimeInSeconds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training.remote",
        description="Train the model as a SageMaker training job (managed spot by default) with the same "
        "`python -m training` entry point, and print the S3 URI of model.tar.gz for Terraform's model_s3_uri.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--bucket", default=os.environ.get("TRAINING_BUCKET"), help="S3 bucket for data, code and output"
    )
    parser.add_argument("--prefix", default="imdb-sentiment/training", help="key prefix in the bucket")
    parser.add_argument(
        "--role-arn",
        default=os.environ.get("SAGEMAKER_ROLE_ARN"),
        help="execution role of the job (terraform output training_role_arn); default $SAGEMAKER_ROLE_ARN",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        help="AWS region; default $AWS_REGION or $AWS_DEFAULT_REGION",
    )
    parser.add_argument("--instance-type", default="ml.m5.large", help="training instance (the full run needs ~2 GB)")
    parser.add_argument("--volume-size", type=int, default=10, help="instance storage in GB")
    parser.add_argument(
        "--spot",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="managed spot training (checkpoints off: an interrupted run restarts from scratch)",
    )
    parser.add_argument("--max-runtime", type=int, default=3600, help="stop the job after this many seconds")
    parser.add_argument(
        "--max-wait",
        type=int,
        default=None,
        help="spot only: give up after this many seconds of waiting plus running (>= --max-runtime); "
        "default twice --max-runtime",
    )
    parser.add_argument("--job-name-prefix", default="imdb-sentiment", help="the job is named PREFIX-YYYYMMDDHHMMSS")
    parser.add_argument(
        "--data",
        type=Path,
        default=data.configured_archive(),
        help="the data to upload: the IMDB archive (its sha256 is checked) or a .csv, .jsonl or .parquet file",
    )
    parser.add_argument("--test", type=Path, help="a test file in the format of --data (else a stratified split)")
    parser.add_argument("--text-column", help="hyperparameter text-column (default: the entry point's, text)")
    parser.add_argument("--label-column", help="hyperparameter label-column (default: label)")
    parser.add_argument("--positive-label", help="hyperparameter positive-label")
    parser.add_argument("--test-fraction", type=float, help="hyperparameter test-fraction (default 0.2)")
    parser.add_argument("--min-rows-per-class", type=int, help="hyperparameter min-rows-per-class (default 10)")
    parser.add_argument("--quick", action="store_true", help="hyperparameter quick=true: a small smoke run")
    parser.add_argument("--max-terms", type=int, help="hyperparameter max-terms (default: the entry point's)")
    parser.add_argument("--min-df", type=int, help="hyperparameter min-df")
    parser.add_argument("--ngram-max", type=int, help="hyperparameter ngram-max")
    parser.add_argument("--seed", type=int, help="hyperparameter seed")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the CreateTrainingJob request the SDK builds, as JSON, and send nothing (no credentials needed)",
    )
    return parser


@dataclass(frozen=True)
class JobSettings:
    """The validated options: everything that shapes the training job request."""

    bucket: str
    prefix: str
    role_arn: str
    region: str
    instance_type: str
    volume_size: int
    spot: bool
    max_runtime: int
    max_wait: int | None
    job_name_prefix: str
    archive: Path
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    test: Path | None = None

    @property
    def input_prefix(self) -> str:
        """Data and the SDK's staged code live here (the training role reads it)."""
        return f"{self.prefix}/input"

    @property
    def output_path(self) -> str:
        """The job writes model.tar.gz and output.tar.gz under here (the training role writes it)."""
        return f"s3://{self.bucket}/{self.prefix}/output"

    def data_key(self, sha256: str, path: Path | None = None) -> str:
        """Content-addressed: the same file is uploaded once, whatever its name; the name is kept for the channel."""
        return f"{self.input_prefix}/data/{sha256[:16]}/{(path or self.archive).name}"

    @property
    def is_imdb(self) -> bool:
        return self.archive.name.endswith((".tar.gz", ".tgz"))


def settings_from(args: argparse.Namespace) -> JobSettings:
    """Check every option before anything is uploaded or started; errors name the option and the fix."""
    problems = []
    if not args.bucket:
        problems.append("--bucket is required (or set TRAINING_BUCKET)")
    elif not BUCKET_RE.match(args.bucket):
        problems.append(f"--bucket {args.bucket!r} is not an S3 bucket name")
    if not args.role_arn:
        problems.append("--role-arn is required (or set SAGEMAKER_ROLE_ARN); see terraform output training_role_arn")
    elif not ROLE_RE.match(args.role_arn):
        problems.append(f"--role-arn {args.role_arn!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    prefix = args.prefix.strip("/")
    if not prefix or "//" in prefix:
        problems.append(f"--prefix {args.prefix!r} must be a non-empty S3 key prefix")
    if not INSTANCE_RE.match(args.instance_type):
        problems.append(f"--instance-type {args.instance_type!r} is not a SageMaker instance type such as ml.m5.large")
    if not JOB_PREFIX_RE.match(args.job_name_prefix):
        problems.append(
            f"--job-name-prefix {args.job_name_prefix!r}: use 1-48 letters, digits and hyphens, "
            "starting and ending with a letter or digit"
        )
    if not 1 <= args.volume_size <= 16384:
        problems.append(f"--volume-size must be 1-16384 GB, got {args.volume_size}")
    if not 1 <= args.max_runtime <= MAX_RUNTIME_LIMIT:
        problems.append(f"--max-runtime must be 1-{MAX_RUNTIME_LIMIT} seconds, got {args.max_runtime}")
    max_wait = None
    if args.spot:
        max_wait = args.max_wait if args.max_wait is not None else 2 * args.max_runtime
        if max_wait < args.max_runtime:
            problems.append(f"--max-wait ({max_wait}) must be at least --max-runtime ({args.max_runtime})")
        elif max_wait > MAX_RUNTIME_LIMIT:
            problems.append(f"--max-wait must be at most {MAX_RUNTIME_LIMIT} seconds, got {max_wait}")
    elif args.max_wait is not None:
        problems.append("--max-wait applies to managed spot training only; drop it or drop --no-spot")
    hyperparameters: dict[str, Any] = {"quick": True} if args.quick else {}
    for name in HYPERPARAMETER_FLAGS:
        value = getattr(args, name)
        if value is not None:
            if value < (0 if name == "seed" else 1):
                problems.append(f"--{name.replace('_', '-')} must be at least {0 if name == 'seed' else 1}")
            hyperparameters[name.replace("_", "-")] = value
    for name in DATA_FLAGS:
        value = getattr(args, name)
        if value is not None:
            hyperparameters[name.replace("_", "-")] = value
    if args.test_fraction is not None and not 0 < args.test_fraction < 1:
        problems.append(f"--test-fraction must be between 0 and 1, got {args.test_fraction}")
    for option, path in (("--data", args.data), ("--test", args.test)):
        if path is None:
            continue
        if path.is_dir():
            problems.append(
                f"{option} {path} is a folder: a job takes one file; write it as .csv, .jsonl or .parquet "
                "(or train here with `make train DATA=...`)"
            )
        elif not path.is_file():
            problems.append(f"{option} {path} is not a file: pass the IMDB archive (.tar.gz) or a .csv/.jsonl/.parquet")
        elif not path.name.endswith((".tar.gz", ".tgz", *DATA_FILES)):
            problems.append(f"{option} {path}: unknown format; use the IMDB archive or a .csv, .jsonl or .parquet file")
    if problems:
        raise SystemExit("error: " + "\nerror: ".join(problems))
    return JobSettings(
        bucket=args.bucket,
        prefix=prefix,
        role_arn=args.role_arn,
        region=args.region,
        instance_type=args.instance_type,
        volume_size=args.volume_size,
        spot=args.spot,
        max_runtime=args.max_runtime,
        max_wait=max_wait,
        job_name_prefix=args.job_name_prefix,
        archive=args.data,
        hyperparameters=hyperparameters,
        test=args.test,
    )
