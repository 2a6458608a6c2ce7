"""The DeploymentConfig checks SageMaker makes on CreateEndpoint / UpdateEndpoint, for the emulation to refuse
what AWS refuses (a configuration that plans against the emulation but fails on AWS is a bug found too late).

The rules are the SageMaker API reference's (BlueGreenUpdatePolicy, TrafficRoutingConfig, CapacitySize):
wait interval and termination wait 0-3600 s; maximum execution timeout 600-28800 s and above the waits;
a canary at most 50 % of the new fleet, a linear step 10-50 % of it. Traffic moves in whole instances, so a
step of one instance on a one-instance fleet is 100 %: a percentage is turned into instances rounded down,
at least one (the sagemaker_endpoint module counts steps the same way). Only blue/green policies are checked;
the emulation does not model rolling updates. Serverless variants have no instance count and are not checked
for step sizes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_WAIT_SECONDS = 3600
EXECUTION_TIMEOUT_RANGE = (600, 28800)
CANARY_MAX_PERCENT = 50
LINEAR_PERCENT_RANGE = (10, 50)


class DeploymentConfigError(ValueError):
    """A DeploymentConfig SageMaker would refuse with a ValidationException; the message says why."""


def step_instances(size: Mapping[str, Any], fleet: int) -> int:
    """Instances a CapacitySize activates in a fleet of ``fleet``: a count as given, a percentage rounded down,
    at least one."""
    value = int(size["Value"])
    if size["Type"] == "INSTANCE_COUNT":
        return value
    return max(1, fleet * value // 100)


def _check_size(name: str, size: Mapping[str, Any], fleet: int | None, low_percent: int, high_percent: int) -> None:
    value = size.get("Value")
    if size.get("Type") not in ("INSTANCE_COUNT", "CAPACITY_PERCENT") or not isinstance(value, int) or value < 1:
        raise DeploymentConfigError(f"{name} needs Type INSTANCE_COUNT or CAPACITY_PERCENT and a Value of at least 1.")
    if size["Type"] == "CAPACITY_PERCENT" and not low_percent <= value <= high_percent:
        raise DeploymentConfigError(f"{name} must be {low_percent}-{high_percent}% of the fleet, not {value}%.")
    if fleet is None:
        return
    instances = step_instances(size, fleet)
    # A count is a share of the fleet; a percentage already is one, but never less than a whole instance.
    too_small = size["Type"] == "INSTANCE_COUNT" and instances * 100 < fleet * low_percent
    if instances * 100 > fleet * high_percent or too_small:
        raise DeploymentConfigError(
            f"{name} activates {instances} of {fleet} instance(s); it must be {low_percent}-{high_percent}% "
            "of the variant's total instance count."
        )


def _steps(routing: Mapping[str, Any], fleet: int | None) -> int:
    """Baking periods of a deployment: one for ALL_AT_ONCE, two for CANARY, one per step for LINEAR."""
    kind = routing["Type"]
    if kind == "CANARY":
        return 2
    if kind == "LINEAR":
        size = routing["LinearStepSize"]
        if fleet is None:
            return -(-100 // int(size["Value"])) if size["Type"] == "CAPACITY_PERCENT" else 1
        return -(-fleet // step_instances(size, fleet))
    return 1


def check_deployment_config(config: Mapping[str, Any] | None, fleet: int | None) -> None:
    """Raise ``DeploymentConfigError`` if SageMaker would refuse ``config`` for a variant of ``fleet`` instances
    (None: a serverless variant)."""
    policy = (config or {}).get("BlueGreenUpdatePolicy")
    if not policy:
        return
    routing = policy.get("TrafficRoutingConfiguration") or {}
    kind, wait = routing.get("Type"), routing.get("WaitIntervalInSeconds")
    if kind not in ("ALL_AT_ONCE", "CANARY", "LINEAR"):
        raise DeploymentConfigError("TrafficRoutingConfiguration.Type must be ALL_AT_ONCE, CANARY or LINEAR.")
    if not isinstance(wait, int) or not 0 <= wait <= MAX_WAIT_SECONDS:
        raise DeploymentConfigError(f"WaitIntervalInSeconds must be 0-{MAX_WAIT_SECONDS}.")
    termination = policy.get("TerminationWaitInSeconds", 0)
    if not isinstance(termination, int) or not 0 <= termination <= MAX_WAIT_SECONDS:
        raise DeploymentConfigError(f"TerminationWaitInSeconds must be 0-{MAX_WAIT_SECONDS}.")
    for name, needed_by, low, high in (
        ("CanarySize", "CANARY", 1, CANARY_MAX_PERCENT),
        ("LinearStepSize", "LINEAR", *LINEAR_PERCENT_RANGE),
    ):
        size = routing.get(name)
        if kind == needed_by and not size:
            raise DeploymentConfigError(f"{kind} traffic routing needs {name}.")
        if size:
            _check_size(name, size, fleet, low, high)
    timeout = policy.get("MaximumExecutionTimeoutInSeconds")
    if timeout is not None:
        low, high = EXECUTION_TIMEOUT_RANGE
        waits = _steps(routing, fleet) * wait + termination
        if not isinstance(timeout, int) or not low <= timeout <= high or timeout <= waits:
            raise DeploymentConfigError(
                f"MaximumExecutionTimeoutInSeconds must be {low}-{high} and larger than the deployment's "
                f"waits ({waits} s)."
            )
