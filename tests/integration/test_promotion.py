"""The gate on real models: the full model of `make train` as champion, a `--quick` model as challenger.

Both are scored on the official IMDB test split (25,000 reviews) and registered in moto's model registry;
the quick model (2,000 training reviews, 20,000 terms) is measurably worse and must be Rejected, with the
figures of the paired comparison in its ApprovalDescription and metadata.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from promotion.cli import main
from tests.conftest import read_metrics
from tests.unit.test_promotion_registry import BUCKET, GROUP, REGION, aws, packages  # noqa: F401 (aws: a fixture)

pytestmark = pytest.mark.integration


@pytest.mark.timeout(900)
def test_the_quick_model_is_rejected_against_the_full_one(
    aws: Any,  # noqa: F811
    full_artifacts: Path,
    quick_artifacts: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sagemaker, _ = aws
    registry_args = ["--group", GROUP, "--bucket", BUCKET, "--region", REGION]
    assert main([str(full_artifacts / "model.tar.gz"), *registry_args]) == 0
    assert main([str(quick_artifacts / "model.tar.gz"), *registry_args]) == 3
    print(capsys.readouterr().out)  # the figures, for the log: pytest -s shows them

    champion, challenger = packages(sagemaker)
    assert champion["ModelApprovalStatus"] == "Approved"
    assert challenger["ModelApprovalStatus"] == "Rejected"
    figures = {
        key.removeprefix("gate_"): float(value)
        for key, value in challenger["CustomerMetadataProperties"].items()
        if key.startswith("gate_") and key != "gate_status"
    }
    # The gate re-scores the champion: its accuracy is the one training measured on the same 25,000 reviews.
    assert figures["n"] == 25_000
    assert figures["champion_accuracy"] == pytest.approx(read_metrics(full_artifacts)["accuracy"], abs=1e-6)
    assert figures["accuracy"] < figures["champion_accuracy"] - 0.02
    assert figures["b"] > 2 * figures["c"] > 0
    assert figures["difference"] == pytest.approx((figures["c"] - figures["b"]) / 25_000)
    assert figures["mcnemar_p"] < 1e-50 and figures["lower_bound"] < -figures["tolerance"]
    reason = challenger["ApprovalDescription"]
    match = re.search(r"McNemar b=([\d,]+) c=([\d,]+)", reason)
    assert match and [int(group.replace(",", "")) for group in match.groups()] == [figures["b"], figures["c"]]
    assert json.dumps(reason).startswith('"Rejected: accuracy ')
