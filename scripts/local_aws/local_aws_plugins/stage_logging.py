"""Which API Gateway stage updates turn logging on: what AWS refuses in an account without a CloudWatch role.

API Gateway writes a stage's access logs, execution logs and data traces through one CloudWatch role per
account and region (``cloudwatchRoleArn`` of GetAccount). An account that never set one (every fresh
account: the setting is opt-in) refuses UpdateStage operations that turn any of them on with
``BadRequestException`` "CloudWatch Logs role ARN must be set in account settings to enable logging";
metrics, throttling and turning logging *off* need no role. The aws provider sends access log settings as
``/accessLogSettings/...`` operations after CreateStage (which has no such field) and method settings as
``/<resource path>/<method>/logging/...`` operations, ``*/*`` for every method.

Pure functions, so the project's unit tests check them without LocalStack (fresh_account uses them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

NO_ROLE_MESSAGE = "CloudWatch Logs role ARN must be set in account settings to enable logging"
SETTING_OPS = ("add", "replace")


def enables_logging(operation: Mapping[str, object]) -> bool:
    """Whether one JSON-patch operation of UpdateStage turns on access logs, execution logging or data trace."""
    if operation.get("op") not in SETTING_OPS:
        return False
    path = str(operation.get("path") or "")
    value = str(operation.get("value") or "")
    if path.startswith("/accessLogSettings"):
        return bool(value)  # an empty destination or format is how a client clears them
    if path.endswith("/logging/loglevel"):
        return value.upper() not in ("", "OFF")
    if path.endswith("/logging/dataTrace"):
        return value.lower() == "true"
    return False


def logging_paths(operations: Iterable[Mapping[str, object]] | None) -> list[str]:
    """Paths of the operations that turn logging on, in request order (empty: the update needs no role)."""
    return [str(operation.get("path")) for operation in operations or () if enables_logging(operation)]
