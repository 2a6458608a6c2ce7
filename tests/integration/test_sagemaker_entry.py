"""`python -m training` run as a SageMaker training job runs it: the SM_* environment the job's driver sets,
the IMDB archive in the train and test channels (or the extracted layout), hyperparameters in SM_HPS.
It must give the same model and metrics as the local quick run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from training import data

ROOT = Path(__file__).resolve().parents[2]
TIMINGS = {"training_seconds", "total_seconds"}

pytestmark = pytest.mark.integration


def _container(tmp_path: Path, train: Path, test: Path) -> dict[str, str]:
    """The /opt/ml layout under tmp_path: channel folders holding `train`/`test`, empty model and output dirs."""
    env = {}
    for name, source in (("train", train), ("test", test)):
        channel = tmp_path / "input" / "data" / name
        channel.mkdir(parents=True)
        (channel / source.name).symlink_to(source)
        env[f"SM_CHANNEL_{name.upper()}"] = str(channel)
    for name, path in (("SM_MODEL_DIR", tmp_path / "model"), ("SM_OUTPUT_DATA_DIR", tmp_path / "output" / "data")):
        path.mkdir(parents=True)
        env[name] = str(path)
    return env


def _run_job(env: dict[str, str], hps: dict, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env, "SM_HPS": json.dumps(hps)}
    environment.pop("IMDB_DATA", None)
    command = [sys.executable, "-m", "training", *args]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


@pytest.mark.parametrize("layout", ["archive", "extracted"])
def test_job_environment_gives_the_local_quick_model(
    layout: str, tmp_path: Path, quick_artifacts: Path, imdb_folder: Path
) -> None:
    source = data.DEFAULT_ARCHIVE if layout == "archive" else imdb_folder
    env = _container(tmp_path, source, source)

    done = _run_job(env, {"quick": True}, "--verbose")  # as ModelTrainer's command runs it

    assert done.returncode == 0, done.stderr[-3000:]
    model_dir, output = Path(env["SM_MODEL_DIR"]), Path(env["SM_OUTPUT_DATA_DIR"])
    # SM_MODEL_DIR holds exactly the members of the local model.tar.gz, byte for byte (SageMaker tars it).
    files, members = _files(model_dir), _members(quick_artifacts / "model.tar.gz")
    local = json.loads((quick_artifacts / "metrics.json").read_text())
    remote = json.loads((output / "metrics.json").read_text())
    if layout == "extracted":  # no archive was read, so there is no data hash to record
        metadata, local_metadata = (json.loads(m.pop("metadata.json")) for m in (files, members))
        assert metadata.pop("data_sha256") is None and local_metadata.pop("data_sha256")
        assert metadata == local_metadata
        assert remote.pop("data_sha256") is None and local.pop("data_sha256")
    assert files == members
    assert {k: v for k, v in remote.items() if k not in TIMINGS} == {k: v for k, v in local.items() if k not in TIMINGS}
    assert remote["model_version"] in done.stdout
    assert (output / "vocabulary.json").read_bytes() == (quick_artifacts / "vocabulary.json").read_bytes()
    assert (output / "report.md").is_file() and sorted(p.name for p in (output / "plots").glob("*.png"))
    assert not (output / "model.tar.gz").exists(), "the model belongs in SM_MODEL_DIR only"


def test_job_command_line_args_override_sm_hps(tmp_path: Path) -> None:
    """SageMaker's script drivers pass hyperparameters as `--name value`; those win over SM_HPS."""
    env = _container(tmp_path, data.DEFAULT_ARCHIVE, data.DEFAULT_ARCHIVE)

    done = _run_job(env, {"quick": False, "ngram-max": 3}, "--quick", "true", "--ngram-max", "1")

    assert done.returncode == 0, done.stderr[-3000:]
    metrics = json.loads((Path(env["SM_OUTPUT_DATA_DIR"]) / "metrics.json").read_text())
    assert metrics["ngram_range"] == [1, 1] and metrics["train_reviews"] == 2000


@pytest.mark.parametrize(
    ("hps", "message"),
    [
        ({"quick": True, "learning-rate": 0.1}, "unknown hyperparameter 'learning-rate'"),
        ({"quick": "maybe"}, "expected true or false, got 'maybe'"),
        ({"max-terms": "many"}, "invalid int value: 'many'"),
        ({"max-terms": 0}, "--max-terms must be at least 1"),
    ],
)
def test_bad_hyperparameters_stop_the_job_with_a_clear_error(hps: dict, message: str, tmp_path: Path) -> None:
    env = _container(tmp_path, data.DEFAULT_ARCHIVE, data.DEFAULT_ARCHIVE)

    done = _run_job(env, hps)

    assert done.returncode != 0
    assert message in done.stderr
    assert not any(Path(env["SM_MODEL_DIR"]).iterdir()), "nothing is written when the options are wrong"


def test_a_channel_without_imdb_data_is_refused(tmp_path: Path) -> None:
    stray = tmp_path / "stray.txt"
    stray.write_text("not IMDB")
    env = _container(tmp_path, stray, stray)

    done = _run_job(env, {"quick": True})

    assert done.returncode != 0
    assert "does not contain the IMDB layout" in done.stderr
