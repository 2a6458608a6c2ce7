"""A Terraform command that outlives its timeout is interrupted, then killed with everything it started.

A fake ``tflocal`` stands in for the real one: like it, it writes the provider override into the configuration,
runs a child (terraform) in its process group and removes the override when interrupted. A hung apply must
end as a TerraformError naming the command, leave no process behind and leave no override that would make
the next command point at a stale endpoint. The command runs in the stack's copy of the configuration.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from scripts.local_aws import processes, terraform
from scripts.local_aws.layout import Layout

FAKE_TFLOCAL = """#!{python}
import os, signal, sys

def interrupted(*_):
    child.terminate()
    override.unlink()
    pathlib.Path("interrupted").write_text("")
    sys.exit(130)

signal.signal(signal.SIGINT, interrupted if os.environ["FAKE_TFLOCAL"] == "graceful" else signal.SIG_IGN)
import pathlib, subprocess, time
override = pathlib.Path("{override}")
if override.exists():
    pathlib.Path("stale-override-seen").write_text(override.read_text())
override.write_text("# provider endpoints")
child = subprocess.Popen(["sleep", "600"])
pathlib.Path("child.pid").write_text(str(child.pid))
time.sleep(600)
"""


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    layout = Layout(root=tmp_path, state=tmp_path / "state", port=4599)
    layout.terraform_dir.mkdir()
    tflocal = layout.localstack_venv / "bin" / "tflocal"
    tflocal.parent.mkdir(parents=True)
    tflocal.write_text(FAKE_TFLOCAL.format(python=sys.executable, override=terraform.OVERRIDE_FILE))
    tflocal.chmod(0o755)
    return layout


def copy_of(layout: Layout) -> Path:
    """The stack's copy of terraform/, where its commands run (scripts/local_aws/configuration_tree.py)."""
    return layout.state / "configuration" / "terraform"


def child_of(layout: Layout) -> int:
    return int((copy_of(layout) / "child.pid").read_text())


def wait_gone(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not processes.alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_hung_command_is_interrupted_once_and_stops_cleanly(layout: Layout, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_TFLOCAL", "graceful")
    with pytest.raises(terraform.TerraformError, match="terraform apply did not finish within 3 s"):
        terraform.Terraform(layout).run("apply", timeout=3)
    assert (copy_of(layout) / "interrupted").exists(), "tflocal was not sent SIGINT"
    assert not (copy_of(layout) / terraform.OVERRIDE_FILE).exists()
    assert wait_gone(child_of(layout)), "terraform outlived the command"


def test_a_command_deaf_to_interrupts_is_killed_with_its_children(layout: Layout, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_TFLOCAL", "deaf")
    monkeypatch.setattr(terraform, "INTERRUPT_GRACE_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(terraform.TerraformError, match="did not finish"):
        terraform.Terraform(layout).run("plan", timeout=3)
    assert time.monotonic() - started < 20
    assert not (copy_of(layout) / "interrupted").exists()
    assert not (copy_of(layout) / terraform.OVERRIDE_FILE).exists(), "the killed wrapper's override stays"
    assert wait_gone(child_of(layout)), "terraform outlived its killed wrapper"
    assert not (layout.terraform_dir / terraform.OVERRIDE_FILE).exists(), "tflocal wrote into terraform/"


def test_a_stale_override_in_the_copy_is_removed_before_the_next_command(layout: Layout, monkeypatch) -> None:
    """What a killed command of this stack left would point tflocal at whatever endpoint it names."""
    monkeypatch.setenv("FAKE_TFLOCAL", "deaf")
    monkeypatch.setattr(terraform, "INTERRUPT_GRACE_SECONDS", 1.0)
    stale = copy_of(layout) / terraform.OVERRIDE_FILE
    stale.parent.mkdir(parents=True)
    stale.write_text("# another endpoint")
    with pytest.raises(terraform.TerraformError, match="did not finish"):
        terraform.Terraform(layout).run("plan", timeout=3)
    assert not (copy_of(layout) / "stale-override-seen").exists(), "tflocal found the stale override"
    assert wait_gone(child_of(layout))


def test_an_interrupt_of_the_caller_stops_the_command(layout: Layout, monkeypatch) -> None:
    """Ctrl-C or a test's timeout raised while waiting: the command is stopped, the exception goes on."""
    monkeypatch.setenv("FAKE_TFLOCAL", "graceful")
    real_popen = terraform.subprocess.Popen

    class InterruptedPopen(real_popen):
        def communicate(self, *args, **kwargs):
            if not hasattr(self, "interrupted_once"):
                self.interrupted_once = True
                deadline = time.monotonic() + 10
                while not (copy_of(layout) / "child.pid").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)  # the fake has set up its handler and started its child
                raise KeyboardInterrupt
            return super().communicate(*args, **kwargs)

    monkeypatch.setattr(terraform.subprocess, "Popen", InterruptedPopen)
    with pytest.raises(KeyboardInterrupt):
        terraform.Terraform(layout).run("apply", timeout=60)
    assert (copy_of(layout) / "interrupted").exists()
    assert wait_gone(child_of(layout))
