"""``python -m training.remote`` (``make train-remote``): the same training entry point as a SageMaker training job.

It uploads the IMDB archive to S3 once (content-addressed by sha256, skipped when the object is already
there), starts a training job with the SageMaker Python SDK's ``ModelTrainer`` in the scikit-learn image
that serves the model (framework version 1.4-2), runs ``python -m training`` in it, streams the job's status
and logs, and prints the S3 URI of the ``model.tar.gz`` for Terraform's ``model_s3_uri``.

Why ``ModelTrainer``: SDK 3.x dropped ``Estimator`` and the framework estimators (``SKLearn``) for it; the 2.x
line that has them is no longer where new work goes. ``ModelTrainer`` runs a command of ours in any image,
so the job runs exactly ``python -m training``, reading the ``SM_*`` environment its driver sets.

The SDK needs boto3 >= 1.43, which clashes with the project's pin, so this module runs from its own venv
(``.venv-remote``, see the ``remote`` extra); it imports no scikit-learn.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from training import data

log = logging.getLogger(__name__)

FRAMEWORK_VERSION = "1.4-2"  # the serving image pin (terraform image_tag 1.4-2-cpu-py3)
# The scikit-learn image provides these; everything else in the `train` extra is installed in the job.
IMAGE_PROVIDES = {"scikit-learn", "numpy", "scipy", "joblib"}
HYPERPARAMETER_FLAGS = ("max_terms", "min_df", "ngram_max", "seed")
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
        default=Path(os.environ.get("IMDB_DATA", data.DEFAULT_ARCHIVE)),
        help="the IMDB archive to upload (its sha256 is checked)",
    )
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

    @property
    def input_prefix(self) -> str:
        """Data and the SDK's staged code live here (the training role reads it)."""
        return f"{self.prefix}/input"

    @property
    def output_path(self) -> str:
        """The job writes model.tar.gz and output.tar.gz under here (the training role writes it)."""
        return f"s3://{self.bucket}/{self.prefix}/output"

    def data_key(self, sha256: str) -> str:
        return f"{self.input_prefix}/data/{sha256[:16]}/{self.archive.name}"


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
    if not args.data.is_file():
        problems.append(f"--data {args.data} is not a file: pass the IMDB archive (.tar.gz)")
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
    )


