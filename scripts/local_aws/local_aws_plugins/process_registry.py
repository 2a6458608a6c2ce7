"""PID files for every process the plugins start, so ``down`` can stop them even if LocalStack dies first.

Lambda environments and model servers run in their own sessions; each has ``<state dir>/pids/<name>.pid``
holding ``<pid> <start time>`` (the format of scripts/local_aws/processes.py, which reads them) while it runs.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def state_dir() -> Path:
    """The directory the orchestration gave LocalStack (``LOCAL_AWS_STATE_DIR``), else a private temp directory.

    Models are extracted and served from here, so the default is per user and must be private: a shared,
    predictable ``$TMPDIR/local-aws`` would let another user of the machine plant code the model server imports.
    """
    configured = os.environ.get("LOCAL_AWS_STATE_DIR")
    if configured:
        return Path(configured)
    return private_directory(Path(tempfile.gettempdir()) / f"local-aws-{os.getuid()}")


def private_directory(path: Path) -> Path:
    """``path`` as a directory only this user can use (created 0700); refused if a symlink, foreign or open."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise PermissionError(f"state directory {path} is not a directory (a symlink or file): refusing to use it")
    if info.st_uid != os.getuid():
        raise PermissionError(f"state directory {path} belongs to uid {info.st_uid}, not to you: refusing to use it")
    if info.st_mode & 0o077:
        mode = stat.filemode(info.st_mode)
        raise PermissionError(f"state directory {path} is open to other users (mode {mode}): chmod 700 it")
    return path


def record(name: str, pid: int) -> None:
    try:
        ticks = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except OSError:
        ticks = ""
    path = state_dir() / "pids" / f"{name}.pid"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{pid} {ticks}\n")


def forget(name: str) -> None:
    (state_dir() / "pids" / f"{name}.pid").unlink(missing_ok=True)
