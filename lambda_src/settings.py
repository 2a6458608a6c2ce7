"""The Lambda's configuration, read once from the environment at cold start.

A bad setting fails the container's init loudly (Lambda reports an init error) instead of
answering every request with a confusing error later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lambda_src.metrics import DEFAULT_NAMESPACE

# API Gateway gives up on an integration after 29 s; the endpoint call must finish before.
API_GATEWAY_TIMEOUT_SECONDS = 29.0
DEFAULT_VOCABULARY_PATH = Path(__file__).with_name("vocabulary.json")


@dataclass(frozen=True)
class Settings:
    """Everything the handler needs from its environment."""

    endpoint_name: str
    endpoint_url: str | None = None
    allowed_origins: tuple[str, ...] = ()
    log_level: str = "INFO"
    vocabulary_path: Path = DEFAULT_VOCABULARY_PATH
    connect_timeout: float = 2.0
    read_timeout: float = 8.0
    max_attempts: int = 2  # total attempts, the first included (botocore total_max_attempts)
    service: str = "imdb-sentiment"
    metrics_namespace: str = DEFAULT_NAMESPACE
    function_name: str = "local"

    def __post_init__(self) -> None:
        if not self.endpoint_name:
            raise ValueError("SAGEMAKER_ENDPOINT_NAME must name the SageMaker endpoint")
        if self.connect_timeout <= 0 or self.read_timeout <= 0 or self.max_attempts < 1:
            raise ValueError("endpoint timeouts must be positive and ENDPOINT_MAX_ATTEMPTS at least 1")
        if self.worst_case_seconds >= API_GATEWAY_TIMEOUT_SECONDS:
            raise ValueError(
                f"endpoint timeouts allow {self.worst_case_seconds:.1f} s per request, "
                f"over API Gateway's {API_GATEWAY_TIMEOUT_SECONDS:.0f} s limit"
            )

    @property
    def worst_case_seconds(self) -> float:
        """Longest time one endpoint call can take: every attempt times out, plus botocore's
        standard-mode backoff (at most 2**(k-1) s before retry k)."""
        backoff = 2.0 ** (self.max_attempts - 1) - 1.0
        return self.max_attempts * (self.connect_timeout + self.read_timeout) + backoff

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        origins = tuple(o.strip() for o in environ.get("ALLOWED_ORIGINS", "").split(",") if o.strip())
        return cls(
            endpoint_name=environ.get("SAGEMAKER_ENDPOINT_NAME", ""),
            endpoint_url=environ.get("SAGEMAKER_RUNTIME_ENDPOINT_URL") or None,
            allowed_origins=origins,
            log_level=environ.get("LOG_LEVEL", "INFO").upper(),
            vocabulary_path=Path(environ.get("VOCABULARY_PATH") or DEFAULT_VOCABULARY_PATH),
            connect_timeout=float(environ.get("ENDPOINT_CONNECT_TIMEOUT", "2")),
            read_timeout=float(environ.get("ENDPOINT_READ_TIMEOUT", "8")),
            max_attempts=int(environ.get("ENDPOINT_MAX_ATTEMPTS", "2")),
            service=environ.get("SERVICE_NAME", "imdb-sentiment"),
            metrics_namespace=environ.get("METRICS_NAMESPACE") or DEFAULT_NAMESPACE,
            function_name=environ.get("AWS_LAMBDA_FUNCTION_NAME", "local"),
        )
