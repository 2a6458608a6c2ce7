"""A Terraform command that outlives its timeout is interrupted, then killed with everything it started; and
tflocal's provider override is written only when what it is made from changed.

Fakes stand in for the real programs, first on the stack's PATH: ``tflocal`` (run with ``DRY_RUN``) writes
the override naming the endpoint and counts its runs; ``terraform`` records the override it found, runs a child
in its process group and, when interrupted, stops it. A hung apply must end as a TerraformError naming the
command and leave no process behind; the command runs in the stack's copy of the configuration, never in
terraform/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from scripts.local_aws import processes, terraform
from scripts.local_aws.layout import Layout

FAKE_TFLOCAL = """#!{python}
import os, pathlib
assert os.environ["DRY_RUN"] == "1"
override = pathlib.Path("{override}")
assert not override.exists(), "tflocal refuses to write over an override"
override.write_text("# endpoint " + os.environ["AWS_ENDPOINT_URL"])
runs = pathlib.Path("tflocal-runs")
runs.write_text(str(int(runs.read_text()) + 1 if runs.exists() else 1))
"""

FAKE_TERRAFORM = """#!{python}
import os, pathlib, signal, subprocess, sys, time

def interrupted(*_):
    child.terminate()
    pathlib.Path("interrupted").write_text("")
    sys.exit(130)

pathlib.Path("override-seen").write_text(pathlib.Path("{override}").read_text())
if os.environ.get("FAKE_TERRAFORM") == "quick":
    sys.exit(0)
signal.signal(signal.SIGINT, interrupted if os.environ["FAKE_TERRAFORM"] == "graceful" else signal.SIG_IGN)
child = subprocess.Popen(["sleep", "600"])
pathlib.Path("child.pid").write_text(str(child.pid))
time.sleep(600)
"""


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    layout = Layout(root=tmp_path, state=tmp_path / "state", port=4599)
    layout.terraform_dir.mkdir()
    (layout.terraform_dir / "main.tf").write_text("# the configuration\n")
    bin_dir = layout.localstack_venv / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("tflocal", FAKE_TFLOCAL), ("terraform", FAKE_TERRAFORM)):
        (bin_dir / name).write_text(text.format(python=sys.executable, override=terraform.OVERRIDE_FILE))
        (bin_dir / name).chmod(0o755)
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
    monkeypatch.setenv("FAKE_TERRAFORM", "graceful")
    with pytest.raises(terraform.TerraformError, match="terraform apply did not finish within 3 s"):
        terraform.Terraform(layout).run("apply", timeout=3)
    assert (copy_of(layout) / "interrupted").exists(), "terraform was not sent SIGINT"
    assert wait_gone(child_of(layout)), "terraform's child outlived the command"


def test_a_command_deaf_to_interrupts_is_killed_with_its_children(layout: Layout, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_TERRAFORM", "deaf")
    monkeypatch.setattr(terraform, "INTERRUPT_GRACE_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(terraform.TerraformError, match="did not finish"):
        terraform.Terraform(layout).run("plan", timeout=3)
    assert time.monotonic() - started < 20
    assert not (copy_of(layout) / "interrupted").exists()
    assert wait_gone(child_of(layout)), "terraform's child outlived the killed command"
    assert not (layout.terraform_dir / terraform.OVERRIDE_FILE).exists(), "the override was written into terraform/"


def test_the_override_is_written_once_and_again_when_its_inputs_change(layout: Layout, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_TERRAFORM", "quick")
    runs = copy_of(layout) / "tflocal-runs"
    for _ in range(3):
        terraform.Terraform(layout).run("output")
    assert runs.read_text() == "1"
    assert (copy_of(layout) / "override-seen").read_text() == f"# endpoint {layout.endpoint_url}"

    (layout.terraform_dir / "providers.tf").write_text('provider "aws" {\n  alias = "us_east_1"\n}\n')
    terraform.Terraform(layout).run("output")  # a provider alias: the copy has a new *.tf file
    assert runs.read_text() == "2"

    other = Layout(root=layout.root, state=layout.state, port=4600)  # the same stack directory, another port
    terraform.Terraform(other).run("output")
    assert runs.read_text() == "3"
    assert (copy_of(layout) / "override-seen").read_text() == f"# endpoint {other.endpoint_url}"


def test_an_override_of_unknown_inputs_in_the_copy_is_replaced_before_the_next_command(
    layout: Layout, monkeypatch
) -> None:
    """One whose writing was interrupted, or that names another endpoint, is not used."""
    monkeypatch.setenv("FAKE_TERRAFORM", "quick")
    stale = copy_of(layout) / terraform.OVERRIDE_FILE
    stale.parent.mkdir(parents=True)
    stale.write_text("# another endpoint")
    terraform.Terraform(layout).run("plan")
    assert (copy_of(layout) / "override-seen").read_text() == f"# endpoint {layout.endpoint_url}"


def test_an_interrupt_of_the_caller_stops_the_command(layout: Layout, monkeypatch) -> None:
    """Ctrl-C or a test's timeout raised while waiting: the command is stopped, the exception goes on."""
    monkeypatch.setenv("FAKE_TERRAFORM", "graceful")
    real_popen = terraform.subprocess.Popen

    class InterruptedPopen(real_popen):
        def communicate(self, *args, **kwargs):
            if self.args[0] == "terraform" and not hasattr(self, "interrupted_once"):  # not tflocal's DRY_RUN
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


def test_terraform_and_its_providers_collect_garbage_less_often_unless_the_caller_chose(
    layout: Layout, monkeypatch
) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    assert terraform.Terraform(layout).environment()["GOGC"] == terraform.GO_GC_PERCENT == "400"
    monkeypatch.setenv("GOGC", "150")
    assert terraform.Terraform(layout).environment()["GOGC"] == "150"
