"""Make sure the Chromium the browser tests drive is on this machine, before any long work starts.

Playwright cannot download its own browser here, so the tests launch Debian's ``chromium`` package (the path
in ``$CHROMIUM``, default ``/usr/bin/chromium``, which tests/browser/fixtures.py reads too). When it is
missing and this machine can install it (root, or passwordless sudo, and apt-get), it is installed;
otherwise this stops at once with the one command that installs it, rather than after 15 minutes of tests.
``BROWSER_AUTO_INSTALL=no`` never installs (only checks and tells). Standard library only: it runs before the
virtualenv exists (``make browser``, the first step of ``make test`` and of ``.ci/run``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
PACKAGE = "chromium"
APT_TIMEOUT_SECONDS = 900  # Debian's chromium and its libraries are about 100 MB
EXIT_MISSING = 2


def chromium_path() -> Path:
    """The browser the tests launch: ``$CHROMIUM`` or Debian's path."""
    return Path(os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM)


def install_prefix() -> list[str] | None:
    """How this process may run apt-get: directly as root, through passwordless sudo, or not at all (None)."""
    if os.environ.get("BROWSER_AUTO_INSTALL", "yes").lower() in ("no", "0", "false"):
        return None
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo is None:
        return None
    try:  # -n: fail instead of asking for a password (make test may run without a terminal)
        subprocess.run([sudo, "-n", "true"], check=True, capture_output=True, timeout=10)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    return [sudo, "-n"]


def install(prefix: list[str]) -> None:
    """``apt-get update`` then ``apt-get install -y chromium``, non-interactive, each bounded in time."""
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", PACKAGE]):
        print(f"ensure_browser: {' '.join(prefix + command)}", flush=True)
        subprocess.run(prefix + command, check=True, env=environment, stdout=subprocess.DEVNULL,
                       timeout=APT_TIMEOUT_SECONDS)  # fmt: skip


def missing_message(path: Path) -> str:
    command = f"sudo apt-get install -y {PACKAGE}" if os.geteuid() != 0 else f"apt-get install -y {PACKAGE}"
    return (
        f"ensure_browser: the browser tests need Chromium at {path}, which is missing, and this machine cannot "
        f"install it for you (needs root or passwordless sudo, and apt-get; BROWSER_AUTO_INSTALL="
        f"{os.environ.get('BROWSER_AUTO_INSTALL', 'yes')}).\n"
        f"Run this once, then `make test` again:\n\n    {command}\n\n"
        f"(or point CHROMIUM=/path/to/chromium at a Chromium you have)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 scripts/ensure_browser.py", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    path = chromium_path()
    if path.exists():
        return 0
    prefix = install_prefix()
    if prefix is None or path != Path(DEFAULT_CHROMIUM):  # a custom path is not what the package installs
        print(missing_message(path), file=sys.stderr)
        return EXIT_MISSING
    try:
        install(prefix)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        print(f"ensure_browser: installing {PACKAGE} failed ({error})", file=sys.stderr)
        print(missing_message(path), file=sys.stderr)
        return EXIT_MISSING
    if not path.exists():
        print(f"ensure_browser: apt-get installed {PACKAGE} but {path} is still missing", file=sys.stderr)
        return EXIT_MISSING
    print(f"ensure_browser: installed {PACKAGE} ({path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
