"""``python -m scoring --remote`` without AWS: the dry run, option errors, and a whole run against
in-memory stand-ins for S3 and SageMaker (they record calls and return what the test sets; nothing here
computes a score)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.response import StreamingBody

from scoring import remote, transform_job
from scoring.cli import main
from serving import inference

PREFIXES = ["--model-name", "imdb-sentiment-batch-0123456789ab", "--input-prefix", "s3://bkt/in/",
            "--output-prefix", "s3://bkt/out/"]  # fmt: skip


def test_payload_default_stays_under_the_models_body_limit_in_either_megabyte() -> None:
    assert transform_job.MAX_PAYLOAD_MB * 1024 * 1024 < inference.MAX_BODY_BYTES
    assert transform_job.MAX_PAYLOAD_MB * 1_000_000 < inference.MAX_BODY_BYTES


def test_dry_run_prints_a_valid_request_and_sends_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text('{"id": 1, "review": "good"}\n')
    args = ["--remote", str(reviews), *PREFIXES, "--instance-count", "2", "--dry-run"]
    with mock.patch("botocore.endpoint.Endpoint.make_request", side_effect=AssertionError("sent")):
        assert main(args) == 0
    request = json.loads(capsys.readouterr().out)
    assert request["TransformInput"]["ContentType"] == "application/jsonlines"
    assert request["TransformInput"]["SplitType"] == "Line" and request["BatchStrategy"] == "MultiRecord"
    assert request["TransformOutput"] == {
        "Accept": "application/jsonlines",
        "AssembleWith": "Line",
        "S3OutputPath": f"s3://bkt/out/{request['TransformJobName']}/",
    }
    assert request["TransformResources"] == {"InstanceType": "ml.m5.large", "InstanceCount": 2}
    assert request["MaxPayloadInMB"] == 5 and request["TransformJobName"].startswith("imdb-sentiment-score-")


def test_an_s3_input_is_read_where_it_is(capsys) -> None:
    assert main(["--remote", "s3://bkt/in/mine/", *PREFIXES, "--dry-run"]) == 0
    request = json.loads(capsys.readouterr().out)
    assert request["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://bkt/in/mine/"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--max-payload-mb", "6"], "--max-payload-mb must be 1-5"),
        (["--instance-count", "0"], "--instance-count must be at least 1"),
        (["--instance-type", "m5.large"], "is not a SageMaker instance type"),
        (["--output-prefix", "s3://bkt/out"], "must be an s3://bucket/prefix/ URI ending in /"),
        (["--max-concurrent-transforms", "21"], "must be at most 100"),
        (["--job-name-prefix", "bad_name"], "--job-name-prefix"),
    ],
)
def test_bad_options_are_refused_before_anything_is_sent(tmp_path: Path, extra: list[str], message: str) -> None:
    reviews = tmp_path / "r.jsonl"
    reviews.write_text('{"review": "good"}\n')
    with pytest.raises(SystemExit) as refused:
        main(["--remote", str(reviews), *PREFIXES, *extra, "--dry-run"])
    assert message in str(refused.value)


def fake_sagemaker() -> mock.Mock:
    """Records the calls; its ``meta`` (the API model the request is validated against) is a real client's."""
    real = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return mock.Mock(meta=real.meta)


