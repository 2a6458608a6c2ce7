"""Where a run may write, decided before anything is opened, and files written whole or not at all.

``check_outputs`` resolves every output path (symbolic links followed) and refuses, naming the option:
a path that is an input (the same file through a symbolic or hard link too) or lies inside an input
folder, two outputs that are one file, a folder or anything but a regular file, and an existing file
unless ``--overwrite`` is given; ``--overwrite`` never allows an input. ``AtomicFile`` writes to a new
temporary file beside its target and gives it the target's name only on ``commit``, so a failed or
interrupted run leaves every earlier file as it was, and a file the run finds already there after all
(created meanwhile) is still not replaced without ``--overwrite``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO


class OutputError(Exception):
    """An output path the run must not write."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def _problem(path: Path, inputs: list[Path], overwrite: bool) -> str | None:
    for source in inputs:
        if path == source or _same_file(path, source):
            return "is an input of this run"
        if source.is_dir() and path.is_relative_to(source):
            return f"is inside the input folder {source}"
    if path.is_dir():
        return "is a folder: name a file such as scores.jsonl"
    if path.exists() and not path.is_file():
        return "is not a regular file"
    if path.parent.exists() and not path.parent.is_dir():
        return f"cannot be created: {path.parent} is not a folder"
    if path.exists() and not overwrite:
        return "already exists: pass --overwrite to replace it, or name another file"
    return None


def check_outputs(inputs: Iterable[Path], outputs: dict[str, Path], overwrite: bool) -> dict[str, Path]:
    """``{option: resolved path}`` for ``outputs`` (``{"--output": path, ...}``), or ``OutputError``."""
    sources = [source.resolve() for source in inputs]
    resolved: dict[str, Path] = {}
    for option, path in outputs.items():
        target = path.resolve()
        problem = _problem(target, sources, overwrite)
        if problem is not None:
            raise OutputError(f"{option} {path} {problem}")
        for other, taken in resolved.items():
            if target == taken or _same_file(target, taken):
                raise OutputError(f"{option} {path} is the same file as {other} {outputs[other]}")
        resolved[option] = target
    return resolved


def _default_mode() -> int:
    """What ``open(path, "w")`` would give a new file: 0o666 less the umask (mkstemp uses 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def publish(temporary: Path, target: Path, overwrite: bool) -> None:
    """Give ``temporary`` the name ``target``; without ``overwrite``, never in place of an existing file."""
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if target exists, atomically
    except FileExistsError:
        raise OutputError(f"{target} appeared while the run went on: not replaced (see --overwrite)") from None
    except OSError:  # a file system without hard links: check, then rename
        if target.exists():
            raise OutputError(f"{target} appeared while the run went on: not replaced (see --overwrite)") from None
        os.replace(temporary, target)
        return
    temporary.unlink()


class AtomicFile:
    """A binary file written beside ``path`` under a temporary name, renamed to ``path`` by ``commit``."""

    def __init__(self, path: Path, overwrite: bool = False) -> None:
        self.path = path
        self.overwrite = overwrite
        self.temporary: Path | None = None
        self._file: IO[bytes] | None = None

    def __enter__(self) -> AtomicFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        os.fchmod(handle, _default_mode())
        self.temporary = Path(name)
        self._file = os.fdopen(handle, "wb")
        return self

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def flush(self) -> None:
        self._file.flush()

    def commit(self) -> None:
        """Flush to disk and give the file its final name."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        try:
            publish(self.temporary, self.path, self.overwrite)
        finally:
            self.temporary.unlink(missing_ok=True)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._file is not None and not self._file.closed:  # not committed: the run stopped
            self._file.close()
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
