"""``python -m scoring --remote``: score reviews as a SageMaker Batch Transform job with the deployed model.

A local input (JSON Lines, CSV or a folder of .txt files, read by the same readers as the local path) is
converted to JSON Lines parts, one per instance, and uploaded under the job's input prefix; an ``s3://``
input is used as it is. The job runs the Terraform-made transform model; the command waits while showing
its status, prints the output prefix, and with ``--download`` assembles the ``.out`` objects into one
JSON Lines file in input order (records the model could not score go to the errors file, as locally).
``--dry-run`` prints the CreateTransformJob request, checked against botocore's API model, and sends
nothing (no credentials needed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from tqdm.auto import tqdm

from scoring import transform_job
from scoring.output_files import OutputError, check_outputs
from scoring.readers import FORMATS, InputError, Malformed, detect_format, progress_total, read_records
from scoring.writers import ErrorsWriter, JsonLinesWriter, default_errors_path

EXAMPLES = """\
The model, prefixes and job name prefix come from the Terraform root applied with -var batch_transform={}:
  export SCORE_MODEL_NAME=$(terraform -chdir=terraform output -raw transform_model_name)
  export SCORE_INPUT_PREFIX=$(terraform -chdir=terraform output -raw transform_input_s3_uri)
  export SCORE_OUTPUT_PREFIX=$(terraform -chdir=terraform output -raw transform_output_s3_uri)

examples:
  make score-remote INPUT=reviews.csv OUTPUT=scores.jsonl
  python -m scoring --remote reviews.jsonl --download scores.jsonl --instance-count 2
  python -m scoring --remote s3://my-bucket/batch-transform/input/reviews/ --instance-type ml.c5.xlarge
  python -m scoring --remote reviews.jsonl --dry-run
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scoring --remote",
        description="Score reviews as a SageMaker Batch Transform job with the deployed model: upload, run, "
        "wait, and print (or --download) the results.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--remote", action="store_true", required=True, help=argparse.SUPPRESS)
    # `make score ARGS=--remote` also passes the local --model; the job runs the deployed --model-name instead.
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "input", help="a JSON Lines or CSV file or a folder of .txt files to upload, or an s3:// prefix"
    )
    env = os.environ.get
    parser.add_argument(
        "--model-name", default=env("SCORE_MODEL_NAME"), help="SageMaker model (default $SCORE_MODEL_NAME)"
    )
    parser.add_argument(
        "--input-prefix",
        default=env("SCORE_INPUT_PREFIX"),
        help="s3://bucket/prefix/ to upload under ($SCORE_INPUT_PREFIX)",
    )
    parser.add_argument(
        "--output-prefix",
        default=env("SCORE_OUTPUT_PREFIX"),
        help="s3://bucket/prefix/ for results ($SCORE_OUTPUT_PREFIX)",
    )
    parser.add_argument(
        "--job-name-prefix",
        default=env("SCORE_JOB_NAME_PREFIX", "imdb-sentiment-score"),
        help="jobs are named PREFIX-YYYYMMDDHHMMSS (default %(default)s)",
    )
    parser.add_argument("--instance-type", default="ml.m5.large", help="default %(default)s")
    parser.add_argument(
        "--instance-count", type=int, default=1, help="instances; the input is split into as many parts"
    )
    parser.add_argument(
        "--max-payload-mb",
        type=int,
        default=transform_job.MAX_PAYLOAD_MB,
        help="MultiRecord mini-batch size (default and maximum %(default)s: the model's body limit)",
    )
    parser.add_argument("--max-concurrent-transforms", type=int, default=2, help="requests at a time per instance")
    parser.add_argument(
        "--download",
        "-o",
        "--output",
        dest="download",
        type=Path,
        help="assemble the results into this JSON Lines file (and an errors file beside it)",
    )
    parser.add_argument(
        "--errors",
        type=Path,
        help="errors file; default: DOWNLOAD with .errors.jsonl, else <job name>.errors.jsonl here",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace DOWNLOAD and the errors file if they exist (never the input)"
    )
    parser.add_argument("--format", choices=FORMATS, help="input format; default: from the name")
    parser.add_argument("--explain", action="store_true", help="add the terms that pushed each score each way")
    parser.add_argument("--region", default=env("AWS_REGION") or env("AWS_DEFAULT_REGION") or "us-east-1")
    parser.add_argument("--endpoint-url", default=env("AWS_ENDPOINT_URL"), help="another AWS endpoint (LocalStack)")
    parser.add_argument("--poll-seconds", type=float, default=15.0, help="seconds between status checks")
    parser.add_argument("--dry-run", action="store_true", help="print the CreateTransformJob request; send nothing")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def _settings(args: argparse.Namespace) -> transform_job.JobSettings:
    problems = []
    if not transform_job.JOB_PREFIX_RE.match(args.job_name_prefix):
        problems.append(f"--job-name-prefix {args.job_name_prefix!r}: 1-48 letters, digits and hyphens")
    s3_input = args.input.startswith("s3://")
    if s3_input and not transform_job.S3_PREFIX_RE.match(args.input if args.input.endswith("/") else args.input + "/"):
        problems.append(f"input {args.input!r} is not an s3://bucket/prefix URI")
    if not s3_input and not Path(args.input).exists():
        problems.append(f"input not found: {args.input}")
    name = transform_job.job_name(args.job_name_prefix if not problems else "x")
    settings = transform_job.JobSettings(
        model_name=args.model_name or "",
        input_prefix=args.input_prefix or "",
        output_prefix=args.output_prefix or "",
        job_name=name,
        instance_type=args.instance_type,
        instance_count=args.instance_count,
        max_payload_mb=args.max_payload_mb,
        max_concurrent_transforms=args.max_concurrent_transforms,
    )
    problems += transform_job.check_settings(settings)
    if problems:
        raise SystemExit("error: " + "\nerror: ".join(problems))
    return settings


