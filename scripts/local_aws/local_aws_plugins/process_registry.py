"""PID files for every process the plugins start, so ``down`` can stop them even if LocalStack dies first.

Lambda environments and model servers run in their own sessions; each has ``<state dir>/pids/<name>.pid``
holding ``<pid> <start time>`` (the format of scripts/local_aws/processes.py, which reads them) while it runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from local_aws_shared.private_directory import private_directory


def state_dir() -> Path:
    """The directory the orchestration gave LocalStack (``LOCAL_AWS_STATE_DIR``), else a private temp directory.

    Models are extracted and served from here, so the default is per user and must be private: a shared,
    predictable ``$TMPDIR/local-aws`` would let another user of the machine plant code the model server imports.
    """
    configured = os.environ.get("LOCAL_AWS_STATE_DIR")
    if configured:
        return Path(configured)
    return private_directory(Path(tempfile.gettempdir()) / f"local-aws-{os.getuid()}", "state directory")


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
