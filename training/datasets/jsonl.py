"""JSON Lines: one JSON object per line, read line by line with the standard library.

The columns are the first object's keys (as a warehouse export writes them); a later object without the text
or label key is a row with that value missing, skipped and counted by validation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from training.datasets.rows import DatasetError, Row, missing_column


def read(path: Path, text_column: str, label_column: str) -> Iterator[Row]:
    """The objects of ``path`` as rows; blank lines are ignored; anything else that is not an object is refused."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc.strerror or exc}") from exc
    checked = False
    with raw:
        for number, line in enumerate(raw, 1):
            try:
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DatasetError(
                    f"{path}: line {number} is not UTF-8 (byte {exc.start + 1} of the line is "
                    f"0x{line[exc.start]:02x}); save the file as UTF-8"
                ) from exc
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}: line {number} is not JSON: {exc.msg} at column {exc.colno}") from exc
            if not isinstance(record, dict):
                raise DatasetError(f"{path}: line {number} is a JSON {type(record).__name__}, expected an object")
            if not checked:
                for column, option in ((text_column, "--text-column"), (label_column, "--label-column")):
                    if column not in record:
                        raise missing_column(path, column, option, list(record))
                checked = True
            yield Row(record.get(text_column), record.get(label_column), f"line {number}")
    if not checked:
        raise DatasetError(f"{path}: the file holds no JSON objects")
