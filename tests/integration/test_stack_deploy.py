"""Deploying is repeatable and the deployed pieces behave like their AWS counterparts where it matters."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from scripts.local_aws import localstack, stack

pytestmark = pytest.mark.integration


def test_second_up_changes_nothing(local_stack) -> None:
    """`up` again (same inputs) reuses the running LocalStack and applies nothing: its plan was empty.

    "No changes." is what `terraform apply` prints for a plan with no change to any resource or output (what
    `terraform plan -detailed-exitcode` exits 0 for), so a second plan after it would prove the same again.
    """
    layout = local_stack.layout
    pid = localstack.running_pid(layout)
    variables = json.loads(layout.tfvars.read_text())  # as deployed, including changes by earlier tests
    logged = local_stack.terraform_log.stat().st_size
    with local_stack.terraform_log.open("a") as log:
        info = stack.up(layout, local_stack.model_tar, local_stack.lambda_zip, variables, output=log, log=print)
    with local_stack.terraform_log.open() as log:
        log.seek(logged)
        second_up = log.read()
    assert "No changes. Your infrastructure matches the configuration." in second_up, second_up[-3000:]
    assert "Apply complete! Resources: 0 added, 0 changed, 0 destroyed." in second_up
    assert localstack.running_pid(layout) == pid
    assert info == local_stack.info


def test_endpoint_is_in_service_with_the_deployed_model(local_stack) -> None:
    sagemaker = local_stack.client("sagemaker")
    endpoint = sagemaker.describe_endpoint(EndpointName=local_stack.info.endpoint_name)
    assert endpoint["EndpointStatus"] == "InService"
    config = sagemaker.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    assert config["ProductionVariants"][0]["ModelName"] == local_stack.info.model_name
    assert local_stack.recorded_pids("endpoint-"), "no model server process runs for the endpoint"


def test_invocation_logs_reach_cloudwatch(local_stack) -> None:
    """The handler's log lines and the runtime's REPORT line land in the function's log group, as on AWS."""
    response = requests.post(
        local_stack.predict_url, data="a fine film", headers={"Content-Type": "text/plain"}, timeout=30
    )
    assert response.status_code == 200
    logs = local_stack.client("logs")
    group = f"/aws/lambda/{local_stack.info.function_name}"
    deadline = time.monotonic() + 10
    messages: list[str] = []
    while time.monotonic() < deadline and not any(m.startswith("REPORT RequestId") for m in messages):
        events = logs.filter_log_events(logGroupName=group, startTime=int((time.time() - 120) * 1000))["events"]
        messages = [event["message"] for event in events]
        time.sleep(0.5)
    assert any(m.startswith("REPORT RequestId") for m in messages)
    assert any(re.search(r'"status":\s*200', m) for m in messages), messages[-5:]
