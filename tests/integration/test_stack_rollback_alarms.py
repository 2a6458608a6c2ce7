"""A live real-time endpoint keeps its rollback alarms: a plan that turns them off is refused with the reason,
and the deliberate replacement the endpoint module's README gives ("Changing the rollback alarms") works.

On a stack of its own (a real-time endpoint; the shared stack is serverless). The aws provider forces a new
endpoint when auto_rollback_configuration changes, and the name is fixed: a replacement either deletes the
live endpoint first and then fails to create it (the provider counts a Deleting endpoint as gone), or, in
this root, where the API deployment's create_before_destroy extends to everything it depends on, tries the
create first and fails on every apply. The README's way round: delete it by hand, wait, apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from scripts.local_aws.terraform import TerraformError
from tests.integration.conftest import LocalStack, deployed_stack

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]  # its own stack, then a replacement

# One instance without autoscaling (all the emulation serves), alarms and auto-rollback on by default; no
# model-bucket lifecycle rule (a minute per create, as in test_stack_destroy_apply).
VARIABLES = {
    "model_version_retention_days": None,
    "endpoint_type": "real-time",
    "real_time": {"initial_instance_count": 1, "autoscaling": False},
}


@pytest.fixture(scope="module")
def real_time_stack(stack_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with deployed_stack(
        stack_artifacts, tmp_path_factory.mktemp("rollback-alarms"), VARIABLES, {"delete_seconds": 5}
    ) as deployed:
        yield deployed


def rollback_alarms(stack: LocalStack) -> set[str]:
    endpoint = stack.client("sagemaker").describe_endpoint(EndpointName=stack.info.endpoint_name)
    rollback = endpoint.get("LastDeploymentConfig", {}).get("AutoRollbackConfiguration", {})
    return {alarm["AlarmName"] for alarm in rollback.get("Alarms", [])}


def predicts(stack: LocalStack) -> bool:
    response = requests.post(stack.predict_url, data="a fine film", headers={"Content-Type": "text/plain"}, timeout=30)
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
