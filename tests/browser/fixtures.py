"""Browser test fixtures: Debian's Chromium driven by Playwright, the page served from web/ on a loopback
port with its own generated config.js, and real HTTP servers for the failure states.

Playwright cannot download its own browser here, so it launches the system Chromium (`apt-get install
chromium`). Each test gets a fresh browser context; screenshots go to test-results/screenshots/.
Registered for the whole suite by ``pytest_plugins`` in tests/conftest.py, so tests/browser/ and the real-API
test in tests/integration/ (beside the local stack fixture) share one browser.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from scripts.write_web_config import main as write_web_config
from tests.conftest import ROOT, free_port

WEB = ROOT / "web"
PAGE_FILES = ("index.html", "app.js", "style.css", "favicon.svg")
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")  # as scripts/ensure_browser.py
# Without the networking flags Chromium keeps dialling Google's hosts, which this machine refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1000, "height": 900}


class _QuietStaticHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


class LoopbackServer:
    """An HTTP server on 127.0.0.1 in a daemon thread, shut down by ``close``."""

    def __init__(
        self, handler: Callable[..., BaseHTTPRequestHandler], server_class: type = ThreadingHTTPServer
    ) -> None:
        self.httpd = server_class(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """The system Chromium, headless; a missing browser is a failure with the install command, not a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs it (Playwright's own download cannot work)")
    instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context (no cache, no storage) at desktop size."""
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs (script errors, CSP violations, failed loads), collected from its first load."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def write_site(root: Path, predict_url: str) -> None:
    """web/'s committed files plus a config.js made by scripts.write_web_config, into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in PAGE_FILES:
        shutil.copy2(WEB / name, root / name)
    assert write_web_config(["--predict-url", predict_url, "--out", str(root / "config.js")]) == 0


def static_server(root: Path) -> LoopbackServer:
    """Serve the files in ``root`` (which may be written later: the origin is known before the content)."""
    return LoopbackServer(partial(_QuietStaticHandler, directory=str(root)))


def serve_site(root: Path, predict_url: str) -> LoopbackServer:
    """Serve web/'s committed files plus a config.js naming ``predict_url`` from ``root``."""
    write_site(root, predict_url)
    return static_server(root)


@pytest.fixture
def serve_page(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Serve the page on a free loopback port with config.js naming ``predict_url``; returns the page URL."""
    servers: list[LoopbackServer] = []

    def serve(predict_url: str) -> str:
        servers.append(serve_site(tmp_path / f"site{len(servers)}", predict_url))
        return f"{servers[-1].url}/index.html"

    yield serve
    for server in servers:
        server.close()


API_ERROR = json.dumps({"error": "internal_error", "message": "The service failed unexpectedly."}).encode()


class FailingApiServer(ThreadingHTTPServer):
    """Answers every POST with ``status`` and ``answer`` (by default the API's own 500 body); keeps the bodies
    it received. POSTs wait for ``gate``, so a test can hold the answer back and watch the page wait."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status = 500
        self.answer = API_ERROR
        self.bodies: list[bytes] = []
        self.gate = threading.Event()
        self.gate.set()

    @property
    def predict_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/predict"


class _FailingApiHandler(BaseHTTPRequestHandler):
    server: FailingApiServer

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
        self.send_header("Vary", "Origin")

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(204)
        self._cors()
        self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.end_headers()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.server.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.server.gate.wait(timeout=30)
        self.send_response(self.server.status)
        self._cors()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(self.server.answer)))
        self.end_headers()
        self.wfile.write(self.server.answer)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def failing_api() -> Iterator[FailingApiServer]:
    """A real loopback HTTP server that answers every POST with the API's 500 error body."""
    server = LoopbackServer(_FailingApiHandler, server_class=FailingApiServer)
    yield server.httpd
    server.httpd.gate.set()
    server.close()


@pytest.fixture
def closed_port_url() -> str:
    """A predict URL on a loopback port nothing listens on: the API is down."""
    return f"http://127.0.0.1:{free_port()}/v1/predict"


def save_screenshot(page: Page, name: str) -> Path:
    """Save the whole page as test-results/screenshots/<name>.png (a CI artifact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh context the size of a phone (390 x 844 CSS pixels, touch, mobile viewport rules)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()
