"""A folder of ``.txt`` files per label (``reviews/pos/*.txt``, ``reviews/neg/*.txt``): the folder name is the label.

Files are read in sorted order (label folder, then file name) so the same folder always gives the same rows and
so the same split and model. Hidden entries are ignored; a file that is not UTF-8 is refused, naming the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from training.datasets.rows import DatasetError, Row


def label_folders(path: Path) -> list[Path]:
    """The subfolders of ``path`` that hold ``.txt`` files, sorted by name."""
    return sorted(
        sub for sub in path.iterdir() if sub.is_dir() and not sub.name.startswith(".") and any(sub.glob("*.txt"))
    )


def read(path: Path) -> Iterator[Row]:
    """One row per ``.txt`` file; its label is its folder's name."""
    folders = label_folders(path)
    if not folders:
        raise DatasetError(
            f"{path} does not contain the IMDB layout (train/pos, train/neg, test/pos, test/neg) "
            "nor label folders holding .txt files (e.g. pos/*.txt, neg/*.txt)"
        )
    for folder in folders:
        for file in sorted(folder.glob("*.txt")):
            if file.name.startswith("."):
                continue
            where = f"file {file.relative_to(path)}"
            try:
                text = file.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DatasetError(f"{path}: {where} is not UTF-8 (byte {exc.start + 1})") from exc
            except OSError as exc:
                raise DatasetError(f"cannot read {file}: {exc.strerror or exc}") from exc
            yield Row(text, folder.name, where)
