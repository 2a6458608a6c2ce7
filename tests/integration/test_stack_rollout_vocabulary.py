"""A new model with another vocabulary, and its Lambda, rolled out and back under continuous traffic.

Each `terraform apply` changes model, endpoint configuration and Lambda package together, and nothing else
(its saved plan is checked before it is applied); the emulated SageMaker takes ``UPDATE_SECONDS`` to update
the endpoint (the old model serves meanwhile, as on AWS), and Terraform updates the Lambda only after that.
So for a while the endpoint serves one vocabulary and the Lambda ships the other: forward, the new endpoint
meets the old Lambda; back, the old (restored) endpoint meets the new Lambda. Every answer must still be a
200 whose score is the answering model's own score for that review, computed here with that model's own
inference.py.

The endpoint's model servers run the scikit-learn image's own serving library (sagemaker-containers in
.venv-serving), which answers any exception of the model's code with a generic 500: the Lambda sees the
endpoint's 409 ``vocabulary_mismatch`` (and falls back to raw text) only because ``transform_fn`` returns it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scripts.local_aws.bench import handler_records
from scripts.local_aws.traffic import Traffic
from tests.integration.rollout import CLIENT_PAUSE_SECONDS, lambda_zip, own_scores, sample_reviews, settle

# Two planned applies of ~20 emulated seconds each, plus the quick model's training when no test trained it yet.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CLIENTS = 4
UPDATE_SECONDS = 20  # the endpoint update's emulated duration: the window is real, not a race
LOGS_TIMEOUT_SECONDS = 30  # LocalStack stores Lambda logs asynchronously

# All that a rollout of another model and vocabulary may change: the artifact and the models made from it
# (the endpoint's and Batch Transform's), the endpoint configuration, the endpoint's configuration name,
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


def test_vocabulary_change_gives_every_client_its_models_own_answer(
    local_stack, quick_artifacts: Path, imdb_folder: Path, tmp_path: Path
) -> None:
    reviews = sample_reviews(imdb_folder)
    old_version, old_scores = own_scores(local_stack.model_tar, reviews, tmp_path / "old")
    new_version, new_scores = own_scores(quick_artifacts / "model.tar.gz", reviews, tmp_path / "new")
    expected = {old_version: old_scores, new_version: new_scores}
    assert new_version != old_version
    new_tar = local_stack.keep(quick_artifacts / "model.tar.gz")
    new_zip = local_stack.keep(lambda_zip(quick_artifacts / "vocabulary.json", tmp_path / "lambda.zip"))
    started_at = time.time()

    applies = []
    with (
        local_stack.restoring() as change,  # outermost: a restore after a failure takes no emulated 20 s
        local_stack.slow_sagemaker(update_seconds=UPDATE_SECONDS),
        Traffic(local_stack.predict_url, reviews, CLIENTS, CLIENT_PAUSE_SECONDS) as traffic,
    ):
        before = json.loads(change.variables)  # back to exactly these: the end of the block has nothing to do
        for model, package in ((new_tar, new_zip), (before["model_artifact_path"], before["lambda_zip_path"])):
            planned = local_stack.plan(model_artifact_path=str(model), lambda_zip_path=str(package))
            assert planned == ROLLOUT_CHANGES, f"the rollout changes more or less than its own resources: {planned}"
            began = time.monotonic()
            local_stack.apply_plan()
            applies.append(time.monotonic() - began)
            settle(traffic)

    answers = traffic.answers
    failures = [(a.status, a.error) for a in answers if a.status != 200]
    assert not failures, f"{len(failures)} of {len(answers)} requests failed: {failures[:5]}"
    wrong = [
        (a.review, a.body["model_version"], a.body["score"])
        for a in answers
        if a.body["score"] != pytest.approx(expected[a.body["model_version"]][a.review], abs=1e-9)
        or a.body["label"] != ("positive" if a.body["score"] >= 0.5 else "negative")
    ]
    assert not wrong, f"{len(wrong)} answers are not their model's own: {wrong[:5]}"
    assert {a.body["model_version"] for a in answers} == {old_version, new_version}
    assert all(seconds >= UPDATE_SECONDS for seconds in applies), applies

    # The window was real: requests were answered through the raw-text fallback in both directions.
    deadline = time.monotonic() + LOGS_TIMEOUT_SECONDS
    while True:
        records = handler_records(local_stack.info, started_at)
        fallback_models = {r.get("model_version") for r in records if r.get("text_fallback")}
        if fallback_models == {old_version, new_version} or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert fallback_models == {old_version, new_version}, fallback_models
    assert len(answers) > CLIENTS * 20, len(answers)
    per_client = {client: sum(a.client == client for a in answers) for client in range(CLIENTS)}
    assert all(count > 5 for count in per_client.values()), f"not every client kept sending: {per_client}"
    logs = list((local_stack.layout.state / "sagemaker").glob("*/*/server.log"))
    assert logs and all("through sagemaker-containers 2.8.6.post2" in log.read_text() for log in logs), logs
