"""A directory only this user can use: where model archives are extracted and the code in them is imported.

A directory someone else owns or may write, or a symlink to one, could hold a planted model (code the model
server would run); it is refused rather than trusted or silently fixed. Used for serve_endpoint's model cache
and the LocalStack plugins' state directory.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def private_directory(path: Path, purpose: str) -> Path:
    """``path`` as a directory only this user can use (created 0700), or PermissionError saying why not.

    ``purpose`` names the directory in the message (``"model cache"``, ``"state directory"``); a command line
    caller turns the error into its exit message.
    """
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise PermissionError(f"{purpose} {path} is not a directory (a symlink or file): refusing to use it")
    if info.st_uid != os.getuid():
        raise PermissionError(f"{purpose} {path} belongs to uid {info.st_uid}, not to you: refusing to use it")
    if info.st_mode & 0o077:
        mode = stat.filemode(info.st_mode)
        raise PermissionError(f"{purpose} {path} is open to other users (mode {mode}): chmod 700 it")
    return path
