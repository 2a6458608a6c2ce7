"""PID files and stopping processes by the PID recorded when they were started, never by name.

A PID file holds ``<pid> <start time>`` (the start time from /proc, in clock ticks): a recorded PID is only
signalled while it still belongs to the process that was started, not to an unrelated process that reused
the number. The LocalStack plugins write the same format for the processes they start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path


def start_ticks(pid: int) -> str:
    """Field 22 of /proc/<pid>/stat (start time), or "" where /proc does not tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]


def record(pid_dir: Path, name: str, pid: int) -> Path:
    pid_dir.mkdir(parents=True, exist_ok=True)
    path = pid_dir / f"{name}.pid"
    path.write_text(f"{pid} {start_ticks(pid)}\n")
    return path


def read(path: Path) -> int | None:
    """The PID in the file if that process is still the one recorded, else None."""
    try:
        fields = path.read_text().split()
    except OSError:
        return None
    if not fields:
        return None
    pid = int(fields[0])
    ticks = start_ticks(pid)
    if not ticks or (len(fields) > 1 and fields[1] != ticks):
        return None
    return pid


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().rpartition(")")[2].split()[0] == "Z")


def stop(pid: int, grace: float = 10.0) -> None:
    """SIGTERM to the process group the process leads (it was started in its own session), SIGKILL after a grace."""
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap(pid)
        if not alive(pid):
            return
        time.sleep(0.1)
    _signal(pid, signal.SIGKILL)
    _reap(pid)


def stop_recorded(pid_dir: Path, grace: float = 10.0) -> list[str]:
    """Stop every process with a PID file in ``pid_dir`` (LocalStack first), remove the files; the names stopped."""
    files = sorted(pid_dir.glob("*.pid"), key=lambda path: path.stem != "localstack")
    stopped = []
    for path in files:
        pid = read(path)
        if pid is not None:
            stop(pid, grace)
            stopped.append(path.stem)
        path.unlink(missing_ok=True)
    return stopped


def _signal(pid: int, signum: int) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    """Collect the exit status when the process is our child, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
