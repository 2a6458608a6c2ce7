"""The SageMaker SDK side: upload the data once, build the ModelTrainer, start and follow the job.

The SDK is imported inside the functions: the options and staging modules (and their tests) need no SDK.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from training.remote.options import JobSettings
from training.remote.staging import git_sha, stage_code

FRAMEWORK_VERSION = "1.4-2"  # the serving image pin (terraform image_tag 1.4-2-cpu-py3)


def upload_once(s3: Any, settings: JobSettings, sha256: str, path: Path | None = None) -> str:
    """Upload ``path`` (default the --data file) unless an object with the same sha256 is at its key; its S3 URI."""
    from botocore.exceptions import ClientError
    from tqdm.auto import tqdm

    path = path or settings.archive
    key = settings.data_key(sha256, path)
    uri = f"s3://{settings.bucket}/{key}"
    try:
        head = s3.head_object(Bucket=settings.bucket, Key=key)
        if head.get("Metadata", {}).get("sha256") == sha256:
            print(f"data already in S3: {uri}", file=sys.stderr)
            return uri
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
    size = path.stat().st_size
    with tqdm(total=size, unit="B", unit_scale=True, desc=f"upload {path.name}") as bar:
        s3.upload_file(str(path), settings.bucket, key, ExtraArgs={"Metadata": {"sha256": sha256}}, Callback=bar.update)
    return uri


def configure_sdk_logging() -> None:
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


def data_channels(settings: JobSettings, data_uri: str, test_uri: str | None) -> dict[str, str]:
    """Channel name -> S3 URI. IMDB: train and test both carry the archive (extracted once); your own data: the
    test channel carries --test, and without it there is none, so the job holds out its seeded stratified split."""
    if test_uri is not None:
        return {"train": data_uri, "test": test_uri}
    return {"train": data_uri, "test": data_uri} if settings.is_imdb else {"train": data_uri}


def build_trainer(
    settings: JobSettings, boto_session: Any, code_dir: Path, channel_uris: dict[str, str]
) -> tuple[Any, list[Any]]:
    """The ModelTrainer and its input channels (see ``data_channels``)."""
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
    channels = [InputData(channel_name=name, data_source=uri) for name, uri in channel_uris.items()]
    return trainer, channels


def run(settings: JobSettings, sha256: str, test_sha256: str | None = None) -> str:
    """Upload, start, follow the job to its end; the S3 URI of its model.tar.gz."""
    import boto3
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import ClientError
    from sagemaker.core.utils.exceptions import FailedStatusError

    boto_session = boto3.Session(region_name=settings.region)
    try:
        s3 = boto_session.client("s3")
        data_uri = upload_once(s3, settings, sha256)
        test_uri = upload_once(s3, settings, test_sha256, settings.test) if settings.test and test_sha256 else None
    except (ClientError, S3UploadFailedError) as exc:
        raise SystemExit(
            f"error: cannot put the data into s3://{settings.bucket}/{settings.input_prefix}/: {exc}"
        ) from exc
    with tempfile.TemporaryDirectory() as tmp:
        code = stage_code(Path(tmp) / "code")
        trainer, channels = build_trainer(settings, boto_session, code, data_channels(settings, data_uri, test_uri))
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
