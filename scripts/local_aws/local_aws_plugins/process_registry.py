"""PID files for every process the plugins start, so ``down`` can stop them even if LocalStack dies first.

Lambda environments and model servers run in their own sessions; each has ``<state dir>/pids/<name>.pid``
holding ``<pid> <start time>`` (the format of scripts/local_aws/processes.py, which reads them) while it runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def state_dir() -> Path:
    """The directory the orchestration gave LocalStack (``LOCAL_AWS_STATE_DIR``), else a temp directory."""
    return Path(os.environ.get("LOCAL_AWS_STATE_DIR") or Path(tempfile.gettempdir()) / "local-aws")


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
