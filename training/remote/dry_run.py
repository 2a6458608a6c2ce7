"""``--dry-run``: the CreateTrainingJob request exactly as the SDK builds it, captured before it is signed or sent."""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from training.remote.options import JobSettings
from training.remote.sdk import build_trainer, data_channels
from training.remote.staging import stage_code


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


def dry_run(settings: JobSettings, sha256: str, test_sha256: str | None = None) -> dict[str, Any]:
    """The CreateTrainingJob request exactly as the SDK would send it; no credentials, nothing sent."""
    import boto3

    data_uri = f"s3://{settings.bucket}/{settings.data_key(sha256)}"
    print(f"dry run: would upload {settings.archive} to {data_uri} unless already there", file=sys.stderr)
    test_uri = None
    if settings.test and test_sha256:
        test_uri = f"s3://{settings.bucket}/{settings.data_key(test_sha256, settings.test)}"
        print(f"dry run: would upload {settings.test} to {test_uri} unless already there", file=sys.stderr)
    boto_session = boto3.Session(
        region_name=settings.region, aws_access_key_id="dry-run", aws_secret_access_key="dry-run"
    )
    recorder = DryRunRecorder(settings.bucket)
    boto_session.events.register("before-call", recorder)
    with tempfile.TemporaryDirectory() as tmp:
        code = stage_code(Path(tmp) / "code")
        trainer, channels = build_trainer(settings, boto_session, code, data_channels(settings, data_uri, test_uri))
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
