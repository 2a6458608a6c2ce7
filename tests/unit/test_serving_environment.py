""".venv-serving: the serving image's library with the image's one-line patch, applied once and idempotently."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scripts.local_aws.patch_sagemaker_containers import NEW, OLD, patch
from tests.conftest import ROOT

UNPATCHED = "import collections\n\n\nclass MappingMixin(collections.Mapping):\n    pass\n"


def test_the_patch_rewrites_collections_mapping_once(tmp_path: Path) -> None:
    source = tmp_path / "_mapping.py"
    source.write_text(UNPATCHED)
    assert patch(source) is True
    assert source.read_text() == UNPATCHED.replace(OLD, NEW) and OLD not in source.read_text()
    assert patch(source) is False and source.read_text() == UNPATCHED.replace(OLD, NEW)


def test_the_built_environment_is_the_images_python_and_library(serving_python: Path) -> None:
    probe = (
        "import importlib.metadata as m, platform, sagemaker_containers._mapping as mapping, inspect\n"
        "print(platform.python_version_tuple()[:2], m.version('sagemaker-containers'), m.version('flask'),"
        " m.version('scikit-learn'), 'collections.abc.Mapping' in inspect.getsource(mapping))"
    )
    result = subprocess.run([str(serving_python), "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == ["('3',", "'10')", "2.8.6.post2", "1.1.1", "1.4.2", "True"]


def test_the_master_makes_the_librarys_code_directory_before_workers_fork(
    tiny_model_dir: Path, serving_python: Path, tmp_path: Path
) -> None:
    """The library makes ``<base>/code`` at import with an unguarded check-then-makedirs.

    Workers importing it side by side on a fresh model directory raced there and one died with FileExistsError
    (a CI run's endpoint never came InService). ``prepare_container`` runs in the master: after it, the
    directory exists, so no worker makes it.
    """
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    probe = (
        "import os, sys; from pathlib import Path; from scripts.serve_endpoint import prepare_container\n"
        "prepare_container(Path(sys.argv[1]), Path(sys.argv[2]), 'inference.py')\n"
        "code = Path(os.environ['SAGEMAKER_BASE_DIR']) / 'code'\n"
        "print(code.is_dir(), 'sagemaker_containers' in sys.modules)"
    )
    result = subprocess.run(
        [str(serving_python), "-c", probe, str(tiny_model_dir), str(cache)],
        capture_output=True, text=True, timeout=60, check=True, cwd=ROOT,
    )  # fmt: skip
    assert result.stdout.split() == ["True", "True"], result.stderr[-2000:]
