"""`terraform destroy` then `apply` works, and each destroy leaves nothing behind.

On a stack of its own (destroying the shared one would break every test after it). Endpoint deletion takes
a while, as on AWS, and the aws provider counts a Deleting endpoint as gone: `terraform destroy` returns
while the containers still run and write their logs, so SageMaker recreates the log group the module
deleted after the endpoint. The root adopts such a group at the next apply (an import block) instead of
failing with ResourceAlreadyExistsException; after the last destroy it is the one thing SageMaker leaves.

A model package registered in the root's group (outside Terraform, as the promotion step does) is deleted
before the destroy, which SageMaker would otherwise refuse for the group. One cycle proves all of that: a
second goes the same way (destroy what the first apply imported, adopt the log group again), so `make test` runs
one and `make test-thorough` runs it twice in a row (STACK_CYCLES=2).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.integration.conftest import LocalStack, deployed_stack
from tests.integration.test_stack_model_registry import register

# A stack of its own to deploy (LocalStack, the whole root) before the destroy/apply cycles.
pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CYCLES = int(os.environ.get("STACK_CYCLES", "1"))
# The model bucket's lifecycle rule costs about a minute per create (the provider waits for S3 to report it
# steadily); this stack goes without it so that two cycles stay quick. Everything else is the default root.
VARIABLES = {"model_version_retention_days": None}


@pytest.fixture(scope="module")
def own_stack(stack_artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with deployed_stack(
        stack_artifacts, tmp_path_factory.mktemp("destroy-apply"), VARIABLES, {"delete_seconds": 3}
    ) as deployed:
        yield deployed


def wait_endpoint_gone(stack: LocalStack, timeout: float = 60) -> None:
    """What `aws sagemaker wait endpoint-deleted` does after a destroy."""
    sagemaker = stack.client("sagemaker")
    deadline = time.monotonic() + timeout
    while sagemaker.list_endpoints()["Endpoints"]:
        assert time.monotonic() < deadline, "the endpoint is still there"
        time.sleep(0.5)


def assert_nothing_left(stack: LocalStack) -> None:
    wait_endpoint_gone(stack)
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


def test_destroy_then_apply_twice(own_stack: LocalStack) -> None:
    for cycle in range(CYCLES):
        # A registered package, which Terraform does not manage: the destroy deletes it before the group
        # (SageMaker refuses to delete a group that holds packages).
        register(own_stack, own_stack.model_tar, ModelApprovalStatus="Approved")
        own_stack.destroy()
        assert_nothing_left(own_stack)
        own_stack.apply()
        response = requests.post(
            own_stack.predict_url,
            data="a moving, beautifully acted film",
            headers={"Content-Type": "text/plain"},
            timeout=30,
        )
        assert response.status_code == 200, f"cycle {cycle + 1}: {response.text}"
        assert response.json()["model_version"] == own_stack.metrics["model_version"]
