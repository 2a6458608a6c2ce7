"""`make test` on a machine without Chromium: it installs it (scripts/ensure_browser.py) or stops at once with the
command to run, before the virtualenv, the training and the long tests (issue: a newcomer's `make test` failed
every browser test after 15 minutes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts import ensure_browser
from tests.conftest import ROOT


def fresh_checkout(target: Path) -> Path:
    """The tracked files of this work tree, as a fresh clone has them (no .venv, no artifacts, no caches)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, timeout=30)
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_make_test_without_a_browser_stops_first_with_the_install_command(tmp_path: Path) -> None:
    checkout = fresh_checkout(tmp_path / "clone")
    absent = tmp_path / "no-browser" / "chromium"  # the setting the browser fixture reads, pointing nowhere
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    environment["CHROMIUM"] = str(absent)
    started = time.monotonic()
    result = subprocess.run(
        ["make", "test"], cwd=checkout, env=environment, capture_output=True, text=True, timeout=120
    )
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert f"Chromium at {absent}, which is missing" in result.stderr
    assert "apt-get install -y chromium" in result.stderr
    # Stopped before any long step: no virtualenv, no model, no pytest.
    assert not (checkout / ".venv").exists()
    assert not (checkout / "artifacts").exists()
    assert "pytest" not in result.stdout
    assert elapsed < 60, f"took {elapsed:.0f} s"


def test_a_present_browser_needs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    monkeypatch.setenv("CHROMIUM", str(browser))
    monkeypatch.setattr(ensure_browser, "install", lambda prefix: pytest.fail("installed a present browser"))
    assert ensure_browser.main([]) == 0


def test_auto_install_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_AUTO_INSTALL", "no")
    assert ensure_browser.install_prefix() is None
    assert "BROWSER_AUTO_INSTALL=no" in ensure_browser.missing_message(Path(ensure_browser.DEFAULT_CHROMIUM))


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("apt-get") is None, reason="installing needs root and apt-get")
def test_root_with_apt_get_may_install() -> None:
    assert ensure_browser.install_prefix() == []


def test_runs_with_the_system_python_before_any_virtualenv() -> None:
    """`make browser` runs it with python3 alone: it must import nothing outside the standard library."""
    code = "import sys; sys.argv = ['x', '--help']; exec(open('scripts/ensure_browser.py').read())"
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "Chromium" in result.stdout