def job_requirements(pyproject: Path = data.PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """The `train` extra's pins that the scikit-learn image does not already provide."""
    extras = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["train"]
    return [pin for pin in extras if re.split(r"[=<>!~\[ ]", pin, maxsplit=1)[0].lower() not in IMAGE_PROVIDES]


def stage_code(dest: Path) -> Path:
    """The job's source dir: the training package, the one tokeniser, and a requirements.txt."""
    root = data.PROJECT_ROOT
    (dest / "training").mkdir(parents=True)
    for path in sorted((root / "training").glob("*.py")):
        if path.name != "remote.py":  # the launcher itself stays here
            shutil.copy2(path, dest / "training" / path.name)
    (dest / "lambda_src").mkdir()
    for name in ("__init__.py", "tokenizer.py"):
        shutil.copy2(root / "lambda_src" / name, dest / "lambda_src" / name)
    (dest / "requirements.txt").write_text("\n".join(job_requirements()) + "\n", encoding="utf-8")
    return dest


def git_sha() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=data.PROJECT_ROOT, capture_output=True, text=True, timeout=5
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def upload_once(s3: Any, settings: JobSettings, sha256: str) -> str:
    """Upload the archive unless an object with the same sha256 metadata is already at its key; its S3 URI."""
    from botocore.exceptions import ClientError
    from tqdm.auto import tqdm

    key = settings.data_key(sha256)
    uri = f"s3://{settings.bucket}/{key}"
    try:
        head = s3.head_object(Bucket=settings.bucket, Key=key)
        if head.get("Metadata", {}).get("sha256") == sha256:
            print(f"data already in S3: {uri}", file=sys.stderr)
            return uri
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
    size = settings.archive.stat().st_size
    with tqdm(total=size, unit="B", unit_scale=True, desc=f"upload {settings.archive.name}") as bar:
        s3.upload_file(
            str(settings.archive), settings.bucket, key, ExtraArgs={"Metadata": {"sha256": sha256}}, Callback=bar.update
        )
    return uri


class _Captured(Exception):  # noqa: N818 - control flow, not an error
    """Raised from the dry run's hook once the CreateTrainingJob request is built, so nothing is sent."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__("CreateTrainingJob captured")
        self.request = request


@dataclass
class DryRunRecorder:
    """Intercepts every AWS call the SDK makes before it is signed or sent.

    The SDK's S3 uploads of the staged code are recorded and acknowledged (an empty PutObject answer, which
    decides nothing of ours); CreateTrainingJob is captured as the JSON body that would be sent and stops the
    run; any other call is refused, which the SDK either tolerates (its optional permission probes) or reports.
    """

    bucket: str
    uploads: list[str] = field(default_factory=list)
    command: str | None = None

    def __call__(self, event_name: str, model: Any, params: dict[str, Any], **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        ok = AWSResponse(None, 200, {}, None)
        operation = model.name
        if operation == "CreateTrainingJob":
            raise _Captured(json.loads(params["body"]))
        if operation == "PutObject":
            self.uploads.append(f"s3://{self.bucket}{params['url_path']}")
            if params["url_path"].endswith("/sm_drivers/sourcecode.json"):  # what the job's driver will run
                self.command = json.loads(params["body"].read()).get("command")
            return ok, {}
        if operation == "ListBuckets":  # the SDK checks that its staging bucket exists
            return ok, {"Buckets": [{"Name": self.bucket, "CreationDate": datetime.now(UTC)}]}
        raise RuntimeError(f"dry run: {event_name} not sent")


def _configure_sdk_logging() -> None:
    """Show the job's status and container log lines; hide the SDK's config lookups and its hint about SM_HPS.

    The SDK logs the job's progress through the ``sagemaker.core.resources`` logger and leaves configuration
    to the application; its config and utils loggers are told to keep quiet (errors still show).
    """
    import sagemaker.core.config.config  # noqa: F401 - sets its loggers' levels on import, so import first
    import sagemaker.core.resources  # noqa: F401

    logging.getLogger("sagemaker.config").setLevel(logging.WARNING)
    logging.getLogger("sagemaker.core.utils.utils").setLevel(logging.ERROR)
    progress = logging.getLogger("sagemaker.core.resources")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def build_trainer(settings: JobSettings, boto_session: Any, code_dir: Path, data_uri: str) -> tuple[Any, list[Any]]:
    """The ModelTrainer and its input channels: train and test both carry the archive (extracted once)."""
    from sagemaker.core import image_uris
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.train import ModelTrainer
    from sagemaker.train.configs import Compute, InputData, OutputDataConfig, SourceCode, StoppingCondition

    # Our config, not ~/.sagemaker or an admin's: the request depends on the options alone; no telemetry.
    config = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}
    session = Session(
        boto_session=boto_session,
        default_bucket=settings.bucket,
        default_bucket_prefix=settings.input_prefix,
        sagemaker_config=config,
    )
    image = image_uris.retrieve(
        "sklearn",
        region=settings.region,
        version=FRAMEWORK_VERSION,
        py_version="py3",
        instance_type=settings.instance_type,
        image_scope="training",
    )
    sha = git_sha()
    trainer = ModelTrainer(
        sagemaker_session=session,
        role=settings.role_arn,
        base_job_name=settings.job_name_prefix,
        training_image=image,
        source_code=SourceCode(
            source_dir=str(code_dir), requirements="requirements.txt", command="python -m training --verbose"
        ),
        compute=Compute(
            instance_type=settings.instance_type,
            instance_count=1,
            volume_size_in_gb=settings.volume_size,
            enable_managed_spot_training=settings.spot,
        ),
        stopping_condition=StoppingCondition(
            max_runtime_in_seconds=settings.max_runtime, max_wait_time_in_seconds=settings.max_wait
        ),
        output_data_config=OutputDataConfig(s3_output_path=settings.output_path),
        hyperparameters=settings.hyperparameters,
        environment={"TRAINING_GIT_SHA": sha} if sha else {},
    )
    channels = [InputData(channel_name=name, data_source=data_uri) for name in ("train", "test")]
    return trainer, channels


def dry_run(settings: JobSettings, sha256: str) -> dict[str, Any]:
    """The CreateTrainingJob request exactly as the SDK would send it; no credentials, nothing sent."""
    import boto3

    data_uri = f"s3://{settings.bucket}/{settings.data_key(sha256)}"
    print(f"dry run: would upload {settings.archive} to {data_uri} unless already there", file=sys.stderr)
    boto_session = boto3.Session(
        region_name=settings.region, aws_access_key_id="dry-run", aws_secret_access_key="dry-run"
    )
    recorder = DryRunRecorder(settings.bucket)
    boto_session.events.register("before-call", recorder)
    with tempfile.TemporaryDirectory() as tmp:
        trainer, channels = build_trainer(settings, boto_session, stage_code(Path(tmp) / "code"), data_uri)
        try:
            trainer.train(input_data_config=channels, wait=False, logs=False)
        except _Captured as captured:
            request = captured.request
        else:
            raise RuntimeError("the SDK returned without calling CreateTrainingJob")
    for uri in recorder.uploads:
        print(f"dry run: the SDK would upload {uri}", file=sys.stderr)
    print(f"dry run: the job would run `{recorder.command}` in the code channel", file=sys.stderr)
    return request


def run(settings: JobSettings, sha256: str) -> str:
    """Upload, start, follow the job to its end; the S3 URI of its model.tar.gz."""
    import boto3
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import ClientError
    from sagemaker.core.utils.exceptions import FailedStatusError

    boto_session = boto3.Session(region_name=settings.region)
    try:
        data_uri = upload_once(boto_session.client("s3"), settings, sha256)
    except (ClientError, S3UploadFailedError) as exc:
        raise SystemExit(
            f"error: cannot put the data into s3://{settings.bucket}/{settings.input_prefix}/: {exc}"
        ) from exc
    with tempfile.TemporaryDirectory() as tmp:
        trainer, channels = build_trainer(settings, boto_session, stage_code(Path(tmp) / "code"), data_uri)
        try:
            trainer.train(input_data_config=channels, wait=True, logs=True)
        except FailedStatusError as exc:
            raise SystemExit(f"error: training job failed: {exc}") from exc
        except ClientError as exc:  # e.g. AccessDenied, a role SageMaker cannot assume, a quota
            raise SystemExit(f"error: SageMaker refused the training job: {exc}") from exc
    job = trainer._latest_training_job  # the SDK's documented handle on the job it started
    job.refresh()
    if job.training_job_status != "Completed":
        raise SystemExit(f"error: training job {job.training_job_name} ended {job.training_job_status}")
    billable, seconds = job.billable_time_in_seconds, job.training_time_in_seconds
    if isinstance(billable, int) and isinstance(seconds, int) and seconds:
        saving = f", spot saving {1 - billable / seconds:.0%}" if settings.spot else ""
        print(f"job {job.training_job_name}: {seconds} s training, {billable} s billed{saving}", file=sys.stderr)
    return job.model_artifacts.s3_model_artifacts


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = settings_from(args)
    try:
        sha256 = data.verify_archive(settings.archive)
    except data.DataError as exc:
        raise SystemExit(f"error: {exc}") from exc
    # The SDK's client-side role check demands VPC and CloudWatch permissions that a least-privilege
    # training role without a VPC does not have; SageMaker itself validates the role on CreateTrainingJob.
    os.environ.setdefault("SAGEMAKER_VALIDATE_ROLE", "false")
    _configure_sdk_logging()
    if args.dry_run:
        print(json.dumps(dry_run(settings, sha256), indent=2, sort_keys=True))
        return 0
    model_uri = run(settings, sha256)
    print(f"model artifact: {model_uri}", file=sys.stderr)
    print(f'deploy it: terraform -chdir=terraform apply -var model_s3_uri="{model_uri}"', file=sys.stderr)
    print(model_uri)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
