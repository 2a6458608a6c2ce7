"""Find, verify, extract and read the IMDB Large Movie Review Dataset.

The data is never committed: by default it is read from the shared archive next to the
project (``../shared/data``), verified by sha256 and extracted once into an ignored cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from training.atomic_directory import build_once

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARCHIVE = PROJECT_ROOT.parent / "shared" / "data" / "aclImdb_v1_labelled.tar.gz"
DEFAULT_CACHE = PROJECT_ROOT / ".cache" / "data"
DOWNLOAD_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
# The shared labelled archive and Stanford's original; both have the same aclImdb/{train,test}/{pos,neg} layout.
KNOWN_SHA256 = {
    "753b3e4cabf7065cf6ccb60617c606c5bb5bdcdf3af7af4f122e10f558b09574": "aclImdb_v1_labelled.tar.gz",
    "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe": "aclImdb_v1.tar.gz",
}
SPLIT_SIZE = 25_000


class DataError(Exception):
    """The data is missing, corrupt or not laid out as the IMDB archive is."""


@dataclass(frozen=True)
class Split:
    """One official split: texts and labels (1 = positive), in a fixed order (sorted file names)."""

    texts: list[str]
    labels: list[int]

    def __len__(self) -> int:
        return len(self.texts)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(dest: Path, url: str = DOWNLOAD_URL) -> Path:
    """Fetch the original archive with a progress bar; only when the user asks (``--download``)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc="download IMDB") as bar:
                for block in iter(lambda: response.read(1 << 20), b""):
                    out.write(block)
                    bar.update(len(block))
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DataError(f"could not download {url}: {exc}") from exc
    partial.replace(dest)
    return dest


def verify_archive(archive: Path) -> str:
    """Return the archive's sha256, or raise if it is not one of the known IMDB archives."""
    if not archive.is_file():
        raise DataError(
            f"IMDB archive not found at {archive}. Pass --data PATH (archive or extracted folder) "
            "or --download to fetch the original from Stanford."
        )
    digest = sha256_of(archive)
    if digest not in KNOWN_SHA256:
        raise DataError(f"{archive} has sha256 {digest}, which is not a known IMDB archive: corrupt or wrong file")
    return digest


def extract(archive: Path, cache_dir: Path = DEFAULT_CACHE) -> Path:
    """Extract the labelled reviews once into ``cache_dir/<sha256[:16]>/aclImdb`` and return that folder.

    Trainings started together on a fresh cache must never read a half-written folder, so the folder is
    built and published whole (atomic_directory.build_once): a process that loses the race keeps the
    winner's folder and discards its own; an interrupted extraction leaves no target behind.
    """
    digest = verify_archive(archive)
    cache_dir.mkdir(parents=True, exist_ok=True)

    def fill(folder: Path) -> None:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in tar if m.isfile() and _is_labelled_review(m.name)]
            for member in tqdm(members, desc="extract IMDB", unit="file"):
                tar.extract(member, folder, filter="data")

    return build_once(cache_dir / digest[:16], digest, fill) / "aclImdb"


def _is_labelled_review(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 4 and parts[1] in ("train", "test") and parts[2] in ("pos", "neg") and name.endswith(".txt")


def configured_archive() -> Path:
    """The data used when none is given: ``$IMDB_DATA`` (an archive or an extracted folder), else DEFAULT_ARCHIVE."""
    return Path(os.environ.get("IMDB_DATA", DEFAULT_ARCHIVE))


def resolve(data: Path | None, cache_dir: Path = DEFAULT_CACHE, fetch: bool = False) -> Path:
    """The extracted ``aclImdb`` folder for ``--data``/``--download``/the default archive."""
    if fetch:
        target = cache_dir / "aclImdb_v1.tar.gz"
        if not (target.is_file() and sha256_of(target) in KNOWN_SHA256):
            download(target)
        return extract(target, cache_dir)
    data = data or configured_archive()
    if data.is_dir():
        folder = data / "aclImdb" if (data / "aclImdb").is_dir() else data
        if not (folder / "train" / "pos").is_dir():
            raise DataError(f"{data} does not contain the IMDB layout train/pos, train/neg, test/pos, test/neg")
        return folder
    return extract(data, cache_dir)


def load_split(folder: Path, split: str, limit: int | None = None) -> Split:
    """Read ``train`` or ``test`` reviews; ``limit`` takes the first N of each class (for quick runs)."""
    texts: list[str] = []
    labels: list[int] = []
    for label, sub in ((0, "neg"), (1, "pos")):
        files = sorted((folder / split / sub).glob("*.txt"))
        if not files:
            raise DataError(f"no reviews in {folder / split / sub}")
        for path in tqdm(files[:limit], desc=f"read {split}/{sub}", unit="review", leave=False):
            texts.append(path.read_text(encoding="utf-8"))
            labels.append(label)
    if limit is None and len(texts) != SPLIT_SIZE:
        raise DataError(f"{folder / split} holds {len(texts)} reviews, expected {SPLIT_SIZE}: incomplete data")
    return Split(texts, labels)
