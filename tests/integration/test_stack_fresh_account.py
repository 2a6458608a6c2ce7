"""The root and the examples apply on a fresh AWS account with only their documented inputs (issue 18).

A new account differs from LocalStack's default in two ways that broke every first apply: API Gateway has no
CloudWatch role in its account settings (the setting is opt-in), so it refuses any stage logging; and Lambda
has a concurrency quota of 10 while 100 must stay unreserved, so it refuses any reserved concurrency. One
LocalStack in the ``fresh`` account profile (scripts/local_aws/accounts.py) refuses both as AWS does, and on
it, in this order (the account's role is set only at the end):

1. the root applies with its defaults (as ``make up`` passes them), serves a review, and plans no change;
2. the existing-model and serverless examples apply with the inputs their READMEs name, and serve;
   existing-model, the one deployment the root never makes, is also used and destroyed as a user would
   (tests/integration/existing_model.py) while the root keeps answering;
3. the configuration the root had before (logging on without a registered role, 50 reserved executions) is
   refused with AWS's two messages: the emulation bites;
4. with ``create_api_gateway_cloudwatch_role`` the stack registers its own role and its stage then logs;
5. a state from before logging became conditional (the access log group at its old, uncounted address)
   plans a move only, as long as logging stays on (terraform/modules/rest_api/moved.tf);
6. so does a state from before the model bucket became modules/private_bucket: all seven of its resources,
   the lifecycle rule among them, which only this stack has (the shared stacks go without it).

The real-time example needs Application Auto Scaling and the web-site example CloudFront, neither in free
LocalStack: their plan tests (terraform/examples/*/tests) check the same fresh-account defaults instead.
One LocalStack serves every apply (a LocalStack per step would cost minutes on 2 cores); it is stopped, with
every process it started, when the test ends, whatever happened, so nothing outlives the test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scripts.local_aws.stack import TerraformError, local_invoke_url
from tests.integration import existing_model
from tests.integration.conftest import REGION, LocalStack, deployed_stack
from tests.integration.old_state import assert_bucket_before_private_bucket_plans_moves_only, plan_old_state

# Its own LocalStack, the root and two examples applied (one destroyed), then four more applies: longer than the
# 600 s default.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(1200)]

NO_ROLE = "CloudWatch Logs role ARN must be set in account settings to enable logging"
QUOTA = (
    "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
    "below its minimum value of [100]."
)
UNREGISTERED_ROLE = "arn:aws:iam::000000000000:role/never-registered-api-gateway-logs"
ACCESS_LOG_GROUP = "aws_cloudwatch_log_group.access"
EXAMPLE_NAMES = {"existing-model": "imdb-sentiment-byo", "serverless": "imdb-sentiment-serverless"}  # defaults
REVIEW = json.dumps({"review": "A moving, beautifully acted film; the best I have seen this year."})


@pytest.fixture(scope="module")
def fresh_stack(stack_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with deployed_stack(stack_artifacts, tmp_path_factory.mktemp("fresh-account"), account="fresh") as deployed:
        yield deployed


def assert_serves(predict_url: str) -> None:
    answer = requests.post(predict_url, data=REVIEW, headers={"Content-Type": "application/json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json()["label"] == "positive"


def assert_fresh_deployment(stack: LocalStack, api_id: str, function_name: str) -> None:
    """No stage logging (the account has no role) and no reservation (the quota has no room)."""
    stage = stack.client("apigateway").get_stage(restApiId=api_id, stageName="v1")
    assert not stage.get("accessLogSettings"), stage
    assert {setting.get("loggingLevel", "OFF") for setting in stage.get("methodSettings", {}).values()} <= {"OFF"}
    assert "ReservedConcurrentExecutions" not in stack.client("lambda").get_function_concurrency(
        FunctionName=function_name
    )


def assert_refused(stack: LocalStack, message: str, **variables: object) -> None:
    """Applying the root with these variables fails, and Terraform reports AWS's ``message``."""
    offset = len(stack.terraform_log.read_text(errors="replace"))
    with pytest.raises(TerraformError):
        stack.apply(**variables)
    output = " ".join(stack.terraform_log.read_text(errors="replace")[offset:].split())  # Terraform wraps lines
    assert message in output, output[-3000:]


