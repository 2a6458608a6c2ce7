"""The emulated SageMaker takes AWS's slow and failing paths: timed updates, rollbacks, deletion, metrics, logs.

A probe endpoint (serverless, the stack's own model) is created next to the stack with boto3 and deleted
again, so these tests never disturb the endpoint the other tests call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration

PROBE = "emulation-probe"
UPDATE_SECONDS = 4.0
HEALTH_CHECK_FAILURE = (
    "The primary container for production variant AllTraffic did not pass the ping health check. "
    "Please check CloudWatch logs for this endpoint."
)


def wait_for_status(sagemaker, name: str, wanted: str, timeout: float = 90) -> list[str]:
    """Poll DescribeEndpoint until ``wanted``; every status seen on the way, in order."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return seen
        time.sleep(0.2)
    raise TimeoutError(f"endpoint {name} not {wanted} within {timeout} s; saw {seen}")


def config(sagemaker, name: str, model: str) -> str:
    sagemaker.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": model,
                "ServerlessConfig": {"MemorySizeInMB": 1024, "MaxConcurrency": 1},
            }
        ],
    )
    return name


def invoke(runtime, name: str) -> dict:
    answer = runtime.invoke_endpoint(EndpointName=name, ContentType="text/plain", Body=b"a fine, moving film")
    return json.loads(answer["Body"].read())


@pytest.fixture(scope="module")
def probe(local_stack) -> Iterator[str]:
    """A serverless endpoint on the stack's model; the test module's configurations and models go with it."""
    sagemaker = local_stack.client("sagemaker")
    config(sagemaker, f"{PROBE}-good", local_stack.info.model_name)
    sagemaker.create_endpoint(EndpointName=PROBE, EndpointConfigName=f"{PROBE}-good")
    try:
        wait_for_status(sagemaker, PROBE, "InService")
        yield PROBE
    finally:
        sagemaker.delete_endpoint(EndpointName=PROBE)
        wait_gone(sagemaker, PROBE)
        # by name here: moto ignores NameContains, and the stack's own configuration and model must stay
        for item in sagemaker.list_endpoint_configs()["EndpointConfigs"]:
            if item["EndpointConfigName"].startswith(PROBE):
                sagemaker.delete_endpoint_config(EndpointConfigName=item["EndpointConfigName"])
        for item in sagemaker.list_models()["Models"]:
            if item["ModelName"].startswith(PROBE):
                sagemaker.delete_model(ModelName=item["ModelName"])


def wait_gone(sagemaker, name: str, timeout: float = 60) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"]
        except sagemaker.exceptions.ClientError as error:
            assert "Could not find endpoint" in str(error)
            return seen
        if not seen or seen[-1] != status:
            seen.append(status)
        time.sleep(0.2)
    raise TimeoutError(f"endpoint {name} still there after {timeout} s; saw {seen}")


def test_update_answers_at_once_and_takes_the_set_time_while_the_old_fleet_serves(local_stack, probe) -> None:
    sagemaker, runtime = local_stack.client("sagemaker"), local_stack.client("sagemaker-runtime")
    before = local_stack.recorded_pids(f"endpoint-{probe}-")
    with local_stack.slow_sagemaker(update_seconds=UPDATE_SECONDS):
        started = time.monotonic()
        sagemaker.update_endpoint(EndpointName=probe, EndpointConfigName=f"{PROBE}-good")
        answered = time.monotonic() - started
        assert sagemaker.describe_endpoint(EndpointName=probe)["EndpointStatus"] == "Updating"
        served = 0
        while sagemaker.describe_endpoint(EndpointName=probe)["EndpointStatus"] == "Updating":
            assert invoke(runtime, probe)["predictions"][0]["label"] == "positive"
            served += 1
        took = time.monotonic() - started
    assert answered < 1.0, f"UpdateEndpoint took {answered:.1f} s to answer"
    assert took >= UPDATE_SECONDS
    assert served > 0
    assert sagemaker.describe_endpoint(EndpointName=probe)["EndpointStatus"] == "InService"
    deadline = time.monotonic() + 30  # the old server drains for 2 s, then stops gracefully
    while len(after := local_stack.recorded_pids(f"endpoint-{probe}-")) > 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(after) == 1 and set(after) != set(before), (before, after)


def test_the_deployment_configuration_given_is_described_back(local_stack, probe) -> None:
    """As AWS, ``LastDeploymentConfig``: the aws provider reads guardrails from it, and without it every plan
    of a real-time endpoint with auto-rollback alarms replaced the endpoint (the setting forces a new one)."""
    sagemaker = local_stack.client("sagemaker")
    assert "LastDeploymentConfig" not in sagemaker.describe_endpoint(EndpointName=probe)  # none given yet
    deployment = {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0},
            "TerminationWaitInSeconds": 0,
        },
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": f"{PROBE}-Invocation5XXErrors"}]},
    }
    sagemaker.update_endpoint(EndpointName=probe, EndpointConfigName=f"{PROBE}-good", DeploymentConfig=deployment)
    wait_for_status(sagemaker, probe, "InService")
    assert sagemaker.describe_endpoint(EndpointName=probe)["LastDeploymentConfig"] == deployment


