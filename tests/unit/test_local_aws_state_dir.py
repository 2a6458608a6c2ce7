"""The plugins' default state directory (models are extracted and served from it) is private to the user, through
the one private_directory check (local_aws_shared) that serve_endpoint's model cache uses too."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "local_aws"))
from local_aws_plugins import process_registry  # noqa: E402
from local_aws_shared.private_directory import private_directory  # noqa: E402


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated $TMPDIR with no LOCAL_AWS_STATE_DIR, so the default path is the one under test."""
    monkeypatch.delenv("LOCAL_AWS_STATE_DIR", raising=False)
    monkeypatch.setattr(process_registry.tempfile, "gettempdir", lambda: str(tmp_path))
    return tmp_path


def test_default_is_per_user_and_created_private(temp_root: Path) -> None:
    path = process_registry.state_dir()
    assert path == temp_root / f"local-aws-{os.getuid()}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_configured_directory_is_used_as_given(temp_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_AWS_STATE_DIR", str(temp_root / "given"))
    assert process_registry.state_dir() == temp_root / "given"


def test_default_open_to_others_is_refused(temp_root: Path) -> None:
    planted = temp_root / f"local-aws-{os.getuid()}"
    planted.mkdir(mode=0o777)
    planted.chmod(0o777)
    with pytest.raises(PermissionError, match="open to other users"):
        process_registry.state_dir()


def test_default_symlink_is_refused(temp_root: Path) -> None:
    elsewhere = temp_root / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (temp_root / f"local-aws-{os.getuid()}").symlink_to(elsewhere)
    with pytest.raises(PermissionError, match="not a directory"):
        process_registry.state_dir()


def test_pid_files_land_in_the_private_default(temp_root: Path) -> None:
    process_registry.record("server", os.getpid())
    assert (temp_root / f"local-aws-{os.getuid()}" / "pids" / "server.pid").read_text().startswith(f"{os.getpid()} ")


@pytest.mark.parametrize("problem", ["open to others", "someone else's", "symlink", "a file"])
def test_private_directory_refuses_what_others_could_write(tmp_path: Path, problem: str) -> None:
    path = tmp_path / "private"
    if problem == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        path.symlink_to(tmp_path / "elsewhere")
    elif problem == "a file":
        path.write_text("")
    else:
        path.mkdir(mode=0o700)
        if problem == "open to others":
            path.chmod(0o770)
        elif os.getuid() != 0:
            pytest.skip("changing a directory's owner needs root")
        else:
            os.chown(path, 4242, 4242)
    expected = {"open to others": "is open to other users (mode d", "someone else's": "belongs to uid 4242"}
    with pytest.raises(PermissionError, match=f"^model cache {path} ") as refused:
        private_directory(path, "model cache")
    assert expected.get(problem, "is not a directory (a symlink or file)") in str(refused.value)


def test_private_directory_creates_missing_parents_private_and_accepts_its_own(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b"
    assert private_directory(path, "state directory") == path
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o700
    assert private_directory(path, "state directory") == path  # already there and private: used as it is
