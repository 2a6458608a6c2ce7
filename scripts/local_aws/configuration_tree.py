"""A stack's own copy of the Terraform configuration, so that stacks run Terraform at the same time.

tflocal writes its provider override (the stack's LocalStack endpoint) into the directory Terraform runs in,
and Terraform reads every ``*_override.tf`` there: two stacks in one directory would point at each other's
LocalStack. Each stack therefore runs in ``<state>/configuration/terraform``, a copy of terraform/ refreshed
before every command (so an edit to the configuration is seen, as it would be in terraform/).
The repository's other top-level entries appear beside it as symbolic links, so the configuration's
relative paths (``../web``, an example's ``../../../build/lambda.zip``) resolve as they do in the repository.

The copy leaves alone what Terraform and tflocal write into it (an example's lock file from ``init``, the
override and what it was made from), and removes only the files it copied itself that terraform/ no longer has.
"""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

from scripts.local_aws.layout import Layout

MANIFEST = ".copied-files.json"  # the files this module copied (relative paths), so it never removes others
SKIPPED_DIRECTORIES = {".terraform"}  # a developer's or tf-check's working data in terraform/
SKIPPED_SUFFIXES = ("_override.tf", ".tfstate", ".tfstate.backup", ".tfplan")


def working_directory(layout: Layout, directory: Path) -> Path:
    """Where a command for ``directory`` runs: its place in the stack's copy when it lies in terraform/.

    A directory elsewhere (a test's own small configuration) is used as it is.
    """
    try:
        relative = directory.resolve().relative_to(layout.terraform_dir.resolve())
    except ValueError:
        return directory
    tree = refresh(layout)
    return tree / relative


def refresh(layout: Layout) -> Path:
    """Bring ``<state>/configuration/terraform`` up to date with terraform/; its path."""
    source = layout.terraform_dir
    base = layout.state / "configuration"
    target = base / source.name
    target.mkdir(parents=True, exist_ok=True)
    _link_siblings(source, base)
    manifest = target / MANIFEST
    previous = set(json.loads(manifest.read_text())) if manifest.exists() else set()
    copied = set()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or _skipped(relative, nested=relative.parent != Path(".")):
            continue
        destination = target / relative
        if not destination.exists() or not filecmp.cmp(path, destination, shallow=False):
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        copied.add(relative.as_posix())
    for gone in previous - copied:
        (target / gone).unlink(missing_ok=True)
    manifest.write_text(json.dumps(sorted(copied)) + "\n")
    return target


def _skipped(relative: Path, nested: bool) -> bool:
    """Working data, state and overrides are never copied; nor a lock file below the root (tf-check's)."""
    if SKIPPED_DIRECTORIES.intersection(relative.parts):
        return True
    name = relative.name
    return name.endswith(SKIPPED_SUFFIXES) or (nested and name == ".terraform.lock.hcl")


def _link_siblings(source: Path, base: Path) -> None:
    """A link beside the copy to each other top-level entry of the repository (not .local, the stacks' home)."""
    for entry in source.parent.iterdir():
        if entry.name in (source.name, ".local", ".git"):
            continue
        link = base / entry.name
        if not link.is_symlink() and not link.exists():
            link.symlink_to(entry)