@pytest.mark.parametrize(
    ("routing", "refusal"),
    [
        ({"Type": "CANARY", "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10}}, "1 of 1 instance"),
        ({"Type": "LINEAR", "LinearStepSize": {"Type": "CAPACITY_PERCENT", "Value": 60}}, "10-50%"),
    ],
)
def test_a_deployment_configuration_aws_refuses_is_refused_before_anything_changes(
    local_stack, probe, routing: dict, refusal: str
) -> None:
    """A canary or linear step on a one-instance fleet (100 %), or a step above 50 %: SageMaker's
    ValidationException, and the endpoint keeps serving its configuration (local_aws_shared/deployment_config)."""
    sagemaker = local_stack.client("sagemaker")
    one_instance = f"{PROBE}-one-instance"
    if one_instance not in [c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]]:
        variant = {"VariantName": "AllTraffic", "ModelName": local_stack.info.model_name}
        variant |= {"InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
        sagemaker.create_endpoint_config(EndpointConfigName=one_instance, ProductionVariants=[variant])
    deployment = {"BlueGreenUpdatePolicy": {"TrafficRoutingConfiguration": {**routing, "WaitIntervalInSeconds": 0}}}
    with pytest.raises(sagemaker.exceptions.ClientError) as refused:
        sagemaker.update_endpoint(EndpointName=probe, EndpointConfigName=one_instance, DeploymentConfig=deployment)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refusal in refused.value.response["Error"]["Message"]
    endpoint = sagemaker.describe_endpoint(EndpointName=probe)
    assert (endpoint["EndpointStatus"], endpoint["EndpointConfigName"]) == ("InService", f"{PROBE}-good")


def test_failed_update_rolls_back_to_the_old_configuration_with_a_failure_reason(local_stack, probe) -> None:
    sagemaker, runtime = local_stack.client("sagemaker"), local_stack.client("sagemaker-runtime")
    role = sagemaker.describe_model(ModelName=local_stack.info.model_name)["ExecutionRoleArn"]
    container = sagemaker.describe_model(ModelName=local_stack.info.model_name)["PrimaryContainer"]
    sagemaker.create_model(
        ModelName=f"{PROBE}-missing-archive",
        ExecutionRoleArn=role,
        PrimaryContainer={**container, "ModelDataUrl": f"s3://{local_stack.info.bucket_name}/no/such/model.tar.gz"},
    )
    config(sagemaker, f"{PROBE}-broken", f"{PROBE}-missing-archive")
    sagemaker.update_endpoint(EndpointName=probe, EndpointConfigName=f"{PROBE}-broken")
    seen = ["Updating"]
    while seen[-1] != "InService":
        assert invoke(runtime, probe)["predictions"], "the old fleet stopped serving during the update"
        seen += wait_for_status(sagemaker, probe, "InService", timeout=60)
    assert "RollingBack" in seen, seen
    endpoint = sagemaker.describe_endpoint(EndpointName=probe)
    assert endpoint["EndpointConfigName"] == f"{PROBE}-good"
    assert endpoint["FailureReason"].startswith("Failed to download model data")
    assert invoke(runtime, probe)["predictions"]


def test_invocations_publish_the_endpoint_metrics_aws_publishes(local_stack, probe) -> None:
    runtime, cloudwatch = local_stack.client("sagemaker-runtime"), local_stack.client("cloudwatch")
    start = datetime.now(UTC) - timedelta(minutes=1)
    for _ in range(5):
        invoke(runtime, probe)
    dimensions = [{"Name": "EndpointName", "Value": probe}, {"Name": "VariantName", "Value": "AllTraffic"}]

    def statistic(metric: str, **kind) -> list[dict]:
        return cloudwatch.get_metric_statistics(
            Namespace="AWS/SageMaker",
            MetricName=metric,
            Dimensions=dimensions,
            StartTime=start,
            EndTime=datetime.now(UTC) + timedelta(minutes=1),
            Period=60,
            **kind,
        )["Datapoints"]

    deadline = time.monotonic() + 20  # the plugin sends every 5 s
    while time.monotonic() < deadline and sum(p["Sum"] for p in statistic("Invocations", Statistics=["Sum"])) < 5:
        time.sleep(1)
    assert sum(p["Sum"] for p in statistic("Invocations", Statistics=["Sum"])) >= 5
    assert sum(p["Sum"] for p in statistic("Invocation5XXErrors", Statistics=["Sum"])) == 0
    assert statistic("Invocation4XXErrors", Statistics=["SampleCount"])
    latency = statistic("ModelLatency", Statistics=["Maximum", "Minimum"])
    assert latency and all(100 < p["Minimum"] <= p["Maximum"] < 60e6 for p in latency), latency  # microseconds
    assert latency[0]["Unit"] == "Microseconds"
    assert statistic("OverheadLatency", Statistics=["Maximum"])
    assert statistic("ModelSetupTime", Statistics=["Maximum"]), "no cold-start figure for the serverless probe"


def test_deleting_takes_a_while_and_the_containers_still_write_their_logs(local_stack) -> None:
    """A log group deleted while the endpoint is Deleting comes back: why Terraform orders it after the endpoint."""
    sagemaker, logs = local_stack.client("sagemaker"), local_stack.client("logs")
    name = f"{PROBE}-deleted"
    config(sagemaker, name, local_stack.info.model_name)
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=name)
    wait_for_status(sagemaker, name, "InService")
    group = f"/aws/sagemaker/Endpoints/{name}"
    with local_stack.slow_sagemaker(delete_seconds=2):
        sagemaker.delete_endpoint(EndpointName=name)
        assert sagemaker.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Deleting"
        if logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
            logs.delete_log_group(logGroupName=group)
        wait_gone(sagemaker, name)
    try:
        assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"], "the containers' log did not arrive"
        streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
        assert streams and streams[0]["logStreamName"].startswith("AllTraffic/")
        assert local_stack.recorded_pids(f"endpoint-{name}-") == {}
    finally:
        logs.delete_log_group(logGroupName=group)
