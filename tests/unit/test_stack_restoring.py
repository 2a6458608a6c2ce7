"""The shared stack's restore helper (tests/integration/conftest.py) puts the variables back however a test ends.

Terraform is replaced by a recorder of what would be applied (``stack.apply`` writes the variables file and
applies it, as the real one does), so each way out of a block is checked in milliseconds: success, a failed
assertion, a failed apply, Ctrl-C, an explicit restore, a kept state and a restore that fails once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.local_aws import stack
from scripts.local_aws.layout import Layout
from scripts.local_aws.terraform import TerraformError
from tests.integration import conftest as stack_fixtures
from tests.integration.conftest import LocalStack

BEFORE = {"model_artifact_path": "/models/a.tar.gz", "batch_transform": {}}
INFO = stack.StackInfo("u", "e", "api", "v1", "imdb-sentiment", "fn", "bucket", "model")


class Recorder:
    """Stands in for ``stack.apply``: records each applied variable set; fails while ``failures`` > 0."""

    def __init__(self) -> None:
        self.applied: list[dict[str, Any]] = []
        self.failures = 0

    def __call__(self, layout: Layout, variables: dict[str, Any], output=None, init: bool = True) -> stack.StackInfo:
        merged = {**json.loads(layout.tfvars.read_text()), **variables}
        layout.tfvars.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
        if self.failures:
            self.failures -= 1
            raise TerraformError("terraform apply failed (exit 1)")
        self.applied.append(merged)
        return INFO


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(stack_fixtures.stack, "apply", recorder)
    monkeypatch.setattr(LocalStack, "wait_endpoint_settled", lambda self: None)
    return recorder


@pytest.fixture
def local_stack(tmp_path: Path) -> LocalStack:
    layout = Layout(state=tmp_path / "state", port=4599)
    layout.state.mkdir()
    layout.tfvars.write_text(json.dumps(BEFORE, indent=2, sort_keys=True) + "\n")
    return LocalStack(layout, INFO, tmp_path, tmp_path / "m.tar.gz", tmp_path / "l.zip", tmp_path / "terraform.log")


def variables(local_stack: LocalStack) -> dict[str, Any]:
    return json.loads(local_stack.layout.tfvars.read_text())


# A failed check, Ctrl-C, and what pytest-timeout's signal method raises in the test.
ENDINGS = [AssertionError("a check failed"), KeyboardInterrupt(), pytest.fail.Exception("Timeout (>600.0s)")]


@pytest.mark.parametrize("error", ENDINGS, ids=lambda error: type(error).__name__)
def test_the_variables_of_before_are_applied_again_however_the_block_ends(local_stack, recorder, error) -> None:
    with pytest.raises(type(error)), local_stack.applied(api_keys={"tester": {}}):
        assert variables(local_stack)["api_keys"] == {"tester": {}}
        raise error
    assert variables(local_stack) == BEFORE, "a key the block added stays"
    assert recorder.applied == [{**BEFORE, "api_keys": {"tester": {}}}, BEFORE]
    assert local_stack.owed is None


def test_a_block_that_changed_nothing_applies_nothing(local_stack, recorder) -> None:
    with local_stack.restoring():
        pass
    assert recorder.applied == []


def test_a_failed_apply_is_restored_even_when_the_variables_look_unchanged(local_stack, recorder) -> None:
    recorder.failures = 1
    with local_stack.restoring(), pytest.raises(TerraformError):
        local_stack.apply(**BEFORE)  # same variables, but a half-done apply
    assert recorder.applied == [BEFORE]
    assert not local_stack.unsettled


def test_an_explicit_restore_is_not_repeated_and_keep_skips_it(local_stack, recorder) -> None:
    with local_stack.applied(log_level="WARNING") as change:
        change.restore()
        assert variables(local_stack) == BEFORE
    assert len(recorder.applied) == 2
    with local_stack.applied(model_artifact_path="/models/a-again.tar.gz") as change:
        change.keep()
    assert len(recorder.applied) == 3
    assert variables(local_stack)["model_artifact_path"] == "/models/a-again.tar.gz"


def test_a_restore_that_fails_is_owed_and_done_by_the_next_put_back(local_stack, recorder) -> None:
    with pytest.raises(TerraformError), local_stack.applied(log_level="WARNING"):
        recorder.failures = 1
    assert local_stack.owed is not None and local_stack.owed[0] == json.dumps(BEFORE, indent=2, sort_keys=True) + "\n"
    local_stack.put_back(*local_stack.owed)  # what the autouse fixture does before the next stack test
    assert local_stack.owed is None
    assert recorder.applied[-1] == BEFORE and variables(local_stack) == BEFORE
