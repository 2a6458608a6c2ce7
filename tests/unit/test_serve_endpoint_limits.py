"""serve_endpoint.py: a request over the payload limit is a 413 before the serving image's library reads it, and
a model.tar.gz is only extracted into (and served from) a cache directory private to the user, and only once
complete. Requests go to the real server (tests/conftest.py ``tiny_endpoint``, under .venv-serving)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scripts import serve_endpoint
from scripts.serve_endpoint import MAX_REQUEST_BYTES, resolve_model_dir
from tests.conftest import post


@pytest.fixture(scope="module")
def tiny_model_tar(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny-tar") / "model.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for member in sorted(tiny_model_dir.rglob("*")):
            tar.add(member, arcname=str(member.relative_to(tiny_model_dir)), recursive=False)
    return path


def test_a_body_over_the_limit_is_a_json_413(tiny_endpoint):
    response = post(f"{tiny_endpoint}/invocations", b" " * (MAX_REQUEST_BYTES + 1), "text/plain")
    assert response.status == 413 and "payload limit" in response.json()["error"]


def test_the_runtime_api_refuses_it_as_aws_does(tiny_endpoint):
    url = f"{tiny_endpoint}/endpoints/imdb-sentiment/invocations"
    request = urllib.request.Request(url, data=b"1" * (MAX_REQUEST_BYTES + 1), headers={"Content-Type": "text/csv"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    with refused.value as response:
        assert response.code == 413 and response.headers["x-amzn-ErrorType"] == "ValidationError"
        assert json.loads(response.read())["message"]


def test_a_chunked_body_over_the_limit_is_refused_after_reading_only_the_limit(tiny_endpoint):
    chunks = (b" " * (1024 * 1024) for _ in range(7))  # no Content-Length: urllib sends it chunked
    headers = {"Content-Type": "text/plain"}
    request = urllib.request.Request(f"{tiny_endpoint}/invocations", data=chunks, headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    with refused.value as response:
        assert response.code == 413 and "payload limit" in json.loads(response.read())["error"]


def test_a_body_at_the_limit_reaches_the_model(tiny_endpoint):
    body = b"good film" + b" " * (MAX_REQUEST_BYTES - 9)
    response = post(f"{tiny_endpoint}/invocations", body, "text/plain")
    assert response.status == 413 and "review too long" in response.json()["error"]  # inference.py's own


def test_json_lines_past_the_record_cap_are_a_json_413(tiny_endpoint):
    from serving.limits import MAX_JSON_LINES

    body = b'{"review": "good"}\n' * (MAX_JSON_LINES + 1)
    response = post(f"{tiny_endpoint}/invocations", body, "application/jsonlines")
    assert response.status == 413 and "too many JSON Lines records" in response.json()["error"]


def test_the_default_cache_is_per_user_and_private(tiny_model_tar, monkeypatch, tmp_path):
    monkeypatch.setattr(serve_endpoint.tempfile, "gettempdir", lambda: str(tmp_path))
    model_dir = resolve_model_dir(tiny_model_tar)
    root = tmp_path / f"imdb-sentiment-endpoint-{os.getuid()}"
    assert model_dir.parent.parent == root and (model_dir / "code" / "inference.py").is_file()
    info = os.lstat(root)
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.getuid()


@pytest.mark.parametrize("problem", ["open to others", "symlink"])
def test_a_cache_directory_others_could_write_ends_the_command_unused(tiny_model_tar, tmp_path, problem):
    """Every refusal of the shared private_directory is tested in test_local_aws_state_dir; here: the command's
    exit message names the model cache, and nothing is extracted."""
    cache = tmp_path / "cache"
    if problem == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        cache.symlink_to(tmp_path / "elsewhere")
    else:
        cache.mkdir(mode=0o700)
        cache.chmod(0o777)
    with pytest.raises(SystemExit, match=f"^model cache {cache} .*(refusing|open to other users)"):
        resolve_model_dir(tiny_model_tar, cache)
    assert not any(p.name.endswith("inference.py") for p in tmp_path.rglob("*"))


def model_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_extraction_cut_short_leaves_nothing_to_trust_and_the_next_start_completes_it(
    tiny_model_tar, tiny_model_dir, tmp_path, monkeypatch
):
    """The disk fills up after the first file: neither a model directory nor a partial one remains."""
    cache = tmp_path / "cache"
    real_extractall = tarfile.TarFile.extractall

    def disk_full_after_one_file(self, path, *args, filter=None, **kwargs):
        self.extract(next(m for m in self.getmembers() if m.isfile()), path, filter=filter)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "extractall", disk_full_after_one_file)
    with pytest.raises(OSError, match="No space left"):
        resolve_model_dir(tiny_model_tar, cache)
    assert list(cache.iterdir()) == []

    monkeypatch.setattr(tarfile.TarFile, "extractall", real_extractall)
    assert model_files(resolve_model_dir(tiny_model_tar, cache)) == model_files(tiny_model_dir)


def test_a_partial_directory_without_the_completion_mark_is_extracted_again(tiny_model_tar, tiny_model_dir, tmp_path):
    """What a killed non-atomic extraction (or an older cache) left: its files are never served."""
    cache = tmp_path / "cache"
    digest = hashlib.sha256(tiny_model_tar.read_bytes()).hexdigest()
    left = cache / digest[:16] / "model" / "code"
    left.mkdir(parents=True)
    (left / "inference.py").write_text("raise SystemExit('the half-written code was imported')\n")
    cache.chmod(0o700)
    model_dir = resolve_model_dir(tiny_model_tar, cache)
    assert model_dir == cache / digest[:16] / "model"
    assert model_files(model_dir) == model_files(tiny_model_dir)
    assert sorted(p.name for p in cache.iterdir()) == [f".{digest[:16]}.lock", digest[:16]]  # nothing stale kept
