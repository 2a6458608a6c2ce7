"""What `make up` saves and prints about the deployed API: LocalStack URLs, the page's route, API key usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.local_aws import stack
from scripts.local_aws.cli import main
from scripts.local_aws.layout import Layout
from scripts.local_aws.stack import StackInfo

AWS_STAGE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/v1"
OUTPUTS = {
    "api_id": "abc123",
    "stage_name": "v1",
    "predict_url": f"{AWS_STAGE_URL}/predict",
    "endpoint_name": "imdb-sentiment",
    "function_name": "imdb-sentiment-predict",
    "bucket_name": "imdb-sentiment-models-0001",
    "model_name": "imdb-sentiment-0123456789ab",
}


def local_info(tmp_path: Path, **outputs: object) -> StackInfo:
    return StackInfo.from_outputs(Layout(state=tmp_path, port=4599), {**OUTPUTS, **outputs})


def test_keyless_stack_prints_no_key_usage_and_the_page_calls_predict(tmp_path: Path) -> None:
    info = local_info(tmp_path, page_predict_url=f"{AWS_STAGE_URL}/predict", api_keys={})
    assert info.predict_url == "http://127.0.0.1:4599/_aws/execute-api/abc123/v1/predict"
    assert info.page_predict_url == info.predict_url
    assert info.api_key_names == ()
    assert info.key_usage() == []


def test_keys_are_named_never_stored_and_their_usage_is_printed(tmp_path: Path) -> None:
    info = local_info(
        tmp_path,
        page_predict_url=f"{AWS_STAGE_URL}/web-predict",
        api_keys={"partner": "SECRET-partner-value", "nightly": "SECRET-nightly-value"},
    )
    assert info.page_predict_url == "http://127.0.0.1:4599/_aws/execute-api/abc123/v1/web-predict"
    assert info.api_key_names == ("nightly", "partner")

    saved = tmp_path / "stack.json"
    info.save(saved)
    assert "SECRET" not in saved.read_text()
    assert StackInfo.load(saved) == info

    usage = info.key_usage()
    assert usage[0].startswith("API keys: nightly, partner")
    assert info.page_predict_url in usage[0]
    assert len(usage) == 3
    for name, line in zip(("nightly", "partner"), usage[1:], strict=True):
        assert f"api-key {name})" in line and info.predict_url in line and "x-api-key:" in line
    assert not any("SECRET" in line for line in usage)


def test_a_stack_file_from_before_keys_still_loads(tmp_path: Path) -> None:
    """A stack saved by an older `make up` (no page URL, no key names) is still reported by status."""
    saved = tmp_path / "stack.json"
    saved.write_text(
        '{"predict_url": "http://127.0.0.1:4566/_aws/execute-api/abc123/v1/predict", "endpoint_url": '
        '"http://127.0.0.1:4566", "api_id": "abc123", "stage_name": "v1", "endpoint_name": "e", '
        '"function_name": "f", "bucket_name": "b", "model_name": "m"}'
    )
    info = StackInfo.load(saved)
    assert info is not None and info.api_key_names == () and info.key_usage() == []
    assert info.page_predict_url == info.predict_url


def test_api_key_command_prints_one_value_or_names_the_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(stack, "api_keys", lambda layout: {"partner": "value-of-partner"})
    assert main(["--state-dir", str(tmp_path), "api-key", "partner"]) == 0
    assert capsys.readouterr().out == "value-of-partner\n"
    with pytest.raises(SystemExit, match="no API key 'other'.*keys: partner"):
        main(["--state-dir", str(tmp_path), "api-key", "other"])
