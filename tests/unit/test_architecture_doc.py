"""ARCHITECTURE.md names files and modules; when one is moved or renamed the document must fail a test, not rot.

The README and the pages in docs/ link to each other's sections; a moved section must fail a test too: every
relative link in them resolves, and every ``#anchor`` names a heading of its target.

Checked in ARCHITECTURE.md: every relative Markdown link, every inline code span that is a repository path (its
first segment is one of the repository's top-level entries), and every such path inside code blocks (the
diagram). Paths under ``artifacts/`` and ``build/`` are what ``make train`` and ``make package`` write, not
repository files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "ARCHITECTURE.md"
TOP_LEVEL = ("lambda_src", "serving", "training", "scoring", "promotion", "scripts", "terraform", "tests", "web", ".ci")
TOP_LEVEL_FILES = ("Makefile", "README.md", "ARCHITECTURE.md", "pyproject.toml")
GENERATED = ("artifacts", "build")

_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_TOP_LEVEL_ALTERNATIVES = "|".join(re.escape(t) for t in TOP_LEVEL)
_PATH_IN_BLOCK = re.compile(rf"(?<![\w./-])((?:{_TOP_LEVEL_ALTERNATIVES})/[\w./-]*)")


def is_repository_path(span: str) -> bool:
    """A code span names a repository path when it has no spaces or URL/placeholder syntax and starts at the root."""
    if any(c in span for c in " <>*=$:") or span.startswith(("-", "/")):
        return False
    first = span.split("/", 1)[0]
    return first in TOP_LEVEL or (span in TOP_LEVEL_FILES) or first in GENERATED


def referenced_paths(markdown: str) -> set[str]:
    """Relative link targets and repository paths the document names, without anchors or generated outputs."""
    blocks = _FENCE.findall(markdown)
    prose = _FENCE.sub("", markdown)
    paths = set()
    for target in _LINK.findall(prose):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#"):
            paths.add(target.split("#", 1)[0])
    paths.update(span for span in _CODE_SPAN.findall(prose) if is_repository_path(span))
    for block in blocks:
        paths.update(match.rstrip(".") for match in _PATH_IN_BLOCK.findall(block))
    return {p for p in paths if p and p.split("/", 1)[0] not in GENERATED}


def missing_paths(markdown: str, root: Path) -> list[str]:
    return sorted(p for p in referenced_paths(markdown) if not (root / p).exists())


def heading_anchors(markdown: str) -> set[str]:
    """GitHub's anchors: each heading lower-cased, punctuation dropped, spaces turned into hyphens."""
    headings = re.findall(r"^#{1,6} (.+)$", _FENCE.sub("", markdown), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def broken_links(document: Path) -> list[str]:
    """Relative links in `document` whose file is missing or whose anchor names no heading there."""
    broken = []
    for target in _LINK.findall(_FENCE.sub("", document.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        path, _, anchor = target.partition("#")
        destination = (document.parent / path) if path else document
        if not destination.exists():
            broken.append(target)
            continue
        if anchor and destination.suffix == ".md" and anchor not in heading_anchors(destination.read_text()):
            broken.append(target)
    return broken


def test_every_path_in_architecture_md_exists() -> None:
    missing = missing_paths(DOCUMENT.read_text(encoding="utf-8"), ROOT)
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_the_check_covers_the_document() -> None:
    """Guards against an extractor that silently finds nothing: the document cites modules, code and tests."""
    paths = referenced_paths(DOCUMENT.read_text(encoding="utf-8"))
    assert len(paths) >= 30
    assert {"README.md", "terraform/main.tf", "serving/inference.py", "lambda_src/handler.py"} <= paths
    assert sum(p.startswith("terraform/modules/") for p in paths) >= 8


def test_readme_links_to_architecture_md() -> None:
    assert "](ARCHITECTURE.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "document", [ROOT / "README.md", DOCUMENT, *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name
)
def test_every_link_in_the_documentation_resolves(document: Path) -> None:
    assert not broken_links(document), f"{document.relative_to(ROOT)} has broken links"


def test_the_readme_indexes_every_docs_page() -> None:
    pages = sorted((ROOT / "docs").glob("*.md"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(pages) >= 8
    assert [p.name for p in pages if f"](docs/{p.name})" not in readme] == []


def test_broken_links_finds_missing_files_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("# Title\n\n## Deploy to AWS (`make up`)\n", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "[a](../README.md#deploy-to-aws-make-up) [b](../README.md#gone) [c](gone.md) [d](#title-here)\n"
        "[e](https://example.com) [f](#page)\n\n# Page\n",
        encoding="utf-8",
    )
    assert broken_links(page) == ["../README.md#gone", "gone.md", "#title-here"]


@pytest.mark.parametrize(
    ("markdown", "missing"),
    [
        ("See [the guide](docs/gone.md#part) and [README](README.md).", ["docs/gone.md"]),
        ("The code is in `lambda_src/gone.py` and `lambda_src/`.", ["lambda_src/gone.py"]),
        ('```mermaid\nflowchart LR\n  a["terraform/modules/gone/"] --> b\n```\n', ["terraform/modules/gone/"]),
        ("Not paths: `make score`, `s3://b/k`, `<name>-batch`, `$LATEST`, [AWS](https://aws.amazon.com).", []),
        ("Outputs are skipped: `artifacts/model.tar.gz`, `build/lambda.zip`; anchors too: [x](#request-path).", []),
    ],
)
def test_missing_paths_reports_what_is_not_there(tmp_path: Path, markdown: str, missing: list[str]) -> None:
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    (tmp_path / "lambda_src").mkdir()
    assert missing_paths(markdown, tmp_path) == missing
