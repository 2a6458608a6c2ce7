"""The archive's ``code/`` runs on its own, as in the container: only ``code/`` on ``sys.path``.

In-process tests import ``serving`` from the repository first, so they would not notice a serving
module that the archive forgets to ship or one that imports ``training`` or ``scoring`` (which the
archive does not carry); a fresh interpreter in an empty directory does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import stale_code
from training.artifacts import code_members, write_tar_gz

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1] + "/code")
import inference, serving
model = inference.model_fn(sys.argv[1])
body = inference.transform_fn(model, b"a wonderful film", "text/plain", "application/json").get_data()
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("serving", "training", "scoring"))
print(json.dumps({"serving": serving.__file__, "answer": json.loads(body), "loaded": loaded}))
"""


def test_archive_code_runs_without_the_repository(tiny_model_dir: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(tiny_model_dir)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    probe = json.loads(result.stdout)
    assert Path(probe["serving"]).is_relative_to(tiny_model_dir / "code")
    assert probe["answer"]["predictions"][0]["label"] == "positive"
    assert set(probe["loaded"]) == {
        "serving",
        *(f"serving.{name}" for name in ("errors", "explanation", "json_lines", "limits", "media")),
        *(f"serving.{name}" for name in ("parsing", "request", "scoring", "sentiment_model", "transform")),
    }


def test_an_archive_of_the_old_layout_is_stale(tmp_path: Path) -> None:
    """The tests refuse artifacts/model.tar.gz from before serving/ left training/ (it would run old code)."""
    members = {"coef.npy": b"", **code_members()}
    write_tar_gz(tmp_path / "current.tar.gz", members)
    assert stale_code(tmp_path / "current.tar.gz") == []
    old = {name.replace("code/serving/", "code/training/serving/"): data for name, data in members.items()}
    write_tar_gz(tmp_path / "old.tar.gz", {**old, "code/training/__init__.py": b""})
    stale = stale_code(tmp_path / "old.tar.gz")
    assert "code/serving/transform.py" in stale and "code/training/serving/transform.py" in stale
    assert "code/inference.py" not in stale
