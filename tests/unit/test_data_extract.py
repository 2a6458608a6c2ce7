"""Extracting the IMDB archive is atomic: concurrent trainings and interrupted runs never leave a partial folder."""

from __future__ import annotations

import io
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from training import atomic_directory, data

REVIEWS = {
    f"aclImdb/{split}/{label}/{n}_{7 if label == 'pos' else 2}.txt": f"{split} {label} review {n}"
    for split in ("train", "test")
    for label in ("pos", "neg")
    for n in range(5)
}
NOT_EXTRACTED = {"aclImdb/README": "readme", "aclImdb/train/unsup/0_0.txt": "unlabelled", "aclImdb/imdb.vocab": "a"}


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small archive with the IMDB layout, accepted as a known archive for the test."""
    path = tmp_path / "aclImdb_small.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, text in {**REVIEWS, **NOT_EXTRACTED}.items():
            body = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    monkeypatch.setitem(data.KNOWN_SHA256, data.sha256_of(path), path.name)
    return path


def extracted_files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder.parent)): p.read_text() for p in folder.rglob("*") if p.is_file()}


def leftovers(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if ".partial-" in p.name or ".stale-" in p.name)


def test_extracts_only_the_labelled_reviews_and_marks_the_folder_complete_last(archive: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = data.extract(archive, cache)
    digest = data.sha256_of(archive)
    assert folder == cache / digest[:16] / "aclImdb"
    assert extracted_files(folder) == REVIEWS
    assert (folder.parent / atomic_directory.COMPLETE_MARKER).read_text() == digest
    assert leftovers(cache) == []
    assert data.load_split(folder, "test", limit=5).labels == [0] * 5 + [1] * 5


def test_an_interrupted_extraction_leaves_no_folder_and_the_next_run_completes(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    real_extract = tarfile.TarFile.extract
    calls = []

    def killed_after_three(self: tarfile.TarFile, member: tarfile.TarInfo, *args: object, **kwargs: object) -> None:
        calls.append(member.name)
        if len(calls) > 3:
            raise KeyboardInterrupt  # Ctrl-C half way through
        real_extract(self, member, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "extract", killed_after_three)
    with pytest.raises(KeyboardInterrupt):
        data.extract(archive, cache)
    assert not (cache / data.sha256_of(archive)[:16]).exists()
    assert leftovers(cache) == []

    monkeypatch.setattr(tarfile.TarFile, "extract", real_extract)
    assert extracted_files(data.extract(archive, cache)) == REVIEWS


def test_a_stale_folder_from_a_killed_non_atomic_run_is_replaced(archive: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    stale = cache / data.sha256_of(archive)[:16]
    (stale / "aclImdb" / "train" / "pos").mkdir(parents=True)
    (stale / "aclImdb" / "train" / "pos" / "0_7.txt").write_text("train pos rev")  # cut short
    (stale / atomic_directory.COMPLETE_MARKER).touch()  # the old marker: empty, written even after a concurrent wipe
    assert extracted_files(data.extract(archive, cache)) == REVIEWS
    assert leftovers(cache) == []


def test_the_loser_of_the_race_uses_the_winners_complete_folder(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    real_publish = atomic_directory._publish

    def winner_first(partial: Path, target: Path, digest: str) -> None:
        monkeypatch.setattr(atomic_directory, "_publish", real_publish)
        winner = data.extract(archive, cache)  # another training finishes between our check and our rename
        (winner / "winner").write_text("kept")
        real_publish(partial, target, digest)

    monkeypatch.setattr(atomic_directory, "_publish", winner_first)
    folder = data.extract(archive, cache)
    assert (folder / "winner").read_text() == "kept"
    assert extracted_files(folder) == {**REVIEWS, "aclImdb/winner": "kept"}
    assert leftovers(cache) == []


@pytest.mark.parametrize("stale", [False, True], ids=["fresh cache", "stale folder"])
def test_concurrent_extractions_all_return_the_same_complete_folder(archive: Path, tmp_path: Path, stale: bool) -> None:
    cache = tmp_path / "cache"
    if stale:
        (cache / data.sha256_of(archive)[:16] / "aclImdb").mkdir(parents=True)
    with ThreadPoolExecutor(max_workers=6) as pool:
        folders = list(pool.map(lambda _: data.extract(archive, cache), range(6)))
    assert len(set(folders)) == 1
    assert extracted_files(folders[0]) == REVIEWS
    assert leftovers(cache) == []
