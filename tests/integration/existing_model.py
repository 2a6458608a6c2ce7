"""terraform/examples/existing-model applied beside a deployed root, used as a user would, and destroyed.

Of the four examples, existing-model proves the most for the least time: it is the one deployment the root
never makes (a model it did not upload, read by a role limited to that one object), and it needs no second
upload or training because it serves the model the root already put in its model store. The apply starts
where a user's second apply would: SageMaker recreates an endpoint's log group while the endpoint is still
being deleted after ``terraform destroy`` (the SageMaker plugin does too), and the example must adopt that
group instead of failing with ResourceAlreadyExistsException, as it did before the examples got the root's
import block; creating the group first proves that without a second apply and destroy.

Not a test module: test_stack_fresh_account.py applies the example on its new account and calls these.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.integration.conftest import LocalStack

JSON = {"Content-Type": "application/json"}
REVIEWS = {
    "positive": "A moving, beautifully acted film; the best I have seen this year.",
    "negative": "Dull, predictable and far too long. A waste of time.",
}


def predict(url: str, body: bytes | str) -> requests.Response:
    return requests.post(url, data=body, headers=JSON, timeout=30)


def log_group(name: str) -> str:
    return f"/aws/sagemaker/Endpoints/{name}"


def leave_a_recreated_log_group(stack: LocalStack, name: str) -> None:
    """The endpoint log group as SageMaker leaves it after an earlier destroy of an endpoint of this name."""
    stack.client("logs").create_log_group(logGroupName=log_group(name))


def assert_bucket_needs_no_grant(stack: LocalStack) -> None:
    """The README's rule: grant the role s3:GetObject only if a bucket policy or KMS key restricts access.

    The model store encrypts with S3's own key (no KMS) and its policy denies only requests without TLS,
    so the role's own policy is all the example needs; a stricter model store would make this fail first.
    """
    s3 = stack.client("s3")
    bucket = stack.info.bucket_name
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert {rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules} == {"AES256"}
    for statement in json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]:
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, statement


def assert_serves_the_root_model(
    stack: LocalStack, name: str, outputs: dict[str, Any], model_uri: str, predict_url: str
) -> dict[str, Any]:
    """Its own model (from the root's object, read by a role that may read only that), log group and API,
    answering each review exactly as the root does, and a JSON error for invalid JSON; the root's answer to the
    positive review."""
    assert predict_url != stack.predict_url and outputs["model_name"] != stack.info.model_name
    model = stack.client("sagemaker").describe_model(ModelName=outputs["model_name"])
    assert model["PrimaryContainer"]["ModelDataUrl"] == model_uri
    assert stack.recorded_pids(f"endpoint-{name}-"), "the example's endpoint runs no model server"
    assert_role_reads_only_the_model(stack, outputs["execution_role_arn"], model_uri)
    adopted = stack.client("logs").describe_log_groups(logGroupNamePrefix=log_group(name))["logGroups"]
    assert [(group["logGroupName"], group.get("retentionInDays")) for group in adopted] == [(log_group(name), 30)]

    root_answers = {}
    for label, text in REVIEWS.items():
        root = predict(stack.predict_url, json.dumps({"review": text}))
        answer = predict(predict_url, json.dumps({"review": text}))
        assert root.status_code == answer.status_code == 200, (root.text, answer.text)
        assert answer.json()["label"] == label
        assert answer.json()["score"] == pytest.approx(root.json()["score"], abs=1e-12)
        assert answer.json()["model_version"] == root.json()["model_version"]
        root_answers[label] = root.json()

    bad = predict(predict_url, b"{bad")
    assert bad.status_code == 400, bad.text
    assert bad.headers["Content-Type"].startswith("application/json")
    assert bad.json()["error"] == "invalid_json" and bad.json()["message"]
    return root_answers["positive"]


def assert_role_reads_only_the_model(stack: LocalStack, role_arn: str, model_uri: str) -> None:
    """The endpoint's role may read that one object and nothing else in S3 (LocalStack does not enforce IAM)."""
    iam = stack.client("iam")
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


def assert_destroyed_beside_the_root(stack: LocalStack, name: str, model_name: str, root_answer: dict) -> None:
    """After the example's ``terraform destroy``: its endpoint, servers, function, API and model are gone (the log
    group SageMaker may recreate aside), and the root's are there and answer as before (``root_answer``)."""
    stack.wait_endpoint_gone(name)
    assert stack.recorded_pids(f"endpoint-{name}-") == {}, "a model server outlived the example's endpoint"
    functions = {f["FunctionName"] for f in stack.client("lambda").list_functions()["Functions"]}
    apis = {api["name"] for api in stack.client("apigateway").get_rest_apis()["items"]}
    assert f"{name}-predict" not in functions and stack.info.function_name in functions
    assert name not in apis
    groups = {group["logGroupName"] for group in stack.client("logs").describe_log_groups()["logGroups"]}
    assert {group for group in groups if name in group} <= {log_group(name)}, groups
    models = [m["ModelName"] for m in stack.client("sagemaker").list_models()["Models"]]
    assert model_name not in models and stack.info.model_name in models
    after = predict(stack.predict_url, json.dumps({"review": REVIEWS["positive"]}))
    assert after.status_code == 200 and after.json() == root_answer
