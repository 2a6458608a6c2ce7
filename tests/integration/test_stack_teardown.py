"""`terraform destroy` leaves nothing behind in LocalStack. Runs last (file order): it removes the stack."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_destroy_leaves_nothing(local_stack) -> None:
    local_stack.destroy()
    assert local_stack.client("lambda").list_functions()["Functions"] == []
    assert local_stack.client("apigateway").get_rest_apis()["items"] == []
    sagemaker = local_stack.client("sagemaker")
    assert sagemaker.list_endpoints()["Endpoints"] == []
    assert sagemaker.list_endpoint_configs()["EndpointConfigs"] == []
    assert sagemaker.list_models()["Models"] == []
    assert local_stack.client("s3").list_buckets()["Buckets"] == []
    assert local_stack.client("iam").list_roles()["Roles"] == []
    assert local_stack.recorded_pids("endpoint-") == {}, "a model server outlived its endpoint"