def test_a_fresh_account_applies_every_deployable_configuration_and_refuses_the_old_one(
    fresh_stack: LocalStack,
) -> None:
    stack = fresh_stack
    apigateway, lam = stack.client("apigateway"), stack.client("lambda")
    assert not apigateway.get_account().get("cloudwatchRoleArn"), "the fresh profile has no API Gateway role"
    limits = lam.get_account_settings()["AccountLimit"]
    assert (limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]) == (10, 10)

    # 1. The root, applied by the fixture with its defaults.
    assert_fresh_deployment(stack, stack.info.api_id, stack.info.function_name)
    assert_serves(stack.predict_url)
    assert not stack.plan_has_changes(), "a second plan on the fresh account wants changes"

    # 2. The examples LocalStack can run, with the inputs their READMEs name (their default names); existing-model
    # after an earlier destroy of it left the endpoint's log group behind, used, and destroyed beside the root.
    model_uri = stack.client("sagemaker").describe_model(ModelName=stack.info.model_name)["PrimaryContainer"][
        "ModelDataUrl"
    ]
    existing_model.assert_bucket_needs_no_grant(stack)
    existing_model.leave_a_recreated_log_group(stack, EXAMPLE_NAMES["existing-model"])
    for example, variables in {
        "existing-model": {"model_s3_uri": model_uri, "lambda_zip_path": str(stack.lambda_zip)},
        "serverless": {"model_artifact_path": str(stack.model_tar), "lambda_zip_path": str(stack.lambda_zip)},
    }.items():
        outputs = stack.apply_example(example, region=REGION, **variables)
        assert outputs["stage_logging_enabled"] is False
        api_id = outputs["predict_url"].removeprefix("https://").partition(".")[0]
        assert_fresh_deployment(stack, api_id, f"{EXAMPLE_NAMES[example]}-predict")
        predict_url = local_invoke_url(stack.layout, outputs["predict_url"])
        assert_serves(predict_url)
        if example == "existing-model":
            name = EXAMPLE_NAMES[example]
            root_answer = existing_model.assert_serves_the_root_model(stack, name, outputs, model_uri, predict_url)
            stack.destroy_example(example)
            existing_model.assert_destroyed_beside_the_root(stack, name, outputs["model_name"], root_answer)

    # 3. The old configuration, one fact at a time (the stage waits for the function, so a refused reservation
    # would hide the refused logging): stage logging without a role in the account, then 50 reserved executions.
    assert_refused(stack, NO_ROLE, existing_api_gateway_cloudwatch_role_arn=UNREGISTERED_ROLE)
    assert not apigateway.get_stage(restApiId=stack.info.api_id, stageName=stack.info.stage_name).get(
        "accessLogSettings"
    )
    assert_refused(
        stack, QUOTA, existing_api_gateway_cloudwatch_role_arn=None, lambda_reserved_concurrent_executions=50
    )
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=stack.info.function_name)

    # 4. Logging where the stack registers the account's role itself.
    stack.apply(lambda_reserved_concurrent_executions=None, create_api_gateway_cloudwatch_role=True)
    role = apigateway.get_account().get("cloudwatchRoleArn")
    assert role and "-api-logs-" in role, role
    stage = apigateway.get_stage(restApiId=stack.info.api_id, stageName=stack.info.stage_name)
    assert stage["accessLogSettings"]["destinationArn"].endswith(":log-group:/aws/apigateway/imdb-sentiment/v1/access")
    assert stage["methodSettings"]["*/*"]["loggingLevel"] == "ERROR"
    assert_serves(stack.predict_url)

    # 5. The access log group of a deployment made before it was counted moves, nothing is replaced.
    assert_old_state_plans_a_move_only(stack)

    # 6. The model bucket of a deployment made before modules/private_bucket moves, nothing is replaced.
    assert_bucket_before_private_bucket_plans_moves_only(stack.layout)


def assert_old_state_plans_a_move_only(stack: LocalStack) -> None:
    """The stack's state, copied, with the access log group put back at its uncounted address, and planned."""

    def uncount_the_access_log_group(state: dict) -> None:
        groups = [
            resource
            for resource in state["resources"]
            if resource.get("module") == "module.api" and f"{resource['type']}.{resource['name']}" == ACCESS_LOG_GROUP
        ]
        assert len(groups) == 1 and [i.get("index_key") for i in groups[0]["instances"]] == [0], groups
        groups[0]["instances"][0].pop("index_key")
        groups[0].pop("each", None)

    plan = plan_old_state(stack.layout, "uncounted-access-log-group", uncount_the_access_log_group)
    group = re.escape(f"module.api.{ACCESS_LOG_GROUP}")
    assert re.search(rf"# {group} has moved to {group}\[0\]", plan), plan[-3000:]
