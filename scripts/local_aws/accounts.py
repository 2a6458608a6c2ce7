"""Account profiles of the local stack: which facts of an AWS account LocalStack emulates.

LocalStack behaves like an established account: API Gateway already has a CloudWatch role and Lambda a
concurrency quota of 1,000. A new AWS account has neither, and a stack that relies on them fails its first
apply there. The ``fresh`` profile makes LocalStack refuse the same requests AWS refuses on a new account:

- API Gateway: no CloudWatch role in the account settings until ``UpdateAccount`` sets one, so UpdateStage
  operations that turn on access logs, execution logging or data trace answer ``BadRequestException``
  "CloudWatch Logs role ARN must be set in account settings to enable logging" (our ``fresh_account``
  provider, local_aws_plugins/fresh_account.py);
- Lambda: an account concurrency quota of 10 (``GetAccountSettings`` reports it), so LocalStack's own check
  refuses any ``PutFunctionConcurrency`` with ``InvalidParameterValueException`` "Specified
  ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its
  minimum value of [100]." (100 stay unreserved; 10 - reservation is always below that).

The profile is chosen when LocalStack starts (``up --account fresh``, or ``LOCAL_AWS_ACCOUNT=fresh``) and
stays for that LocalStack's lifetime; ``default`` changes nothing.
"""

from __future__ import annotations

import os

DEFAULT = "default"
FRESH = "fresh"
NEW_ACCOUNT_CONCURRENCY_QUOTA = 10  # AWS's default for new accounts (the usual quota is 1,000)

PROFILES: dict[str, dict[str, str]] = {
    DEFAULT: {},
    FRESH: {
        "PROVIDER_OVERRIDE_APIGATEWAY": "fresh_account",
        "LAMBDA_LIMITS_CONCURRENT_EXECUTIONS": str(NEW_ACCOUNT_CONCURRENCY_QUOTA),
    },
}


def from_environment() -> str:
    """The profile named by ``LOCAL_AWS_ACCOUNT`` (default when unset), checked."""
    return checked(os.environ.get("LOCAL_AWS_ACCOUNT") or DEFAULT)


def checked(profile: str) -> str:
    if profile not in PROFILES:
        raise SystemExit(f"unknown account profile {profile!r}; known: {', '.join(PROFILES)}")
    return profile


def localstack_environment(profile: str) -> dict[str, str]:
    """LocalStack's settings that emulate the profile's account."""
    return dict(PROFILES[checked(profile)])
