"""Continuous traffic for rollouts: clients that keep posting reviews to a predict URL until told to stop.

Used by the rollout stack tests (is every answer 200 and right?) and by the rollout benchmark (what do
clients wait during a rollout against steady state?). Every answer is kept with the review it answers, its
status, its body and its latency, so a caller can check each one against its own model's score.
Loopback only, like the load benchmark: it can never load a real deployment by mistake.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import requests

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Answer:
    """One request and what came back; ``body`` is the JSON answer (None if there was none)."""

    client: int
    review: int
    sent: float  # time.monotonic() when sent
    ms: float
    status: int  # 0 when no HTTP answer came back
    body: dict[str, Any] | None
    headers: dict[str, str]
    error: str | None = None


class Traffic:
    """``clients`` threads, each posting ``{"review": reviews[i]}`` round robin until the block ends.

    ``pause`` is what each client waits after an answer before its next request. Back to back (0, the
    benchmark's choice: it measures what clients wait) four clients keep two cores busy with the emulated
    API, Lambda and endpoint, and slow the very applies a rollout test watches. With a pause of a tenth of a
    second, four clients still send one request every (pause + latency) / 4: a few tens of milliseconds, far
    shorter than any rollout window.
    """

    def __init__(self, url: str, reviews: Sequence[str], clients: int = 4, pause: float = 0.0) -> None:
        if urlparse(url).hostname not in LOOPBACK:
            raise ValueError(f"refusing to send traffic to a non-loopback URL: {url}")
        if not reviews or clients < 1:
            raise ValueError("need at least one review and one client")
        if pause < 0:
            raise ValueError("the pause between requests cannot be negative")
        self.url, self.reviews, self.clients, self.pause = url, list(reviews), clients, pause
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Traffic:
        self._threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.clients)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def since(self, moment: float) -> list[Answer]:
        """Answers to requests sent at or after ``moment`` (time.monotonic())."""
        return [answer for answer in list(self.answers) if answer.sent >= moment]

    def _client(self, number: int) -> None:
        position = number  # clients start at different reviews
        wait = 0.0  # the first request at once, the pause before each later one
        with requests.Session() as session:
            while not self._stop.wait(wait):
                wait = self.pause
                review = position % len(self.reviews)
                position += 1
                sent = time.monotonic()
                started = time.perf_counter()
                try:
                    response = session.post(self.url, json={"review": self.reviews[review]}, timeout=TIMEOUT_SECONDS)
                except requests.RequestException as error:
                    ms = (time.perf_counter() - started) * 1000
                    self.answers.append(Answer(number, review, sent, ms, 0, None, {}, type(error).__name__))
                    continue
                ms = (time.perf_counter() - started) * 1000
                try:
                    body = response.json()
                except ValueError:
                    body = None
                error = None if response.status_code == 200 else response.text[:200]
                headers = dict(response.headers)
                self.answers.append(Answer(number, review, sent, ms, response.status_code, body, headers, error))
