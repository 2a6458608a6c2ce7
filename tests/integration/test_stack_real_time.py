"""What only a stack of its own can show (the shared one must keep serving the tests after): on a real-time stack,
a live endpoint keeps its rollback alarms, and `terraform destroy` then `apply` works and leaves nothing behind.

Rollback alarms: a plan that turns them off is refused with the reason, and the deliberate replacement the
endpoint module's README gives ("Changing the rollback alarms") works. The aws provider forces a new endpoint
when auto_rollback_configuration changes, and the name is fixed: a replacement either deletes the live
endpoint first and then fails to create it (the provider counts a Deleting endpoint as gone), or, in this
root, where the API deployment's create_before_destroy extends to everything it depends on, tries the create
first and fails on every apply. The README's way round: delete it by hand, wait, apply.

Destroy and apply: endpoint deletion takes a while, as on AWS, and the aws provider counts a Deleting endpoint
as gone: `terraform destroy` returns while the containers still run and write their logs, so SageMaker
recreates the log group the module deleted after the endpoint. The root adopts such a group at the next apply
(an import block) instead of failing with ResourceAlreadyExistsException; after the last destroy it is the one
thing SageMaker leaves. A model package registered in the root's group (outside Terraform, as the promotion
step does) is deleted before the destroy, which SageMaker would otherwise refuse for the group. One cycle
proves all of that: a second goes the same way (destroy what the first apply imported, adopt the log group
again), so `make test` runs one and `make test-thorough` runs it twice in a row (STACK_CYCLES=2).

Both tests share the one stack (a LocalStack and a whole root applied cost about a minute and a half of both
cores' time) and need nothing from each other: the alarm test starts from the alarms any apply of these
variables makes, the destroy test destroys whatever is deployed and applies it again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scripts.local_aws.terraform import TerraformError
from tests.integration.conftest import LocalStack, deployed_stack
from tests.integration.test_stack_model_registry import register

# The first test of the module carries the stack's deploy; then a replacement, or a destroy/apply cycle each.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CYCLES = int(os.environ.get("STACK_CYCLES", "1"))
# One instance without autoscaling (all the emulation serves), alarms and auto-rollback on by default; no
# model-bucket lifecycle rule: it costs about a minute per create (the provider waits for S3 to report it
# steadily), and the destroy test creates the bucket again.
VARIABLES = {
    "model_version_retention_days": None,
    "endpoint_type": "real-time",
    "real_time": {"initial_instance_count": 1, "autoscaling": False},
}
TEXT = {"Content-Type": "text/plain"}


@pytest.fixture(scope="module")
def real_time_stack(stack_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with deployed_stack(
        stack_artifacts, tmp_path_factory.mktemp("real-time"), VARIABLES, {"delete_seconds": 5}
    ) as deployed:
        yield deployed


def rollback_alarms(stack: LocalStack) -> set[str]:
    endpoint = stack.client("sagemaker").describe_endpoint(EndpointName=stack.info.endpoint_name)
    rollback = endpoint.get("LastDeploymentConfig", {}).get("AutoRollbackConfiguration", {})
    return {alarm["AlarmName"] for alarm in rollback.get("Alarms", [])}


def predicts(stack: LocalStack) -> bool:
    response = requests.post(stack.predict_url, data="a fine film", headers=TEXT, timeout=30)
    return response.status_code == 200


def test_turning_alarms_off_is_refused_and_the_readme_replacement_works(real_time_stack: LocalStack) -> None:
    stack = real_time_stack
    name = stack.info.endpoint_name
    assert rollback_alarms(stack) == {f"{name}-Invocation5XXErrors", f"{name}-ModelLatency"}
    log_size = stack.terraform_log.stat().st_size

    with pytest.raises(TerraformError):
        stack.plan(enable_alarms=False)
    refusal = " ".join(stack.terraform_log.read_text()[log_size:].split())  # Terraform wraps its messages
    assert "exists with auto-rollback alarms" in refusal and "Changing the rollback alarms" in refusal, refusal
    assert len(rollback_alarms(stack)) == 2 and predicts(stack), "the refused plan changed something"

    # The README's procedure: delete the endpoint, wait until it is gone, apply (which creates it again).
    stack.client("sagemaker").delete_endpoint(EndpointName=name)
    stack.wait_endpoint_gone(name)
    stack.apply(enable_alarms=False)
    assert rollback_alarms(stack) == set()
    assert predicts(stack)
    assert not stack.plan_has_changes()


def assert_nothing_left(stack: LocalStack) -> None:
    stack.wait_endpoint_gone(stack.info.endpoint_name)
    assert stack.client("lambda").list_functions()["Functions"] == []
    assert stack.client("apigateway").get_rest_apis()["items"] == []
    sagemaker = stack.client("sagemaker")
    assert sagemaker.list_endpoints()["Endpoints"] == []
    assert sagemaker.list_endpoint_configs()["EndpointConfigs"] == []
    assert sagemaker.list_models()["Models"] == []
    assert stack.client("s3").list_buckets()["Buckets"] == []
    assert stack.client("iam").list_roles()["Roles"] == []
    groups = {group["logGroupName"] for group in stack.client("logs").describe_log_groups()["logGroups"]}
    assert groups <= {f"/aws/sagemaker/Endpoints/{stack.info.endpoint_name}"}, groups
    assert stack.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    assert stack.recorded_pids("endpoint-") == {}, "a model server outlived its endpoint"


def test_destroy_then_apply(real_time_stack: LocalStack) -> None:
    stack = real_time_stack
    for cycle in range(CYCLES):
        # A registered package, which Terraform does not manage: the destroy deletes it before the group
        # (SageMaker refuses to delete a group that holds packages).
        register(stack, stack.model_tar, ModelApprovalStatus="Approved")
        stack.destroy()
        assert_nothing_left(stack)
        stack.apply()
        response = requests.post(stack.predict_url, data="a moving, beautifully acted film", headers=TEXT, timeout=30)
        assert response.status_code == 200, f"cycle {cycle + 1}: {response.text}"
        assert response.json()["model_version"] == stack.metrics["model_version"]
