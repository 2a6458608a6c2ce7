"""Write scores and malformed records as JSON Lines.

The scores go to ``OUTPUT.part`` and are renamed to ``OUTPUT`` only when the run completes, so a file
named ``OUTPUT`` is always a whole answer; a stopped run removes its part file. The errors file is
written and flushed record by record while the run goes on, so it can be watched (``tail -f``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from scripts.score.readers import Malformed


def json_line(record: dict[str, Any]) -> bytes:
    """One JSON Lines record: compact, UTF-8 as is (not \\u escapes), newline-terminated."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def default_errors_path(output: Path) -> Path:
    """``scores.jsonl`` -> ``scores.errors.jsonl``, beside the output."""
    return output.with_name(f"{output.name.removesuffix('.jsonl')}.errors.jsonl")


class JsonLinesWriter:
    """A JSON Lines file written whole or not at all (``OUTPUT.part``, renamed on ``commit``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.count = 0
        self._file: IO[bytes] | None = None

    def __enter__(self) -> JsonLinesWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.part.open("wb")
        return self

    def write(self, record: dict[str, Any]) -> None:
        self._file.write(json_line(record))
        self.count += 1

    def commit(self) -> None:
        """Flush to disk and give the file its final name."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.part, self.path)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if not self._file.closed:  # not committed: an error or an interruption stopped the run
            self._file.close()
            self.part.unlink(missing_ok=True)


class ErrorsWriter:
    """Malformed records with their line (or file) and reason, flushed one by one.

    The file is created when the run starts, even if it stays empty, so an errors file left by an
    earlier run is never mistaken for this run's.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._file: IO[bytes] | None = None

    def __enter__(self) -> ErrorsWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("wb")
        return self

    def write(self, record: Malformed) -> None:
        self._file.write(json_line(record.to_json()))
        self._file.flush()
        self.count += 1

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._file.close()
