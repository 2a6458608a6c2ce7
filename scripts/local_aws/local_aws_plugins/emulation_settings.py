"""How slowly the emulated SageMaker works: the durations AWS takes, set per stack and changeable while it runs.

On AWS an endpoint update provisions a new fleet for minutes before traffic moves; a failed one rolls back;
a deletion takes a while too. Tests need those windows to be real (a rollout test wants at least 20 s) while
every other apply stays fast, and they must change them without restarting LocalStack. So the durations come
from, in order of precedence:

1. ``<LOCAL_AWS_STATE_DIR>/sagemaker-emulation.json`` (``SETTINGS_FILE``), re-read on every CreateEndpoint,
   UpdateEndpoint and DeleteEndpoint: ``{"update_seconds": 20}`` makes the next update take 20 s;
2. the environment LocalStack was started with: ``LOCAL_SAGEMAKER_UPDATE_SECONDS``,
   ``LOCAL_SAGEMAKER_ROLLBACK_SECONDS``, ``LOCAL_SAGEMAKER_DELETE_SECONDS``;
3. the defaults below (fast, so that ``make test`` stays fast).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, fields

from local_aws_plugins import process_registry

LOG = logging.getLogger(__name__)

SETTINGS_FILE = "sagemaker-emulation.json"


@dataclass(frozen=True)
class EmulationSettings:
    """Durations in seconds; each is a key of the settings file and an upper-cased LOCAL_SAGEMAKER_* variable."""

    # Provisioning of a new fleet before its model server starts and must pass /ping; the old fleet serves
    # meanwhile. Creating and updating an endpoint both take this long plus the server's start (~2 s).
    update_seconds: float = 0.0
    # How long a failed update stays RollingBack before the endpoint is InService again on its old fleet.
    rollback_seconds: float = 1.0
    # How long DeleteEndpoint keeps the endpoint Deleting (its containers still run and still write logs).
    delete_seconds: float = 1.0


def current() -> EmulationSettings:
    """The settings now: the file's values over the environment's over the defaults; bad values are logged."""
    values: dict[str, float] = {}
    for item in fields(EmulationSettings):
        variable = f"LOCAL_SAGEMAKER_{item.name.upper()}"
        if os.environ.get(variable):
            values[item.name] = _seconds(variable, os.environ[variable])
    path = process_registry.state_dir() / SETTINGS_FILE
    if path.is_file():
        try:
            overrides = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            LOG.error("Ignoring %s: %s", path, error)
            overrides = {}
        known = {item.name for item in fields(EmulationSettings)}
        for key, value in overrides.items():
            if key in known:
                values[key] = _seconds(f"{path}:{key}", value)
            else:
                LOG.error("Ignoring unknown setting %r in %s (known: %s)", key, path, ", ".join(sorted(known)))
    return EmulationSettings(**{key: value for key, value in values.items() if value is not None})


def _seconds(source: str, value: object) -> float | None:
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = -1.0
    if seconds < 0:
        LOG.error("Ignoring %s=%r: not a number of seconds >= 0", source, value)
        return None
    return seconds
