"""CSV with a header row, read line by line with the standard library (memory holds one row at a time).

The file is decoded here, one physical line at a time, rather than by ``open(encoding=...)``: a byte that is not
UTF-8 is then reported with its line number instead of a bare ``UnicodeDecodeError`` from deep inside ``csv``.
A UTF-8 byte-order mark (Excel's "CSV UTF-8") is accepted.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from training.datasets.rows import DatasetError, Row, missing_column

# A review or ticket can be far longer than csv's default 131,072-character field limit.
FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1)


def _decoded_lines(path: Path, raw: BinaryIO) -> Iterator[str]:
    for number, line in enumerate(raw, 1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise DatasetError(
                f"{path}: line {number} is not UTF-8 (byte {exc.start + 1} of the line is 0x{line[exc.start]:02x}); "
                "save the file as UTF-8"
            ) from exc


def read(path: Path, text_column: str, label_column: str) -> Iterator[Row]:
    """The rows of ``path``; a missing column is refused at the header, before any row is read."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    csv.field_size_limit(FIELD_SIZE_LIMIT)  # process-wide, so set when a CSV is read rather than on import
    with raw:
        reader = csv.reader(_decoded_lines(path, raw), strict=True)  # bad quoting is an error, not a mangled row
        try:
            header = next(reader, None)
            if header is None:
                raise DatasetError(f"{path}: the file is empty; expected a header row naming the columns")
            for column, option in ((text_column, "--text-column"), (label_column, "--label-column")):
                if column not in header:
                    raise missing_column(path, column, option, header)
            text_at, label_at = header.index(text_column), header.index(label_column)
            for fields in reader:
                if not fields:  # a blank line is not a record
                    continue
                yield Row(
                    fields[text_at] if text_at < len(fields) else None,
                    fields[label_at] if label_at < len(fields) else None,
                    f"line {reader.line_num}",
                )
        except csv.Error as exc:
            raise DatasetError(f"{path}: line {reader.line_num} is not valid CSV: {exc}") from exc
