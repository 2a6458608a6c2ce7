"""Serve web/ on localhost for `make up`, pointed at the local stack's predict URL.

The page is static; a standard-library file server is enough for one person's browser. Its PID is
recorded with the stack's other processes, so ``down`` stops it with them.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

from scripts.local_aws import processes
from scripts.local_aws.layout import Layout
from scripts.write_web_config import config_script


def serve_page(layout: Layout, predict_url: str, port: int) -> str:
    """Write web/config.js for this stack, start the page server unless it runs already; the page URL."""
    web = layout.root / "web"
    (web / "config.js").write_text(config_script(predict_url), encoding="utf-8")
    url = f"http://127.0.0.1:{port}/"
    if processes.read(layout.pids / "web.pid") is not None:
        return url
    log = (layout.state / "web.log").open("ab")
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(web)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    processes.record(layout.pids, "web", server.pid)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the page server exited (port {port} in use?); see {layout.state / 'web.log'}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return url
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the page server did not answer on {url}")
