"""The archive's ``code/`` runs on its own, as in the container: only ``code/`` on ``sys.path``.

In-process tests import ``training`` from the repository first, so they would not notice a serving
module that the archive forgets to ship or one that imports the rest of ``training``; a fresh
interpreter in an empty directory does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1] + "/code")
import inference, training.serving
model = inference.model_fn(sys.argv[1])
body = inference.transform_fn(model, b"a wonderful film", "text/plain", "application/json").get_data()
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("training", "lambda_src"))
print(json.dumps({"serving": training.serving.__file__, "answer": json.loads(body), "loaded": loaded}))
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
    assert {name for name in probe["loaded"] if name.startswith("training")} == {
        "training",
        "training.serving",
        *(f"training.serving.{name}" for name in ("errors", "explanation", "json_lines", "limits", "media")),
        *(f"training.serving.{name}" for name in ("parsing", "request", "scoring", "sentiment_model", "transform")),
    }
