"""The stack modules `make test-with-stack` starts first exist: a renamed one would silently start last."""

from __future__ import annotations

from tests.conftest import LONGEST_STACK_MODULES, ROOT


def test_every_longest_stack_module_is_a_test_module() -> None:
    missing = [name for name in LONGEST_STACK_MODULES if not (ROOT / "tests" / "integration" / name).is_file()]
    assert not missing, f"LONGEST_STACK_MODULES names modules that are gone: {missing}"
    assert len(set(LONGEST_STACK_MODULES)) == len(LONGEST_STACK_MODULES)
