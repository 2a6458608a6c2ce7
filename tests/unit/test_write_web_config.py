"""scripts/write_web_config.py: the page's config.js carries exactly the URL it is given, safely quoted."""

from __future__ import annotations

import json

import pytest

from scripts.write_web_config import config_script, main

PREFIX = "window.SENTIMENT_CONFIG = "


def parse(script: str) -> dict:
    assert script.startswith(PREFIX) and script.endswith(";\n")
    return json.loads(script[len(PREFIX) : -2])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:4566/_aws/execute-api/abc123/v1/predict",
        "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/predict",
        'https://example.com/p?q="</script><script>alert(1)</script>',
    ],
)
def test_config_names_the_url_it_was_given(url):
    script = config_script(url)
    assert parse(script) == {"predictUrl": url}
    assert "</script" not in script


@pytest.mark.parametrize("url", ["", "ftp://example.com/predict", "/v1/predict", "javascript:alert(1)", "http://"])
def test_rejects_anything_but_an_absolute_http_url(url):
    with pytest.raises(ValueError, match="absolute http"):
        config_script(url)


def test_main_writes_the_file(tmp_path, capsys):
    out = tmp_path / "site" / "config.js"
    assert main(["--predict-url", "https://api.example.com/v1/predict", "--out", str(out)]) == 0
    assert parse(out.read_text(encoding="utf-8")) == {"predictUrl": "https://api.example.com/v1/predict"}
    assert str(out) in capsys.readouterr().out


def test_main_exits_with_the_reason_on_a_bad_url(tmp_path):
    out = tmp_path / "config.js"
    with pytest.raises(SystemExit, match="absolute http"):
        main(["--predict-url", "not a url", "--out", str(out)])
    assert not out.exists()
