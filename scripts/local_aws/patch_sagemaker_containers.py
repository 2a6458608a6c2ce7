"""The scikit-learn 1.4-2 image's one-line patch to sagemaker-containers 2.8.6, applied to .venv-serving.

sagemaker_containers/_mapping.py subclasses ``collections.Mapping``, which Python 3.10 removed, so the package
does not import on the image's Python until ``collections.Mapping`` is rewritten to ``collections.abc.Mapping``;
the image's Dockerfile (docker/1.4-2/final/Dockerfile.cpu in aws/sagemaker-scikit-learn-container) does exactly
that replacement. Run by the venv's own Python (standard library only); running it again changes nothing.
Exits non-zero unless the serving modules the local endpoint uses import afterwards.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

OLD, NEW = "collections.Mapping", "collections.abc.Mapping"


def mapping_file() -> Path:
    """sagemaker_containers/_mapping.py, found without importing the package (it does not import yet)."""
    spec = importlib.util.find_spec("sagemaker_containers")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("sagemaker_containers is not installed in this environment")
    return Path(spec.submodule_search_locations[0]) / "_mapping.py"


def patch(path: Path) -> bool:
    """Apply the image's replacement; whether the file changed ("collections.abc.Mapping" has no OLD in it)."""
    source = path.read_text(encoding="utf-8")
    patched = source.replace(OLD, NEW)
    if patched == source:
        return False
    path.write_text(patched, encoding="utf-8")
    return True


def main() -> int:
    path = mapping_file()
    changed = patch(path)
    importlib.import_module("sagemaker_containers.beta.framework")
    print(f"{path}: {'patched' if changed else 'already patched'}; sagemaker_containers imports", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
