"""The emulated SageMaker refuses the DeploymentConfigs AWS refuses (step sizes, waits, execution timeout)."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.local_aws.local_aws_shared.deployment_config import (
    DeploymentConfigError,
    check_deployment_config,
    step_instances,
)


def blue_green(kind: str = "ALL_AT_ONCE", wait: int = 300, termination: int = 300, **extra: Any) -> dict[str, Any]:
    routing: dict[str, Any] = {"Type": kind, "WaitIntervalInSeconds": wait}
    policy: dict[str, Any] = {"TrafficRoutingConfiguration": routing, "TerminationWaitInSeconds": termination}
    for key in ("CanarySize", "LinearStepSize"):
        if key in extra:
            routing[key] = extra.pop(key)
    policy.update(extra)
    return {"BlueGreenUpdatePolicy": policy}


def percent(value: int) -> dict[str, Any]:
    return {"Type": "CAPACITY_PERCENT", "Value": value}


def instances(value: int) -> dict[str, Any]:
    return {"Type": "INSTANCE_COUNT", "Value": value}


@pytest.mark.parametrize(
    ("config", "fleet"),
    [
        (None, 1),
        ({}, 1),
        (blue_green(), 1),
        (blue_green("CANARY", CanarySize=percent(50)), 2),
        (blue_green("CANARY", CanarySize=instances(2)), 4),
        (blue_green("LINEAR", LinearStepSize=percent(10)), 10),
        (blue_green("LINEAR", LinearStepSize=percent(50)), 2),
        (blue_green("LINEAR", LinearStepSize=percent(10)), 15),  # 1 of 15 instances: a percentage rounds down
        (blue_green("CANARY", CanarySize=percent(10)), None),  # serverless: no instance count to check
        (blue_green(wait=0, termination=3600), 1),
        (blue_green(MaximumExecutionTimeoutInSeconds=601), 1),  # above 1 x 300 + 300 s of waits
        # Linear steps of 2 of 8 instances: 4 bakes x 60 s = 240 s of waits.
        (blue_green("LINEAR", 60, 0, LinearStepSize=percent(25), MaximumExecutionTimeoutInSeconds=600), 8),
    ],
)
def test_accepts_what_sagemaker_accepts(config: dict[str, Any] | None, fleet: int | None) -> None:
    check_deployment_config(config, fleet)


@pytest.mark.parametrize(
    ("config", "fleet", "reason"),
    [
        (blue_green("CANARY", CanarySize=percent(51)), 4, "1-50%"),
        (blue_green("CANARY", CanarySize=percent(10)), 1, "1 of 1 instance"),
        (blue_green("CANARY", CanarySize=instances(3)), 4, "3 of 4 instance"),
        (blue_green("CANARY"), 4, "needs CanarySize"),
        (blue_green("LINEAR", LinearStepSize=percent(9)), 20, "10-50%"),
        (blue_green("LINEAR", LinearStepSize=percent(51)), 20, "10-50%"),
        (blue_green("LINEAR", LinearStepSize=percent(25)), 1, "1 of 1 instance"),
        (blue_green("LINEAR", LinearStepSize=instances(1)), 20, "1 of 20 instance"),
        (blue_green("LINEAR"), 4, "needs LinearStepSize"),
        (blue_green("CANARY", CanarySize={"Type": "CAPACITY_PERCENT", "Value": 0}), 4, "at least 1"),
        (blue_green("ROLLING"), 1, "ALL_AT_ONCE, CANARY or LINEAR"),
        (blue_green(wait=3601), 1, "WaitIntervalInSeconds"),
        (blue_green(termination=-1), 1, "TerminationWaitInSeconds"),
        (blue_green(MaximumExecutionTimeoutInSeconds=599, wait=0, termination=0), 1, "600-28800"),
        (blue_green(MaximumExecutionTimeoutInSeconds=600), 1, "waits (600 s)"),  # not above 300 + 300 s
        # Linear steps of 1 of 4 instances: 4 bakes x 200 s = 800 s of waits.
        (blue_green("LINEAR", 200, 0, LinearStepSize=percent(25), MaximumExecutionTimeoutInSeconds=800), 4, "(800 s)"),
    ],
)
def test_refuses_what_sagemaker_refuses(config: dict[str, Any], fleet: int | None, reason: str) -> None:
    with pytest.raises(DeploymentConfigError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_deployment_config(config, fleet)


@pytest.mark.parametrize(
    ("size", "fleet", "expected"),
    [(percent(10), 1, 1), (percent(25), 2, 1), (percent(50), 3, 1), (percent(50), 4, 2), (instances(3), 10, 3)],
)
def test_a_percentage_activates_whole_instances_rounded_down_at_least_one(
    size: dict[str, Any], fleet: int, expected: int
) -> None:
    assert step_instances(size, fleet) == expected
