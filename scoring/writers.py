"""Write scores and malformed records as JSON Lines, each file whole or not at all.

Both files are written under a temporary name beside their target (``output_files.AtomicFile``) and
renamed when the run completes, so a file named ``OUTPUT`` is always a whole answer and a stopped run
leaves the files of an earlier run as they were. The errors file is flushed record by record while the
run goes on, so it can be watched under its temporary name (``.scores.errors.jsonl.*.part``).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import Any

from scoring.output_files import AtomicFile
from scoring.readers import Malformed


def json_line(record: dict[str, Any]) -> bytes:
    """One JSON Lines record: compact, UTF-8 as is (not \\u escapes), newline-terminated.

    A string that is not valid Unicode (a lone surrogate read from a ``"\\ud800"`` escape or a file name)
    has no UTF-8 form: such a record is written with ``\\u`` escapes instead, which read back the same.
    """
    try:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record, separators=(",", ":")).encode("ascii") + b"\n"


def default_errors_path(output: Path) -> Path:
    """``scores.jsonl`` -> ``scores.errors.jsonl``, beside the output."""
    return output.with_name(f"{output.name.removesuffix('.jsonl')}.errors.jsonl")


class JsonLinesWriter:
    """A JSON Lines file written whole or not at all (a temporary file, renamed on ``commit``)."""

    def __init__(self, path: Path, overwrite: bool = False) -> None:
        self.path = path
        self.count = 0
        self._file = AtomicFile(path, overwrite)

    def __enter__(self) -> JsonLinesWriter:
        self._file.__enter__()
        return self

    def write(self, record: dict[str, Any]) -> None:
        self._file.write(json_line(record))
        self.count += 1

    def commit(self) -> None:
        """Flush to disk and give the file its final name."""
        self._file.commit()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._file.__exit__(kind, error, trace)


class ErrorsWriter(JsonLinesWriter):
    """Malformed records with their line (or file) and reason, flushed one by one.

    The file is written even if it stays empty, so an errors file left by an earlier run is never
    mistaken for this run's.
    """

    def write(self, record: Malformed) -> None:  # type: ignore[override]
        super().write(record.to_json())
        self._file.flush()