class FakeS3:
    """Objects in a dict; answers the calls the CLI makes."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def upload_file(self, path: str, bucket: str, key: str) -> None:
        self.objects[(bucket, key)] = Path(path).read_bytes()

    def get_paginator(self, name: str) -> Any:
        def paginate(Bucket: str, Prefix: str) -> list[dict]:  # noqa: N803 - boto3's names
            keys = [{"Key": k} for (b, k) in sorted(self.objects) if b == Bucket and k.startswith(Prefix)]
            return [{"Contents": keys}]

        return mock.Mock(paginate=paginate)

    def get_object(self, Bucket: str, Key: str) -> dict:  # noqa: N803
        data = self.objects[(Bucket, Key)]
        return {"Body": StreamingBody(io.BytesIO(data), len(data))}


def run_remote(tmp_path: Path, statuses: list[dict], answers: dict[str, str], extra: list[str]) -> tuple:
    """Run main with the fakes; ``answers`` maps an uploaded part to the .out the fake job writes."""
    s3, sagemaker = FakeS3(), fake_sagemaker()

    def describe(TransformJobName: str) -> dict:  # noqa: N803
        status = statuses.pop(0)
        if status["TransformJobStatus"] == "Completed":
            request = sagemaker.create_transform_job.call_args.kwargs
            out = request["TransformOutput"]["S3OutputPath"].removeprefix("s3://bkt/")
            for part, body in answers.items():
                s3.objects[("bkt", f"{out}{part}.out")] = body.encode()
        return status

    sagemaker.describe_transform_job.side_effect = describe
    with mock.patch.object(remote, "_clients", return_value=(sagemaker, s3)):
        code = main(["--remote", *extra, *PREFIXES, "--poll-seconds", "0", "-q"])
    return code, s3, sagemaker


def test_a_whole_run_uploads_parts_waits_and_assembles_in_input_order(tmp_path: Path, capsys) -> None:
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text('{"id": "r1", "review": "good"}\nnot json\n{"id": "r2", "review": "bad"}\n'
                       '{"id": "r3", "review": "great"}\n')  # fmt: skip
    answers = {
        "part-00000.jsonl": '{"id": "r1", "label": "positive", "score": 0.8}\n',
        "part-00001.jsonl": '{"id": "r2", "label": "negative", "score": 0.2}\n'
        '{"id": "r3", "error": "no_known_words", "message": "the review has no word the model knows"}\n',
    }
    statuses = [{"TransformJobStatus": "InProgress"}, {"TransformJobStatus": "Completed"}]
    scores = tmp_path / "scores.jsonl"
    code, s3, sagemaker = run_remote(tmp_path, statuses, answers, [str(reviews), "--instance-count", "2",
                                                                   "--download", str(scores)])  # fmt: skip
    assert code == 0
    request = sagemaker.create_transform_job.call_args.kwargs
    name = request["TransformJobName"]
    uploaded = {key: body for (_, key), body in s3.objects.items() if key.startswith("in/")}
    assert sorted(uploaded) == [f"in/{name}/part-00000.jsonl", f"in/{name}/part-00001.jsonl"]
    ids = [json.loads(line)["id"] for body in uploaded.values() for line in body.splitlines()]
    assert sorted(ids) == ["r1", "r2", "r3"], "every readable review is uploaded once, the bad line is not"
    assert [json.loads(line)["id"] for line in scores.read_text().splitlines()] == ["r1", "r2"]
    errors = [json.loads(line) for line in (tmp_path / "scores.errors.jsonl").read_text().splitlines()]
    assert errors[0]["line"] == 2 and "invalid JSON" in errors[0]["reason"]
    assert errors[1]["id"] == "r3" and errors[1]["reason"].startswith("no_known_words")
    assert capsys.readouterr().out.strip() == f"s3://bkt/out/{name}/"


def test_a_failed_job_exits_with_its_failure_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # without --download the errors file defaults to <job name>.errors.jsonl here
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text('{"id": "r1", "review": "good"}\n')
    reason = "ClientError: See job logs for more information"
    statuses = [{"TransformJobStatus": "Failed", "FailureReason": reason}]
    with pytest.raises(SystemExit) as failed:
        run_remote(tmp_path, statuses, {}, [str(reviews)])
    assert reason in str(failed.value) and "Failed" in str(failed.value)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["reviews.jsonl"]  # a failed run writes no file


def test_interrupting_the_wait_stops_the_job(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text('{"id": "r1", "review": "good"}\n')
    s3, sagemaker = FakeS3(), fake_sagemaker()
    sagemaker.describe_transform_job.side_effect = KeyboardInterrupt
    with mock.patch.object(remote, "_clients", return_value=(sagemaker, s3)), pytest.raises(SystemExit) as stopped:
        main(["--remote", str(reviews), *PREFIXES, "-q", "--errors", str(tmp_path / "e.jsonl")])
    assert "stop" in str(stopped.value)
    sagemaker.stop_transform_job.assert_called_once()
