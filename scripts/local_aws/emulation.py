"""Set how slowly a running stack's emulated SageMaker works, without restarting LocalStack.

The SageMaker plugin re-reads ``<state dir>/sagemaker-emulation.json`` on every CreateEndpoint,
UpdateEndpoint and DeleteEndpoint (see local_aws_plugins/emulation_settings.py, which owns the keys and the
defaults). A test that wants a 20-second rollout writes ``update_seconds`` before its apply and removes it
afterwards; ``python -m scripts.local_aws emulate --update-seconds 20`` does the same for ``make up``'s stack.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from scripts.local_aws.layout import Layout

KEYS = ("update_seconds", "rollback_seconds", "delete_seconds")


def read(layout: Layout) -> dict[str, float]:
    try:
        return json.loads(layout.sagemaker_emulation.read_text())
    except (OSError, ValueError):
        return {}


def write(layout: Layout, **seconds: float | None) -> dict[str, float]:
    """Merge the given durations into the settings file (None removes a key, back to the default); the result."""
    unknown = set(seconds) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown emulation settings {sorted(unknown)}; known: {', '.join(KEYS)}")
    settings = read(layout)
    for key, value in seconds.items():
        if value is None:
            settings.pop(key, None)
        elif value < 0:
            raise ValueError(f"{key} must be >= 0, got {value}")
        else:
            settings[key] = float(value)
    layout.state.mkdir(parents=True, exist_ok=True)
    layout.sagemaker_emulation.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n")
    return settings


@contextlib.contextmanager
def slow_sagemaker(layout: Layout, **seconds: float) -> Iterator[dict[str, float]]:
    """The given durations while the block runs, the previous settings afterwards."""
    before = read(layout)
    try:
        yield write(layout, **seconds)
    finally:
        layout.sagemaker_emulation.write_text(json.dumps(before, indent=2, sort_keys=True) + "\n")
