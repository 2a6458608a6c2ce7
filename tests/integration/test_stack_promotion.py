"""Issue 21 end to end on the local stack: the gate keeps a worse model off the endpoint and lets a good one roll out.

`make promote` registers the stack's full model as the group's first package (approved on the accuracy floor);
a `--quick` model is then Rejected against it, and what `make up` would deploy stays the full model, which the
API keeps answering with. The full model with its terms in reverse order (another vocabulary and model version,
every prediction the same: the gate finds it not worse, and an index means another word in each) is Approved
and rolled out the way `make up` does it (the newest Approved package, a Lambda zip holding that package's
vocabulary) while 4 clients send reviews, and rolled back to the session's deployment the same way:
every answer must be a 200 carrying the answering model's own score. The emulated SageMaker takes
``UPDATE_SECONDS`` for each endpoint update, so the Lambda and the endpoint really disagree on the vocabulary
for a while in both directions. The session's variables are applied again, the packages deleted and the
archives the gate uploaded removed, however the test ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lambda_src.tokenizer import Vocabulary
from scripts.local_aws import registry
from scripts.local_aws.traffic import Traffic
from tests.integration.rollout import CLIENT_PAUSE_SECONDS, own_scores, reordered_model, sample_reviews, settle

# Three gate runs over the 25,000 test reviews, a quick model's training if no other test made it, and two
# applies of 20 emulated seconds or more each.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
UPDATE_SECONDS = 20
PROMOTE_TIMEOUT_SECONDS = 600
REQUEST_TIMEOUT_SECONDS = 30
MAKE_FAILED = 2  # make's own status when a recipe fails; its last line names the recipe's (the gate's 3)


@pytest.fixture(scope="module")
def reordered_artifacts(local_stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stack's full model with its terms reversed: another model version and vocabulary, exactly as accurate.

    A second training (a wider vocabulary, say) would give such a pair too, for a minute and a half of both
    cores' time in `make test`.
    """
    out = tmp_path_factory.mktemp("reordered-model")
    reordered_model(local_stack.model_tar, out)
    return out


def promote(local_stack, model_tar: Path, group: str) -> subprocess.CompletedProcess[str]:
    """`make promote MODEL=... GROUP=... BUCKET=...`, as a user runs it, against this stack's LocalStack."""
    # Not the calling make's jobserver and flags (`make test` runs pytest under make -j2 --output-sync).
    inherited = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    environment = {
        **inherited,
        "AWS_ENDPOINT_URL": local_stack.layout.endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": registry.REGION,
    }
    command = ["make", "--no-print-directory", "promote", f"MODEL={model_tar}", f"GROUP={group}",
               f"BUCKET={local_stack.info.bucket_name}"]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=PROMOTE_TIMEOUT_SECONDS
    )
    print(result.stdout, result.stderr, file=sys.stderr)  # the gate's figures, for the log
    return result


def served_version(local_stack) -> str:
    response = requests.post(
        local_stack.predict_url, json={"review": "A moving, beautifully acted film."}, timeout=REQUEST_TIMEOUT_SECONDS
    )
    assert response.status_code == 200, response.text
    return response.json()["model_version"]


def registry_objects(local_stack) -> set[str]:
    s3 = local_stack.client("s3")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=local_stack.info.bucket_name, Prefix="registry/")
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def test_a_worse_model_is_rejected_and_a_good_one_rolls_out_without_a_failed_request(
    local_stack, quick_artifacts: Path, reordered_artifacts: Path, imdb_folder: Path, tmp_path: Path
) -> None:
    group = registry.group_name(json.loads(local_stack.layout.tfvars.read_text()))  # the root's <name>-models
    full_version = Vocabulary.load(local_stack.artifacts / "vocabulary.json").model_version
    reordered_version = Vocabulary.load(reordered_artifacts / "vocabulary.json").model_version
    assert served_version(local_stack) == full_version != reordered_version
    assert registry.latest_approved(local_stack.layout, group) is None, "the group must start empty"
    objects_before = registry_objects(local_stack)
    try:
        first = promote(local_stack, local_stack.model_tar, group)
        assert first.returncode == 0, first.stderr
        assert "first package" in first.stdout and "floor" in first.stdout
        champion = registry.latest_approved(local_stack.layout, group)
        assert champion is not None

        worse = promote(local_stack, quick_artifacts / "model.tar.gz", group)
        assert worse.returncode == MAKE_FAILED and "promote] Error 3" in worse.stderr, worse.stderr  # Rejected
        assert "Rejected" in worse.stdout and "McNemar" in worse.stdout
        assert registry.latest_approved(local_stack.layout, group) == champion  # what `make up` deploys
        assert served_version(local_stack) == full_version

        good = promote(local_stack, reordered_artifacts / "model.tar.gz", group)
        assert good.returncode == 0, good.stderr
        chosen = registry.latest_approved(local_stack.layout, group)
        assert chosen is not None and chosen.version > champion.version

        reviews = sample_reviews(imdb_folder)
        expected = dict(
            [own_scores(local_stack.model_tar, reviews, tmp_path / "full"),
             own_scores(reordered_artifacts / "model.tar.gz", reviews, tmp_path / "reordered")]
        )  # fmt: skip
        lambda_zip = local_stack.keep(registry.lambda_zip_for(local_stack.layout, chosen))
        with (
            local_stack.restoring() as change,
            local_stack.slow_sagemaker(update_seconds=UPDATE_SECONDS),
            Traffic(local_stack.predict_url, reviews, CLIENTS, CLIENT_PAUSE_SECONDS) as traffic,
        ):
            # The session deploys Batch Transform, which runs artifacts only: a package's apply turns it off.
            local_stack.apply(model_package_arn=chosen.arn, lambda_zip_path=str(lambda_zip), batch_transform=None)
            applied = time.monotonic()
            settle(traffic)
            served = {(answer.body or {}).get("model_version") for answer in traffic.since(applied)}
            assert served == {reordered_version}
            change.restore()  # back to the session's artifact, under the same traffic
            settle(traffic)
    finally:
        registry.delete_packages(local_stack.layout, group)
        s3 = local_stack.client("s3")
        for key in registry_objects(local_stack) - objects_before:
            s3.delete_object(Bucket=local_stack.info.bucket_name, Key=key)

    answers = traffic.answers
    failures = [(answer.status, answer.error) for answer in answers if answer.status != 200]
    assert not failures, f"{len(failures)} of {len(answers)} requests failed: {failures[:5]}"
    wrong = [
        (answer.review, answer.body["model_version"], answer.body["score"])
        for answer in answers
        if answer.body["score"] != pytest.approx(expected[answer.body["model_version"]][answer.review], abs=1e-9)
    ]
    assert not wrong, f"{len(wrong)} answers are not their model's own: {wrong[:5]}"
    assert {answer.body["model_version"] for answer in answers} == {full_version, reordered_version}
    assert served_version(local_stack) == full_version
