"""terraform/examples/existing-model applied unchanged to LocalStack beside the session stack, used, destroyed.

Of the four examples, existing-model proves the most for the least time: it is the one deployment the root
never makes (a model it did not upload, read by a role limited to that one object), and it needs no second
upload or training because it serves the model the session stack already put in its model store. It runs
as a user copies it: its own directory, its own state and ``name``, the provider pointed at LocalStack the
way the root's is (tflocal's override), and the variables its README tells users to set. Then a client
drives it over HTTP through its own REST API, Lambda and endpoint, and ``terraform destroy`` removes them
while the session stack keeps answering.

The apply starts where a user's second apply would: SageMaker recreates an endpoint's log group while the
endpoint is still being deleted after ``terraform destroy`` (the SageMaker plugin does too), and the example
must adopt that group instead of failing with ResourceAlreadyExistsException, as it did before the examples
got the root's import block. Creating the group first proves that without a second apply and destroy.
"""

from __future__ import annotations

import json

import pytest
import requests

from scripts.local_aws.stack import local_invoke_url
from tests.integration.conftest import REGION, LocalStack

pytestmark = pytest.mark.integration

EXAMPLE = "existing-model"
NAME = "imdb-example-byo"  # its own name: endpoint, function, API and role apart from the session stack's
LOG_GROUP = f"/aws/sagemaker/Endpoints/{NAME}"
JSON = {"Content-Type": "application/json"}
REVIEWS = {
    "positive": "A moving, beautifully acted film; the best I have seen this year.",
    "negative": "Dull, predictable and far too long. A waste of time.",
}


def predict(url: str, body: bytes | str) -> requests.Response:
    return requests.post(url, data=body, headers=JSON, timeout=30)


def session_model_uri(local_stack: LocalStack) -> str:
    """The s3:// URI of the model the session stack uploaded (what a training job's output would be)."""
    model = local_stack.client("sagemaker").describe_model(ModelName=local_stack.info.model_name)
    return model["PrimaryContainer"]["ModelDataUrl"]


def assert_bucket_needs_no_grant(local_stack: LocalStack) -> None:
    """The README's rule: grant the role s3:GetObject only if a bucket policy or KMS key restricts access.

    The model store encrypts with S3's own key (no KMS) and its policy denies only requests without TLS,
    so the role's own policy is all the example needs; a stricter model store would make this fail first.
    """
    s3 = local_stack.client("s3")
    bucket = local_stack.info.bucket_name
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert {rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules} == {"AES256"}
    for statement in json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]:
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, statement


def assert_role_reads_only_the_model(local_stack: LocalStack, role_arn: str, model_uri: str) -> None:
    """The endpoint's role may read that one object and nothing else in S3 (LocalStack does not enforce IAM)."""
    iam = local_stack.client("iam")
    role = role_arn.rpartition("/")[2]
    s3_statements = []
    for policy in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        s3_statements += [s for s in document["Statement"] if any(a.startswith("s3:") for a in _list(s["Action"]))]
    assert iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
    object_arn = f"arn:aws:s3:::{model_uri.removeprefix('s3://')}"
    assert [(_list(s["Action"]), _list(s["Resource"])) for s in s3_statements] == [(["s3:GetObject"], [object_arn])]


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_existing_model_example_serves_the_session_model_and_destroys_cleanly(local_stack: LocalStack) -> None:
    model_uri = session_model_uri(local_stack)
    assert_bucket_needs_no_grant(local_stack)
    session_answers = {
        label: predict(local_stack.predict_url, json.dumps({"review": text})) for label, text in REVIEWS.items()
    }

    logs = local_stack.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)  # as SageMaker leaves it after an earlier destroy of this name

    try:  # destroyed even when the apply fails halfway: the session stack's other tests see none of it
        outputs = local_stack.apply_example(
            EXAMPLE, name=NAME, region=REGION, model_s3_uri=model_uri, lambda_zip_path=str(local_stack.lambda_zip)
        )
        predict_url = local_invoke_url(local_stack.layout, outputs["predict_url"])
        assert predict_url != local_stack.predict_url
        model = local_stack.client("sagemaker").describe_model(ModelName=outputs["model_name"])
        assert outputs["model_name"] != local_stack.info.model_name
        assert model["PrimaryContainer"]["ModelDataUrl"] == model_uri
        assert local_stack.recorded_pids(f"endpoint-{NAME}-"), "the example's endpoint runs no model server"
        assert_role_reads_only_the_model(local_stack, outputs["execution_role_arn"], model_uri)
        adopted = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
        assert [(group["logGroupName"], group.get("retentionInDays")) for group in adopted] == [(LOG_GROUP, 30)]

        for label, text in REVIEWS.items():
            answer = predict(predict_url, json.dumps({"review": text}))
            assert answer.status_code == 200, answer.text
            assert answer.json()["label"] == label
            session = session_answers[label].json()
            assert answer.json()["score"] == pytest.approx(session["score"], abs=1e-12)
            assert answer.json()["model_version"] == session["model_version"] == local_stack.metrics["model_version"]

        bad = predict(predict_url, b"{bad")
        assert bad.status_code == 400, bad.text
        assert bad.headers["Content-Type"].startswith("application/json")
        assert bad.json()["error"] == "invalid_json" and bad.json()["message"]
    finally:
        local_stack.destroy_example(EXAMPLE)

    local_stack.wait_endpoint_gone(NAME)
    assert local_stack.recorded_pids(f"endpoint-{NAME}-") == {}, "a model server outlived the example's endpoint"
    functions = {f["FunctionName"] for f in local_stack.client("lambda").list_functions()["Functions"]}
    apis = {api["name"] for api in local_stack.client("apigateway").get_rest_apis()["items"]}
    assert f"{NAME}-predict" not in functions and local_stack.info.function_name in functions
    assert NAME not in apis
    groups = {group["logGroupName"] for group in logs.describe_log_groups()["logGroups"]}
    assert {group for group in groups if NAME in group} <= {LOG_GROUP}, groups  # the one SageMaker may recreate
    models = [m["ModelName"] for m in local_stack.client("sagemaker").list_models()["Models"]]
    assert outputs["model_name"] not in models and local_stack.info.model_name in models
    after = predict(local_stack.predict_url, json.dumps({"review": REVIEWS["positive"]}))
    assert after.status_code == 200 and after.json() == session_answers["positive"].json()
