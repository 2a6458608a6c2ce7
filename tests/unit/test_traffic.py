"""The rollout tests' clients (scripts/local_aws/traffic.py) against a loopback server that answers each request."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from scripts.local_aws.traffic import Traffic
from tests.browser.fixtures import LoopbackServer

RUN_SECONDS = 0.6


class _Answering(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["review"]
        body = json.dumps({"label": "positive", "review": review}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base class)
        """Quiet."""


@pytest.fixture
def url() -> Iterator[str]:
    server = LoopbackServer(_Answering)
    try:
        yield f"{server.url}/predict"
    finally:
        server.close()


def run(url: str, pause: float) -> Traffic:
    with Traffic(url, ["one", "two", "three"], clients=2, pause=pause) as traffic:
        time.sleep(RUN_SECONDS)
    return traffic


def test_each_client_waits_its_pause_between_requests(url: str) -> None:
    pause = 0.1
    traffic = run(url, pause)
    assert all(answer.status == 200 for answer in traffic.answers)
    for client in range(2):
        sent = [answer.sent for answer in traffic.answers if answer.client == client]
        assert len(sent) >= 2, sent
        gaps = [later - earlier for earlier, later in zip(sent, sent[1:], strict=False)]
        assert min(gaps) >= pause, gaps
        assert len(sent) <= RUN_SECONDS / pause + 1, sent


def test_the_first_request_is_not_delayed(url: str) -> None:
    """A client starts at once; only the wait between its requests is paced."""
    started = time.monotonic()
    with Traffic(url, ["one"], clients=1, pause=5.0) as traffic:
        deadline = time.monotonic() + 5
        while not traffic.answers and time.monotonic() < deadline:
            time.sleep(0.01)
    assert traffic.answers and traffic.answers[0].sent - started < 1.0
    assert time.monotonic() - started < 5, "ending the block interrupts the pause"


@pytest.mark.parametrize(
    ("target", "pause", "message"),
    [("http://example.com/predict", 0.0, "non-loopback"), ("http://127.0.0.1:1/predict", -0.1, "negative")],
)
def test_refuses_a_remote_url_or_a_negative_pause(target: str, pause: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Traffic(target, ["one"], pause=pause)
