"""The CloudWatch metrics SageMaker publishes for an endpoint, published to LocalStack's CloudWatch.

LocalStack publishes no ``AWS/SageMaker`` metrics, so alarms on an endpoint could never fire here. The
runtime provider records each InvokeEndpoint that reached a model server, and this module sends what AWS
sends for it (namespace ``AWS/SageMaker``, dimensions ``EndpointName`` and ``VariantName``):

- ``Invocations`` (1), ``Invocation4XXErrors`` and ``Invocation5XXErrors`` (1 or 0 each, so their average
  is an error rate, as on AWS);
- ``ModelLatency`` (the model server's answer time) and ``OverheadLatency`` (the rest of the request's time
  inside SageMaker), both in **microseconds** as AWS reports them;
- ``ModelSetupTime`` (serverless endpoints' cold-start figure, microseconds) for the first request a new
  model server answers.

Data points are batched and sent every ``LOCAL_SAGEMAKER_METRICS_FLUSH_SECONDS`` (default 5 s) as raw
``Values``/``Counts``, so percentiles (``p99``) and alarms work on them; AWS aggregates per minute.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from localstack.aws.connect import connect_to

LOG = logging.getLogger(__name__)

NAMESPACE = "AWS/SageMaker"
FLUSH_SECONDS = float(os.environ.get("LOCAL_SAGEMAKER_METRICS_FLUSH_SECONDS", "5"))
MAX_VALUES_PER_DATUM = 150  # PutMetricData's limit for Values/Counts
MAX_DATA_PER_CALL = 1000  # PutMetricData's limit of MetricData entries


@dataclass(frozen=True)
class Series:
    """One metric of one endpoint variant in one account and region."""

    account: str
    region: str
    endpoint: str
    variant: str
    metric: str
    unit: str


class EndpointMetrics:
    """Collects data points from request threads and sends them from one background thread."""

    def __init__(self, flush_seconds: float = FLUSH_SECONDS) -> None:
        self._flush_seconds = flush_seconds
        self._points: dict[Series, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def record_invocation(
        self,
        account: str,
        region: str,
        endpoint: str,
        variant: str,
        status: int,
        model_microseconds: float | None,
        overhead_microseconds: float,
    ) -> None:
        """One InvokeEndpoint that reached the variant; ``status`` is the container's (0 if it never answered)."""
        counts = {
            "Invocations": 1.0,
            "Invocation4XXErrors": 1.0 if 400 <= status < 500 else 0.0,
            "Invocation5XXErrors": 1.0 if status >= 500 or status == 0 else 0.0,
        }
        for metric, value in counts.items():
            self._add(Series(account, region, endpoint, variant, metric, "None"), value)
        if model_microseconds is not None:
            self._add(Series(account, region, endpoint, variant, "ModelLatency", "Microseconds"), model_microseconds)
        self._add(Series(account, region, endpoint, variant, "OverheadLatency", "Microseconds"), overhead_microseconds)

    def record_setup_time(self, account: str, region: str, endpoint: str, variant: str, microseconds: float) -> None:
        """A serverless endpoint's cold start: the time to launch the compute for a request."""
        self._add(Series(account, region, endpoint, variant, "ModelSetupTime", "Microseconds"), microseconds)

    def _add(self, series: Series, value: float) -> None:
        with self._lock:
            self._points[series].append(value)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sagemaker-metrics", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(self._flush_seconds)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        """Send everything collected so far; a failed send is logged and dropped (CloudWatch drops it too)."""
        with self._lock:
            points, self._points = self._points, defaultdict(list)
        by_account: dict[tuple[str, str], list[dict]] = defaultdict(list)
        timestamp = datetime.now(UTC)
        for series, values in points.items():
            by_account[(series.account, series.region)] += _data(series, values, timestamp)
        for (account, region), data in by_account.items():
            cloudwatch = connect_to(
                aws_access_key_id=account, aws_secret_access_key="test", region_name=region
            ).cloudwatch
            for start in range(0, len(data), MAX_DATA_PER_CALL):
                try:
                    cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data[start : start + MAX_DATA_PER_CALL])
                except Exception as error:  # metrics must never break invocations
                    LOG.error("Could not publish %s metrics: %s", NAMESPACE, error)

    def stop(self) -> None:
        """Send what is left and end the thread (LocalStack is stopping)."""
        self._stopped.set()
        self._wake.set()
        self.flush()


def _data(series: Series, values: list[float], timestamp: datetime) -> list[dict]:
    """PutMetricData entries for the values: equal values counted once (Values/Counts), at most 150 per entry."""
    counted: dict[float, int] = defaultdict(int)
    for value in values:
        counted[round(value, 1)] += 1
    pairs = sorted(counted.items())
    dimensions = [
        {"Name": "EndpointName", "Value": series.endpoint},
        {"Name": "VariantName", "Value": series.variant},
    ]
    return [
        {
            "MetricName": series.metric,
            "Dimensions": dimensions,
            "Timestamp": timestamp,
            "Unit": series.unit,
            "Values": [value for value, _ in pairs[start : start + MAX_VALUES_PER_DATUM]],
            "Counts": [float(count) for _, count in pairs[start : start + MAX_VALUES_PER_DATUM]],
        }
        for start in range(0, len(pairs), MAX_VALUES_PER_DATUM)
    ]


METRICS = EndpointMetrics()
