"""The local stack's account profiles: what the ``fresh`` profile tells LocalStack, and which stage updates its
API Gateway refuses (the decision fresh_account.py makes; the stack test sees LocalStack apply it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scripts.local_aws import accounts, localstack
from scripts.local_aws.cli import build_parser, main
from scripts.local_aws.layout import Layout

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "local_aws"))
from local_aws_plugins.stage_logging import NO_ROLE_MESSAGE, enables_logging, logging_paths  # noqa: E402

ACCESS_LOG_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/apigateway/imdb-sentiment/v1/access"


@pytest.mark.parametrize(
    ("operation", "enables"),
    [
        ({"op": "replace", "path": "/accessLogSettings/destinationArn", "value": ACCESS_LOG_ARN}, True),
        ({"op": "replace", "path": "/accessLogSettings/format", "value": '{"requestId":"$context.requestId"}'}, True),
        ({"op": "add", "path": "/accessLogSettings/destinationArn", "value": ACCESS_LOG_ARN}, True),
        ({"op": "remove", "path": "/accessLogSettings"}, False),
        ({"op": "replace", "path": "/accessLogSettings/destinationArn", "value": ""}, False),
        ({"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"}, True),
        ({"op": "replace", "path": "/*/*/logging/loglevel", "value": "info"}, True),
        ({"op": "replace", "path": "/web-predict/POST/logging/loglevel", "value": "INFO"}, True),
        ({"op": "replace", "path": "/*/*/logging/loglevel", "value": "OFF"}, False),
        ({"op": "replace", "path": "/*/*/logging/dataTrace", "value": "true"}, True),
        ({"op": "replace", "path": "/*/*/logging/dataTrace", "value": "false"}, False),
        ({"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"}, False),
        ({"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "20"}, False),
        ({"op": "replace", "path": "/deploymentId", "value": "abc123"}, False),
        ({"op": "remove", "path": "/*/*"}, False),
    ],
)
def test_only_operations_that_turn_logging_on_need_the_role(operation: dict, enables: bool) -> None:
    assert enables_logging(operation) is enables


def test_an_update_names_every_logging_path_and_none_without_logging() -> None:
    provider_update = [  # what the aws provider sends for aws_api_gateway_method_settings with logging on
        {"op": "replace", "path": "/*/*/metrics/enabled", "value": "true"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
        {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "false"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "40"},
    ]
    assert logging_paths(provider_update) == ["/*/*/logging/loglevel"]
    provider_update[1]["value"] = "OFF"
    assert logging_paths(provider_update) == []
    assert logging_paths(None) == []


def test_the_refusal_is_aws_wording() -> None:
    assert NO_ROLE_MESSAGE == "CloudWatch Logs role ARN must be set in account settings to enable logging"


def test_default_profile_changes_nothing_in_localstack(tmp_path: Path) -> None:
    default = localstack.environment(Layout(state=tmp_path, port=4599))
    assert "PROVIDER_OVERRIDE_APIGATEWAY" not in default
    assert "LAMBDA_LIMITS_CONCURRENT_EXECUTIONS" not in default


def test_fresh_profile_selects_the_fresh_api_gateway_and_a_new_accounts_quota(tmp_path: Path) -> None:
    default = localstack.environment(Layout(state=tmp_path, port=4599))
    fresh = localstack.environment(Layout(state=tmp_path, port=4599, account="fresh"))
    assert fresh["PROVIDER_OVERRIDE_APIGATEWAY"] == "fresh_account"
    assert fresh["LAMBDA_LIMITS_CONCURRENT_EXECUTIONS"] == "10"
    assert {key: value for key, value in fresh.items() if key not in accounts.PROFILES["fresh"]} == default


def test_fresh_account_provider_is_a_declared_entry_point() -> None:
    """LocalStack finds the provider only through this plux entry point (a rebuild of .venv-localstack adds it)."""
    pyproject = (Path(__file__).resolve().parents[2] / "scripts" / "local_aws" / "pyproject.toml").read_text()
    assert '"apigateway:fresh_account" = "local_aws_plugins.fresh_account:apigateway_fresh_account"' in pyproject


def test_unknown_profile_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_AWS_ACCOUNT", "old")
    with pytest.raises(SystemExit, match="unknown account profile 'old'"):
        accounts.from_environment()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["up", "--account", "old"])


@pytest.mark.parametrize(
    ("argv", "environment", "expected"),
    [
        (["up"], None, "default"),
        (["up", "--account", "fresh"], None, "fresh"),
        (["up"], "fresh", "fresh"),
        (["up", "--account", "default"], "fresh", "default"),
    ],
)
def test_up_starts_localstack_with_the_chosen_profile(
    argv: list[str], environment: str | None, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if environment:
        monkeypatch.setenv("LOCAL_AWS_ACCOUNT", environment)
    else:
        monkeypatch.delenv("LOCAL_AWS_ACCOUNT", raising=False)
    seen = []

    def fake_up(layout: Layout, *args, **kwargs):
        seen.append(layout.account)
        raise SystemExit("stopped before starting anything")

    monkeypatch.setattr("scripts.local_aws.stack.up", fake_up)
    with pytest.raises(SystemExit, match="stopped before"):
        main(["--state-dir", str(tmp_path), argv[0], "--web-port", "0", *argv[1:]])
    assert seen == [expected]