def _check_paths(args: argparse.Namespace, settings: transform_job.JobSettings) -> tuple[Path | None, Path]:
    """(download file or None, errors file), resolved and checked before anything is uploaded or opened."""
    outputs = {"--download": args.download} if args.download else {}
    default_errors = default_errors_path(args.download) if args.download else Path(f"{settings.job_name}.errors.jsonl")
    outputs["--errors" if args.errors else "the errors file"] = args.errors or default_errors
    inputs = [] if args.input.startswith("s3://") else [Path(args.input)]
    try:
        checked = list(check_outputs(inputs, outputs, args.overwrite).values())
    except OutputError as exc:
        raise SystemExit(f"error: {exc}") from None
    return (checked[0] if args.download else None), checked[-1]


def _clients(args: argparse.Namespace, dry_run: bool) -> tuple[object, object]:
    import boto3

    credentials = {"aws_access_key_id": "dry-run", "aws_secret_access_key": "dry-run"} if dry_run else {}
    session = boto3.Session(region_name=args.region, **credentials)
    return (
        session.client("sagemaker", endpoint_url=args.endpoint_url),
        session.client("s3", endpoint_url=args.endpoint_url),
    )


def _request_for(args: argparse.Namespace, settings: transform_job.JobSettings) -> dict:
    request = transform_job.create_request(settings)
    if args.input.startswith("s3://"):  # already in S3: the job reads it where it is
        request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] = args.input
    return request


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    settings = _settings(args)
    download, errors_path = _check_paths(args, settings)
    sagemaker, s3 = _clients(args, args.dry_run)
    request = _request_for(args, settings)
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    try:
        transform_job.validate_request(sagemaker, request)
    except ParamValidationError as error:
        raise SystemExit(f"error: {error}") from error
    if args.dry_run:
        if not args.input.startswith("s3://"):
            print(f"dry run: would upload {args.input} as JSON Lines under {settings.input_uri}", file=sys.stderr)
        print(json.dumps(request, indent=2, sort_keys=True))
        return 0
    try:
        with ErrorsWriter(errors_path, args.overwrite) as errors:
            if not args.input.startswith("s3://"):
                reviews = _upload(args, settings, s3, errors)
                print(
                    f"uploaded {reviews:,} reviews to {settings.input_uri} "
                    f"({errors.count:,} malformed in {errors_path})",
                    file=sys.stderr,
                )
                if not reviews:
                    raise SystemExit("error: no review to score in the input")
            sagemaker.create_transform_job(**request)
            print(
                f"started transform job {settings.job_name} ({settings.instance_count} x {settings.instance_type})",
                file=sys.stderr,
            )
            try:
                description = transform_job.wait(
                    sagemaker, settings.job_name, args.poll_seconds, transform_job.show_status
                )
            except KeyboardInterrupt:
                sagemaker.stop_transform_job(TransformJobName=settings.job_name)
                raise SystemExit(f"interrupted: asked SageMaker to stop {settings.job_name}") from None
            if description["TransformJobStatus"] != "Completed":
                reason = description.get("FailureReason", "no reason given")
                raise SystemExit(
                    f"error: transform job {settings.job_name} {description['TransformJobStatus']}: {reason}"
                )
            if download:
                _download(s3, settings, download, errors, args.overwrite)
            errors.commit()
    except (BotoCoreError, ClientError, S3UploadFailedError, OutputError) as error:
        raise SystemExit(f"error: {error}") from error
    print(settings.output_uri)
    return 0


def _upload(args: argparse.Namespace, settings: transform_job.JobSettings, s3: object, errors: ErrorsWriter) -> int:
    path = Path(args.input)
    try:
        input_format = args.format or detect_format(path)
        records = read_records(path, input_format)
        total = progress_total(path, input_format)
    except InputError as exc:
        raise SystemExit(f"error: {exc}") from exc
    unit = ("file", False) if input_format == "txt" else ("B", True)
    bar = tqdm(total=total, unit=unit[0], unit_scale=unit[1], desc="convert", disable=True if args.quiet else None)
    with bar, tempfile.TemporaryDirectory(prefix="score-remote-") as workdir:
        return transform_job.upload_parts(
            s3, records, settings, settings.instance_count, total, args.explain, errors.write, bar, Path(workdir)
        )


def _download(
    s3: object, settings: transform_job.JobSettings, target: Path, errors: ErrorsWriter, overwrite: bool
) -> None:
    """The ``.out`` objects as one JSON Lines file in input order; per-record errors to the errors file."""
    bucket, _ = transform_job.split_s3_uri(settings.output_uri)
    keys = transform_job.output_keys(s3, settings)
    with JsonLinesWriter(target, overwrite) as scores:
        for key, number, line in transform_job.downloaded_lines(s3, bucket, keys):
            if "error" in line:  # where: the uploaded part and its line (the .out has one line per input line)
                where = f"{key.removesuffix('.out')} line {number}"
                errors.write(Malformed(number, f"{line['error']}: {line.get('message', '')}", where, line.get("id")))
            else:
                scores.write(line)
        scores.commit()
    print(f"downloaded {scores.count:,} scores to {target} ({errors.count:,} errors in {errors.path})", file=sys.stderr)
