"""Where moto keeps SageMaker's records: the one lookup every SageMaker plugin module reads and updates.

moto holds models, endpoint configurations, endpoints and transform jobs per account and region; the
providers (sagemaker_control, sagemaker_runtime, transform_jobs) and the work they start in the background
(endpoint_fleet, transform_runner) all change or read those same records rather than keeping their own.
"""

from __future__ import annotations

from typing import Any


def sagemaker_backend(account: str, region: str) -> Any:
    """moto's SageMaker backend of this account and region (imported late: moto loads with LocalStack)."""
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][region]
