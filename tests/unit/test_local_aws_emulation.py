"""The emulated SageMaker's durations file: what tests and `python -m scripts.local_aws emulate` write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.local_aws import emulation
from scripts.local_aws.cli import main
from scripts.local_aws.layout import Layout


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    return Layout(state=tmp_path / "state", port=4566)


def test_write_merges_and_none_removes(layout: Layout) -> None:
    assert emulation.write(layout, update_seconds=20) == {"update_seconds": 20.0}
    assert emulation.write(layout, rollback_seconds=3) == {"update_seconds": 20.0, "rollback_seconds": 3.0}
    assert emulation.write(layout, update_seconds=None) == {"rollback_seconds": 3.0}
    assert json.loads(layout.sagemaker_emulation.read_text()) == {"rollback_seconds": 3.0}


@pytest.mark.parametrize("settings", [{"update_second": 1}, {"update_seconds": -1}])
def test_unknown_keys_and_negative_durations_are_refused(layout: Layout, settings: dict) -> None:
    with pytest.raises(ValueError):
        emulation.write(layout, **settings)
    assert not layout.sagemaker_emulation.exists()


def test_slow_sagemaker_restores_the_previous_settings(layout: Layout) -> None:
    emulation.write(layout, delete_seconds=2)
    with emulation.slow_sagemaker(layout, update_seconds=20) as during:
        assert during == {"delete_seconds": 2.0, "update_seconds": 20.0}
    assert emulation.read(layout) == {"delete_seconds": 2.0}


def test_cli_sets_and_resets(layout: Layout, capsys: pytest.CaptureFixture[str]) -> None:
    state = ["--state-dir", str(layout.state)]
    assert main([*state, "emulate", "--update-seconds", "30"]) == 0
    assert json.loads(capsys.readouterr().out) == {"update_seconds": 30.0}
    assert main([*state, "emulate", "--reset"]) == 0
    assert json.loads(capsys.readouterr().out) == {}
