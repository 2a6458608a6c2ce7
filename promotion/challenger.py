"""The champion's side of the paired comparison: its archive, fetched from where its package points.

The champion is scored again here, on this run's evaluation set, rather than trusting the figures recorded
when it was registered: the paired test needs both models' answers on the very same rows, and the evaluation
set (or the code that scores it) may have changed since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from promotion import store
from promotion.registry import Package


def fetch_champion(s3: Any, champion: Package, folder: Path) -> Path:
    """Download the champion's model.tar.gz into ``folder``; its path."""
    if not champion.model_data_url:
        raise store.StoreError(f"the champion {champion.arn} names no ModelDataUrl")
    return store.download(s3, champion.model_data_url, folder / f"champion-{champion.version}.tar.gz")
