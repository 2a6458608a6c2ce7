"""The handler's own figures as CloudWatch embedded metric format (EMF) in its one request log line.

CloudWatch Logs turns the ``_aws`` block of a log line into metrics, so the figures cost no API call and
no extra line per request (only the metric definitions are billed, per metric and month). Dimensions are
the function name alone (and the error kind for endpoint errors), so alarms keep their series across
rollouts; the model and vocabulary versions are properties, searchable in Logs Insights, not dimensions
(a dimension per version would be a new metric, and an alarm would lose it, on every rollout).
"""

from __future__ import annotations

from typing import Any

DEFAULT_NAMESPACE = "ImdbSentiment"
# Codes of failures of the endpoint call, as the caller saw them (see lambda_src.endpoint).
ENDPOINT_ERROR_CODES = frozenset(
    {
        "model_error",
        "endpoint_error",
        "invalid_model_response",
        "endpoint_throttled",
        "endpoint_unavailable",
        "endpoint_timeout",
        "vocabulary_mismatch",
    }
)


def metric_fields(fields: dict[str, Any], namespace: str, function_name: str, timestamp_ms: int) -> dict[str, Any]:
    """EMF members for one request's log fields (request id, error, fallback flags, endpoint time)."""
    endpoint_error = fields.get("error") if fields.get("error") in ENDPOINT_ERROR_CODES else None
    values: dict[str, Any] = {
        "Requests": 1,
        "VocabularyMismatches": int(bool(fields.get("vocabulary_mismatch"))),
        "TextFallbacks": int(bool(fields.get("text_fallback"))),
        "EndpointErrors": int(endpoint_error is not None),
    }
    units = {name: "Count" for name in values}
    if "endpoint_ms" in fields:
        values["EndpointCallLatency"] = fields["endpoint_ms"]
        units["EndpointCallLatency"] = "Milliseconds"
    dimensions = [["FunctionName"]]
    members: dict[str, Any] = {"FunctionName": function_name}
    if endpoint_error is not None:
        dimensions.append(["FunctionName", "ErrorKind"])
        members["ErrorKind"] = endpoint_error
    directive = {
        "Namespace": namespace,
        "Dimensions": dimensions,
        "Metrics": [{"Name": name, "Unit": unit} for name, unit in units.items()],
    }
    return {"_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [directive]}, **members, **values}
