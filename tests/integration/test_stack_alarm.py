"""Break the endpoint: its 5XX alarm fires and the topic tells a subscriber; restore it: the alarm clears.

An SQS queue is subscribed to the alarm topic the real way (the root's ``alarm_subscriptions``) and the
endpoint's alarms have a 10-second period, so LocalStack evaluates them within seconds: both are part of the
session deploy (tests/integration/conftest.py), so this test applies nothing. The emulated SageMaker
publishes ``AWS/SageMaker`` metrics as AWS does, LocalStack evaluates the alarm and publishes its state
changes to the topic, which delivers them to the queue. The endpoint is repaired however the test ends.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import requests

from scripts.local_aws import processes

pytestmark = pytest.mark.integration

WAIT_SECONDS = 90  # a few evaluation periods plus the metrics' 5 s flush, on a loaded machine


def post(url: str) -> requests.Response:
    return requests.post(url, data="a fine film", headers={"Content-Type": "text/plain"}, timeout=30)


def wait_for_state(sqs, queue_url: str, alarm_name: str, state: str, after: datetime, call) -> dict:
    """Keep calling ``call`` until the queue carries a change of the alarm to ``state`` made after ``after``.

    Earlier notifications (the alarm may flip while the test sets up) are no evidence and are skipped.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    seen = []
    while time.monotonic() < deadline:
        call()
        received = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=2, MaxNumberOfMessages=10)
        for message in received.get("Messages", []):
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            notification = json.loads(json.loads(message["Body"])["Message"])
            changed = datetime.fromisoformat(notification["StateChangeTime"].replace("Z", "+00:00"))
            seen.append((notification["AlarmName"], notification["NewStateValue"], changed.isoformat()))
            if notification["AlarmName"] == alarm_name and notification["NewStateValue"] == state and changed > after:
                return notification
    raise AssertionError(f"no {state} notification of {alarm_name} within {WAIT_SECONDS} s; seen: {seen}")


def wait_not_in_alarm(cloudwatch, alarm_name: str) -> None:
    """An earlier test's 5xx may still hold the alarm in ALARM: firing is only evidence from another state."""
    deadline = time.monotonic() + WAIT_SECONDS
    while cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"][0]["StateValue"] == "ALARM":
        assert time.monotonic() < deadline, f"{alarm_name} stays in ALARM with the endpoint healthy"
        time.sleep(1)


def wait_in_service(sagemaker, name: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"] != "InService":
        assert time.monotonic() < deadline, f"endpoint {name} not InService within {timeout} s"
        time.sleep(0.5)


def test_endpoint_5xx_alarm_notifies_the_topic_and_recovers(local_stack) -> None:
    sqs = local_stack.client("sqs")
    queue_url = local_stack.alarm_queue_url
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = local_stack.info.endpoint_name
    alarm_name = f"{name}-Invocation5XXErrors"
    sagemaker, cloudwatch = local_stack.client("sagemaker"), local_stack.client("cloudwatch")
    alarm = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"][0]
    subscriptions = local_stack.client("sns").list_subscriptions()["Subscriptions"]
    topics = [s["TopicArn"] for s in subscriptions if s["Endpoint"] == queue_arn]
    assert alarm["AlarmActions"] == alarm["OKActions"] == topics
    assert post(local_stack.predict_url).status_code == 200
    wait_not_in_alarm(cloudwatch, alarm_name)

    def broken_call() -> None:
        """The endpoint's model server dies, and stays dead while the test waits."""
        for pid in local_stack.recorded_pids("endpoint-").values():
            processes.stop(pid)
        assert post(local_stack.predict_url).status_code >= 500

    broken_at = datetime.now(UTC)
    try:
        fired = wait_for_state(sqs, queue_url, alarm_name, "ALARM", broken_at, broken_call)
    finally:
        # What SageMaker does with an unhealthy instance: replace it (here: redeploy the same configuration).
        config = sagemaker.describe_endpoint(EndpointName=name)["EndpointConfigName"]
        sagemaker.update_endpoint(EndpointName=name, EndpointConfigName=config)
        wait_in_service(sagemaker, name)
    assert fired["Trigger"]["MetricName"] == "Invocation5XXErrors"
    assert fired["Trigger"]["Namespace"] == "AWS/SageMaker"

    restored_at = datetime.now(UTC)
    assert post(local_stack.predict_url).status_code == 200
    wait_for_state(sqs, queue_url, alarm_name, "OK", restored_at, lambda: post(local_stack.predict_url))
