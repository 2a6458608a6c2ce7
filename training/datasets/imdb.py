"""The IMDB archive layout (``aclImdb/{train,test}/{pos,neg}``) as a data source, read exactly as before.

IMDB keeps its official test split, untouched: its published figures are measured on all 25,000 test reviews,
so texts it shares with train/ are counted (and reported) but not removed. Reading goes through
``training.data`` unchanged, so the default run's vocabulary, metrics and model.tar.gz stay byte for byte the same.
"""

from __future__ import annotations

from pathlib import Path

from training import data

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
LABELS = ("neg", "pos")  # the folder names of the negative and positive class


def is_imdb(path: Path | None) -> bool:
    """No path (the default archive), an archive, or a folder with the IMDB layout (maybe inside ``aclImdb/``)."""
    if path is None:
        return True
    if path.is_dir():
        return (path / "train" / "pos").is_dir() or (path / "aclImdb" / "train" / "pos").is_dir()
    return path.name.endswith(ARCHIVE_SUFFIXES)


def read(path: Path | None, split: str, cache_dir: Path, fetch: bool, limit: int | None) -> data.Split:
    """The ``train`` or ``test`` split; ``limit`` takes the first N reviews of each class (``--quick``)."""
    return data.load_split(data.resolve(path, cache_dir, fetch=fetch), split, limit)
