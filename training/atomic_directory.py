"""A directory built once and published whole: readers see it complete or not at all.

Used where an archive is unpacked into a cache that later runs trust as is: the IMDB data (training/data.py)
and a model.tar.gz whose code the local endpoint imports (scripts/serve_endpoint.py). A killed process or a
full disk must not leave a half-filled directory that the next run takes for a finished one. Standard library
only.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

# Holds the digest of what was unpacked; written last, so a directory holding it is complete.
COMPLETE_MARKER = ".complete"


def is_complete(folder: Path, digest: str) -> bool:
    """Whether ``folder`` was published by ``build_once`` for this digest (its marker says so)."""
    try:
        return (folder / COMPLETE_MARKER).read_text(encoding="utf-8") == digest
    except OSError:
        return False


def build_once(target: Path, digest: str, fill: Callable[[Path], None]) -> Path:
    """``target``, complete for ``digest``: built by ``fill`` unless a complete one is already there.

    ``fill`` writes into a private (0700) temporary directory beside the target; the marker is written last
    and the directory renamed into place. Processes racing on one target all return one complete directory;
    an interrupted build leaves neither a target nor its temporary directory (unless the process is killed
    outright, when a ``.<name>.partial-*`` directory that nothing reads may remain).
    """
    if is_complete(target, digest):
        return target
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        fill(partial)
        (partial / COMPLETE_MARKER).write_text(digest, encoding="utf-8")
        _publish(partial, target, digest)
    finally:
        shutil.rmtree(partial, ignore_errors=True)  # gone already once renamed into place
    return target


def _publish(partial: Path, target: Path, digest: str) -> None:
    """Rename ``partial`` to ``target`` unless another process already published a complete folder there.

    A target without a matching marker (left by an older, non-atomic extraction) is moved aside and replaced
    under an exclusive lock, re-checked under it, so a complete folder that others read is never moved.
    """
    try:
        partial.rename(target)
        return
    except OSError:  # the target exists: a winner's complete folder, or a stale one
        if is_complete(target, digest):
            return
    with (target.parent / f".{target.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_complete(target, digest):
            return
        stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale-", dir=target.parent))
        if target.exists():
            target.rename(stale / target.name)
        try:
            partial.rename(target)
        except OSError:  # a lock-free winner published between the move and this rename
            if not is_complete(target, digest):
                raise
        shutil.rmtree(stale, ignore_errors=True)
