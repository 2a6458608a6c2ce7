"""Issue 21 end to end on the local stack: the gate keeps a worse model off the endpoint, and a good one rolls out
the way `make up` deploys it, with another vocabulary, under continuous traffic, and back.

`make promote` registers the stack's full model as the group's first package (approved on the accuracy floor);
a `--quick` model is then Rejected against it, and what `make up` would deploy stays the full model, which the
API keeps answering with. The full model with its terms in reverse order (another vocabulary and model version,
every prediction the same: the gate finds it not worse, and an index means another word in each) is Approved.
A rollout of it as an artifact plans exactly the resources a model and vocabulary change may touch. Then, while
4 clients send reviews, `make up` deploys the newest Approved package (with a Lambda zip holding that
package's vocabulary) and the session's artifact is applied again. The emulated SageMaker takes
``UPDATE_SECONDS`` for each endpoint update (the old model serving meanwhile, as on AWS), and Terraform updates
the Lambda only after it, so for a while the endpoint and the Lambda disagree on the vocabulary in both
directions: forward the new endpoint meets the old Lambda, back the restored endpoint meets the new Lambda.
Every answer must be a 200 whose score is the answering model's own score for that review (computed here with
that model's own inference.py), and requests must have been answered through the text fallback both ways.

The endpoint's model servers run the scikit-learn image's own serving library (sagemaker-containers in
.venv-serving), which answers any exception of the model's code with a generic 500: the Lambda sees the
endpoint's 409 ``vocabulary_mismatch`` (and falls back to raw text) only because ``transform_fn`` returns it.
The session's variables are applied again, the packages deleted and the archives the gate uploaded removed,
however the test ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests

from lambda_src.tokenizer import Vocabulary
from scripts.local_aws import registry
from scripts.local_aws.bench import handler_records
from scripts.local_aws.traffic import Traffic
from tests.integration.rollout import (
    CLIENT_PAUSE_SECONDS,
    lambda_zip,
    own_scores,
    reordered_model,
    sample_reviews,
    settle,
)

# Three gate runs over the 25,000 test reviews, a quick model's training if no other test made it, a plan, and
# two applies of 20 emulated seconds or more each.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
UPDATE_SECONDS = 20  # the endpoint update's emulated duration: the window is real, not a race
PROMOTE_TIMEOUT_SECONDS = 600
REQUEST_TIMEOUT_SECONDS = 30
LOGS_TIMEOUT_SECONDS = 30  # LocalStack stores Lambda logs asynchronously
MAKE_FAILED = 2  # make's own status when a recipe fails; its last line names the recipe's (the gate's 3)

# All that a rollout of another model and vocabulary as an artifact may change: the artifact and the models made
# from it (the endpoint's and Batch Transform's), the endpoint configuration, the endpoint's configuration name,
# and the Lambda (its zip carries the vocabulary) with its alias. An alarm, a role policy or anything else
# updated on the way would be noise at best, and at worst the alarms the deployment guardrails watch.
ROLLOUT_CHANGES = {
    "module.model_store.aws_s3_object.model[0]": ("create", "delete"),
    "module.endpoint.aws_sagemaker_model.this": ("create", "delete"),
    "module.endpoint.aws_sagemaker_endpoint_configuration.this[0]": ("create", "delete"),
    "module.endpoint.aws_sagemaker_endpoint.this": ("update",),
    "module.batch_transform[0].aws_sagemaker_model.this": ("create", "delete"),
    "module.inference_lambda.aws_lambda_function.this": ("update",),
    "module.inference_lambda.aws_lambda_alias.this": ("update",),
}


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


def assert_deployed_from_package(local_stack, arn: str, vocabulary: bytes) -> None:
    """The stack runs the package's model (described as created, as SageMaker does) and its vocabulary's Lambda."""
    deployed = json.loads(local_stack.layout.tfvars.read_text())
    assert deployed["model_package_arn"] == arn
    with zipfile.ZipFile(deployed["lambda_zip_path"]) as built:
        assert built.read("lambda_src/vocabulary.json") == vocabulary
    sagemaker = local_stack.client("sagemaker")
    endpoint = sagemaker.describe_endpoint(EndpointName=local_stack.info.endpoint_name)
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    model = sagemaker.describe_model(ModelName=config["ProductionVariants"][0]["ModelName"])
    assert model["PrimaryContainer"]["ModelPackageName"] == arn
    assert "ModelDataUrl" not in model["PrimaryContainer"]


def fallback_models(local_stack, since: float, wanted: set[str]) -> set[str]:
    """Model versions that answered through the Lambda's text fallback since ``since`` (logs arrive late)."""
    deadline = time.monotonic() + LOGS_TIMEOUT_SECONDS
    while True:
        records = handler_records(local_stack.info, since)
        found = {record.get("model_version") for record in records if record.get("text_fallback")}
        if found == wanted or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_a_worse_model_is_rejected_and_a_good_one_rolls_out_without_a_failed_request(
    local_stack, quick_artifacts: Path, reordered_artifacts: Path, imdb_folder: Path, tmp_path: Path
) -> None:
    group = registry.group_name(json.loads(local_stack.layout.tfvars.read_text()))  # the root's <name>-models
    full_version = Vocabulary.load(local_stack.artifacts / "vocabulary.json").model_version
    reordered_version = Vocabulary.load(reordered_artifacts / "vocabulary.json").model_version
    assert served_version(local_stack) == full_version != reordered_version
    assert registry.latest_approved(local_stack.layout, group) is None, "the group must start empty"
    objects_before = registry_objects(local_stack)
    started_at = time.time()
    applies = []
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
        vocabulary = (reordered_artifacts / "vocabulary.json").read_bytes()
        with zipfile.ZipFile(registry.lambda_zip_for(local_stack.layout, chosen)) as built:
            assert built.read("lambda_src/vocabulary.json") == vocabulary  # the zip `make up` deploys with it

        # The same model and vocabulary as an artifact: its saved plan changes exactly the rollout's resources.
        reordered_zip = lambda_zip(reordered_artifacts / "vocabulary.json", tmp_path / "lambda.zip")
        planned = local_stack.plan(
            model_artifact_path=str(local_stack.keep(reordered_artifacts / "model.tar.gz")),
            lambda_zip_path=str(local_stack.keep(reordered_zip)),
        )
        assert planned == ROLLOUT_CHANGES, f"the rollout changes more or less than its own resources: {planned}"

        reviews = sample_reviews(imdb_folder)
        expected = dict(
            [own_scores(local_stack.model_tar, reviews, tmp_path / "full"),
             own_scores(reordered_artifacts / "model.tar.gz", reviews, tmp_path / "reordered")]
        )  # fmt: skip
        with (
            local_stack.restoring() as change,  # outermost: a restore after a failure takes no emulated 20 s
            local_stack.slow_sagemaker(update_seconds=UPDATE_SECONDS),
            Traffic(local_stack.predict_url, reviews, CLIENTS, CLIENT_PAUSE_SECONDS) as traffic,
        ):
            # The session deploys Batch Transform, which runs artifacts only: `make up` with a package goes without.
            began = time.monotonic()
            local_stack.up(**{**json.loads(change.variables), "batch_transform": None})
            applied = time.monotonic()
            applies.append(applied - began)
            settle(traffic)
            served = {(answer.body or {}).get("model_version") for answer in traffic.since(applied)}
            assert served == {reordered_version}
            assert_deployed_from_package(local_stack, chosen.arn, vocabulary)
            assert not local_stack.plan_has_changes()  # the package's model reads back as Terraform wrote it
            began = time.monotonic()
            change.restore()  # back to the session's artifact, under the same traffic
            applies.append(time.monotonic() - began)
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
        or answer.body["label"] != ("positive" if answer.body["score"] >= 0.5 else "negative")
    ]
    assert not wrong, f"{len(wrong)} answers are not their model's own: {wrong[:5]}"
    assert {answer.body["model_version"] for answer in answers} == {full_version, reordered_version}
    assert all(seconds >= UPDATE_SECONDS for seconds in applies), applies
    assert served_version(local_stack) == full_version

    # The window was real: requests were answered through the raw-text fallback in both directions.
    both = {full_version, reordered_version}
    assert fallback_models(local_stack, started_at, both) == both
    assert len(answers) > CLIENTS * 20, len(answers)
    per_client = {client: sum(answer.client == client for answer in answers) for client in range(CLIENTS)}
    assert all(count > 5 for count in per_client.values()), f"not every client kept sending: {per_client}"
    logs = list((local_stack.layout.state / "sagemaker").glob("*/*/server.log"))
    assert logs and all("through sagemaker-containers 2.8.6.post2" in log.read_text() for log in logs), logs
