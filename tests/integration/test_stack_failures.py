"""A broken model server gives the caller a prompt 5xx JSON error, never a hang, and the endpoint recovers."""

from __future__ import annotations

import time

import pytest
import requests

from scripts.local_aws import processes

pytestmark = pytest.mark.integration

# A guard, not a measurement: a hang would hold the request until API Gateway's 29 s integration limit.
HANG_GUARD_SECONDS = 20


def wait_in_service(sagemaker, name: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"]
        if status == "InService":
            return
        assert status in ("Creating", "Updating"), status
        time.sleep(0.5)
    raise TimeoutError(f"endpoint {name} not InService within {timeout} s")


def test_stopped_model_server_gives_a_5xx_json_error(local_stack) -> None:
    servers = local_stack.recorded_pids("endpoint-")
    assert servers, "no model server to stop"
    sagemaker = local_stack.client("sagemaker")
    name = local_stack.info.endpoint_name
    try:
        for pid in servers.values():
            processes.stop(pid)
        response = requests.post(
            local_stack.predict_url,
            data="a fine film",
            headers={"Content-Type": "text/plain"},
            timeout=HANG_GUARD_SECONDS,
        )
        assert 500 <= response.status_code < 600, response.text
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["error"]
        if response.status_code == 503:
            assert int(response.headers["Retry-After"]) > 0
    finally:
        # What SageMaker does with an unhealthy instance: replace it (here: redeploy the same configuration).
        config = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
        sagemaker.update_endpoint(EndpointName=name, EndpointConfigName=config)
        wait_in_service(sagemaker, name)
    recovered = requests.post(
        local_stack.predict_url, data="a fine film", headers={"Content-Type": "text/plain"}, timeout=30
    )
    assert recovered.status_code == 200, recovered.text
