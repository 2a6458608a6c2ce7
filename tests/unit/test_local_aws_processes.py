"""`make down` stops what `make up` started by recorded PID, and never a process that reused the number."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.local_aws import processes
from scripts.local_aws.cli import build_parser


def start_sleeper() -> subprocess.Popen:
    """A real child in its own session, as up starts LocalStack and the page server."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)


def test_recorded_process_is_stopped_and_its_file_removed(tmp_path: Path) -> None:
    child = start_sleeper()
    try:
        processes.record(tmp_path, "web", child.pid)
        assert processes.read(tmp_path / "web.pid") == child.pid
        assert processes.stop_recorded(tmp_path, grace=5) == ["web"]
        assert child.wait(timeout=5) is not None
        assert not (tmp_path / "web.pid").exists()
    finally:
        child.kill()


def test_a_reused_pid_is_not_signalled(tmp_path: Path) -> None:
    """A PID file whose start time no longer matches names another process: it is left alone."""
    child = start_sleeper()
    try:
        (tmp_path / "stale.pid").write_text(f"{child.pid} 1\n")  # start time of some long-gone process
        assert processes.read(tmp_path / "stale.pid") is None
        assert processes.stop_recorded(tmp_path, grace=1) == []
        assert child.poll() is None, "the unrelated process must keep running"
    finally:
        child.kill()
        child.wait(timeout=10)


def test_localstack_is_stopped_first(tmp_path: Path) -> None:
    children = {name: start_sleeper() for name in ("web", "localstack")}
    try:
        for name, child in children.items():
            processes.record(tmp_path, name, child.pid)
        assert processes.stop_recorded(tmp_path, grace=5) == ["localstack", "web"]
    finally:
        for child in children.values():
            child.kill()
            child.wait(timeout=10)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["up", "--var", "log_level=DEBUG"], [("log_level", "DEBUG")]),
        (["up", "--var", "lambda_timeout=20"], [("lambda_timeout", 20)]),
        (["up", "--var", 'allowed_origins=["http://a.test"]'], [("allowed_origins", ["http://a.test"])]),
    ],
)
def test_up_variables_are_read_as_json_when_they_parse(argv: list[str], expected: list) -> None:
    assert build_parser().parse_args(argv).var == expected


def test_up_rejects_a_variable_without_a_value(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["up", "--var", "log_level"])
    assert "expected KEY=VALUE" in capsys.readouterr().err
