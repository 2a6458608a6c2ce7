"""Parquet, read by row group in record batches with pyarrow: memory holds one batch of the two columns read.

Only the text and label columns are read. Arrow's string columns are UTF-8 by definition; a binary text column
(bytes) is decoded here, so a value that is not UTF-8 is reported with its row number.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from training.datasets.rows import DatasetError, Row, missing_column

BATCH_ROWS = 16_384


def _text(value: object, path: Path, row: int) -> object:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path}: row {row} of the text column is not UTF-8 (byte {exc.start + 1})") from exc
    return value


def read(path: Path, text_column: str, label_column: str) -> Iterator[Row]:
    """The rows of ``path`` (numbered from 1); a missing column is refused from the schema, before any row is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise DatasetError(f"cannot read {path} as Parquet: {exc}") from exc
    with parquet:
        names = parquet.schema_arrow.names
        for column, option in ((text_column, "--text-column"), (label_column, "--label-column")):
            if column not in names:
                raise missing_column(path, column, option, names)
        row = 0
        try:
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=[text_column, label_column]):
                texts = batch.column(0).to_pylist()
                labels = batch.column(1).to_pylist()
                for text, label in zip(texts, labels, strict=True):
                    row += 1
                    yield Row(_text(text, path, row), label, f"row {row}")
        except (OSError, pa.ArrowException) as exc:
            raise DatasetError(f"{path}: unreadable after row {row}: {exc}") from exc
