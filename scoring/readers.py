"""Read reviews to score from JSON Lines, CSV or a folder of ``.txt`` files, one record at a time.

Every reader is a generator: it holds one line (or one file) at a time, so memory does not grow with the
input. A record that cannot be scored becomes a ``Malformed`` item in its place (with its line number
or file name and the reason) instead of stopping the read, whatever the problem (an exception nobody
foresaw included), so the caller decides whether a bad line stops the run (``--strict``) or goes to the
errors file. Work per record is bounded before it is done: a line or file longer than
``MAX_RECORD_BYTES`` is skipped unread; JSON is read strictly (``lambda_src.strict_json``: no deep
nesting, 5,000-digit numbers or duplicate keys); a review over the API's length limits
(``lambda_src.limits``) is refused before any worker tokenises it.

The remote path reuses these readers to turn any local input into JSON Lines for upload.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lambda_src import strict_json
from lambda_src.limits import ReviewTooLongError, check_review_length

# Like the API's body limit; IMDB's longest review is about 14 kB.
MAX_RECORD_BYTES = 1 << 20
FORMATS = ("jsonl", "csv", "txt")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}

RecordId = str | int


class InputError(Exception):
    """The input as a whole cannot be read (missing, unknown format, CSV without a review column)."""


@dataclass(frozen=True)
class Review:
    """A review to score. ``line`` is its line in the input (the file's position for folders)."""

    id: RecordId
    text: str
    line: int
    file: str | None = None
    size: int = 0  # bytes (files) or 1 (folders): what the progress bar counts


@dataclass(frozen=True)
class Malformed:
    """An input record that cannot be scored, and why."""

    line: int
    reason: str
    file: str | None = None
    id: RecordId | None = None
    size: int = 0

    def to_json(self) -> dict:
        where = {"file": self.file} if self.file is not None else {"line": self.line}
        return {**where, **({"id": self.id} if self.id is not None else {}), "reason": self.reason}

    def describe(self) -> str:
        return f"{self.file if self.file is not None else f'line {self.line}'}: {self.reason}"


Record = Review | Malformed


def detect_format(path: Path) -> str:
    """``txt`` for a folder, else by suffix: .jsonl/.ndjson/.json -> jsonl, .csv -> csv."""
    if path.is_dir():
        return "txt"
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise InputError(f"cannot tell the format of {path} from its name: pass --format jsonl, csv or txt") from None


def progress_total(path: Path, input_format: str) -> int:
    """What the progress bar counts to: bytes of a file, or the number of .txt files of a folder."""
    if input_format == "txt":
        return sum(1 for _ in _text_files(path))
    return path.stat().st_size


def read_records(path: Path, input_format: str | None = None) -> Iterator[Record]:
    """The records of ``path`` in input order."""
    if not path.exists():
        raise InputError(f"input not found: {path}")
    input_format = input_format or detect_format(path)
    if input_format == "txt":
        if not path.is_dir():
            raise InputError(f"--format txt needs a folder of .txt files, {path} is a file")
        return _read_folder(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder: only --format txt reads folders")
    return _read_jsonl(path) if input_format == "jsonl" else _read_csv(path)


def _read_jsonl(path: Path) -> Iterator[Record]:
    with path.open("rb") as lines:
        number = 0
        while True:
            raw = lines.readline(MAX_RECORD_BYTES + 1)
            if not raw:
                return
            number += 1
            size = len(raw)
            if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
                size += _skip_rest_of_line(lines)
                yield Malformed(number, f"line longer than {MAX_RECORD_BYTES:,} bytes", size=size)
                continue
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
            if not raw.strip():
                continue
            try:
                record = _parse_json_line(raw, number, size)
            except Exception as exc:  # noqa: BLE001 - whatever it is, it is this line's problem, not the run's
                record = Malformed(number, f"cannot be read: {exception_text(exc)}", size=size)
            yield record


def _skip_rest_of_line(lines: io.BufferedReader) -> int:
    skipped = 0
    while chunk := lines.readline(MAX_RECORD_BYTES):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def exception_text(error: BaseException) -> str:
    """An exception no check foresaw, as part of a record's reason: its type and message, cut short."""
    return f"{type(error).__name__}: {strict_json.quote(str(error), 200)}"


def _parse_json_line(raw: bytes, number: int, size: int) -> Record:
    try:
        body = strict_json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Malformed(number, f"not valid UTF-8 (byte {exc.start})", size=size)
    except strict_json.JsonInputError as exc:
        return Malformed(number, f"invalid JSON: {exc}", size=size)
    if not isinstance(body, dict):
        return Malformed(number, 'expected a JSON object such as {"id": 1, "review": "..."}', size=size)
    record_id = body.get("id", number)
    if type(record_id) not in (str, int):
        return Malformed(number, '"id" must be a string or an integer', size=size)
    return _review(body.get("review"), record_id, number, None, size)


def _review(text: object, record_id: RecordId, line: int, file: str | None, size: int) -> Record:
    if text is None:
        return Malformed(line, 'no "review" field', file, record_id, size)
    if not isinstance(text, str):
        return Malformed(line, '"review" must be a string', file, record_id, size)
    if not text.strip():
        return Malformed(line, "empty review", file, record_id, size)
    try:
        check_review_length(text)
    except ReviewTooLongError as exc:
        return Malformed(line, f"review_too_long: {exc}", file, record_id, size)
    return Review(record_id, text, line, file, size)


def _read_csv(path: Path) -> Iterator[Record]:
    """Rows of a CSV file with a header holding ``review`` and optionally ``id``.

    Bytes are decoded with ``surrogateescape`` so one row that is not UTF-8 is reported by its line and
    the rows after it are still read.
    """
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as stream:
        counted = _CountingReader(stream)
        reader = csv.reader(counted)
        header = next(reader, None)
        if header is None:
            raise InputError(f"{path} is empty: expected a header row with a 'review' column")
        columns = [name.strip().lower() for name in header]
        if "review" not in columns:
            raise InputError(f"{path} has no 'review' column in its header (columns: {', '.join(header)})")
        review_at, id_at = columns.index("review"), columns.index("id") if "id" in columns else None
        while True:
            line, start = counted.lines + 1, counted.consumed
            try:
                row = next(reader)
            except StopIteration:
                return
            except _LineTooLongError:
                reason = f"line longer than {MAX_RECORD_BYTES:,} characters"
                yield Malformed(line, reason, size=counted.consumed - start)
                continue
            except csv.Error as exc:  # a field over csv.field_size_limit() (128 kB), a NUL byte
                yield Malformed(line, f"CSV error: {exc}", size=counted.consumed - start)
                continue
            except Exception as exc:  # noqa: BLE001 - this row's problem, not the run's
                yield Malformed(line, f"cannot be read: {exception_text(exc)}", size=counted.consumed - start)
                continue
            size = counted.consumed - start
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(columns):
                yield Malformed(line, f"expected {len(columns)} fields, found {len(row)}", size=size)
                continue
            record_id: RecordId = row[id_at] if id_at is not None and row[id_at] else line
            if any(_undecodable(cell) for cell in row):
                yield Malformed(line, "not valid UTF-8", size=size)
                continue
            yield _review(row[review_at], record_id, line, None, size)


class _LineTooLongError(Exception):
    """Raised through the csv reader (which resets its state on the next row) to skip a huge line."""


class _CountingReader:
    """Lines of a text stream, each read up to ``MAX_RECORD_BYTES``, counting the bytes read for the
    progress bar."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.stream = stream
        self.consumed = 0
        self.lines = 0

    def __iter__(self) -> _CountingReader:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            raise StopIteration
        self.lines += 1
        self.consumed += len(line.encode("utf-8", "surrogateescape"))
        if len(line) > MAX_RECORD_BYTES and not line.endswith("\n"):
            while (rest := self.stream.readline(MAX_RECORD_BYTES)) and not rest.endswith("\n"):
                self.consumed += len(rest.encode("utf-8", "surrogateescape"))
            self.consumed += len(rest.encode("utf-8", "surrogateescape"))
            raise _LineTooLongError
        return line


def _undecodable(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _text_files(folder: Path) -> Iterator[Path]:
    """``.txt`` files under ``folder`` in sorted path order, one directory listing in memory at a time."""
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir():
            yield from _text_files(Path(entry.path))
        elif entry.name.endswith(".txt") and entry.is_file():
            yield Path(entry.path)


def _read_folder(folder: Path) -> Iterator[Record]:
    """One review per ``.txt`` file; its id is the path below ``folder`` without ``.txt``."""
    for number, path in enumerate(_text_files(folder), start=1):
        name = path.relative_to(folder).as_posix()
        record_id = name.removesuffix(".txt")
        try:
            too_large = path.stat().st_size > MAX_RECORD_BYTES
            text = "" if too_large else path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            yield Malformed(number, f"not valid UTF-8 (byte {exc.start})", name, record_id, 1)
            continue
        except OSError as exc:
            yield Malformed(number, f"cannot read: {exc.strerror}", name, record_id, 1)
            continue
        if too_large:
            yield Malformed(number, f"file larger than {MAX_RECORD_BYTES:,} bytes", name, record_id, 1)
            continue
        yield _review(text, record_id, number, name, 1)
