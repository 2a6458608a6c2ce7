"""Write the terraform-docs style tables (requirements, resources, inputs, outputs) into each README.md.

terraform-docs cannot be installed on the project's build machines, yet the module READMEs must keep
accurate inputs/outputs tables. This reads the `terraform fmt`-formatted sources (blocks open at column 0
and close with a `}` line) and renders the block between the BEGIN_TF_DOCS/END_TF_DOCS markers in the
same Markdown layout terraform-docs produces, so either tool can maintain it. `--check` fails when a
README is out of date (used by tf-check.sh). A module without a README fails in either mode: what a module
is for and how to use it is its author's to write; this tool only adds the tables.

Usage: python3 terraform/tf_docs.py [--check] [DIR ...]   (default: terraform/ and every module under it)
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/{provider}/latest/docs/{kind}/{name}"
# A block either spans lines (closed by a `}` line) or is empty on one line (`data "aws_region" "current" {}`).
BLOCK = re.compile(
    r'^(variable|output|resource|data|module) "([^"]+)"(?: "([^"]+)")? \{(?:\}$|\n(.*?)^\})', re.M | re.S
)
OPENERS, CLOSERS = "([{", ")]}"


@dataclass
class Variable:
    name: str
    description: str
    type: str
    default: str | None


def attribute(body: str, key: str) -> str | None:
    """The source text of a top-level attribute of a block body, across lines until brackets balance."""
    match = re.search(rf"^  {key}\s*=\s*", body, re.M)
    if not match:
        return None
    depth, in_string, escaped = 0, False, False
    for end in range(match.end(), len(body)):
        char = body[end]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth -= 1
        elif char == "\n" and depth == 0:
            break
    return _dedent(body[match.end() : end])


def _dedent(text: str) -> str:
    lines = text.split("\n")
    return "\n".join([lines[0]] + [line[2:] if line.startswith("  ") else line for line in lines[1:]])


def _string(text: str | None) -> str:
    """The value of a quoted HCL string literal (descriptions), unescaped."""
    if not text:
        return ""
    return text.strip()[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _code(text: str) -> str:
    """A table cell with code, multi-line values as <pre> like terraform-docs."""
    if "\n" in text:
        return "<pre>" + text.replace("|", "\\|").replace("\n", "<br/>") + "</pre>"
    return f"`{text}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _anchor(kind: str, name: str) -> str:
    escaped = name.replace("_", "\\_")
    return f'<a name="{kind}_{name}"></a> [{name}](#{kind}\\_{escaped})'


def render(directory: Path) -> str:
    """The BEGIN_TF_DOCS...END_TF_DOCS block for one configuration directory."""
    sources = "\n".join(path.read_text() for path in sorted(directory.glob("*.tf")))
    variables: list[Variable] = []
    outputs: list[tuple[str, str]] = []
    resources: list[tuple[str, str, str]] = []
    modules: list[tuple[str, str]] = []
    for kind, first, second, body in BLOCK.findall(sources):
        if kind == "variable":
            description = _string(attribute(body, "description"))
            variables.append(Variable(first, description, attribute(body, "type") or "any", attribute(body, "default")))
        elif kind == "output":
            outputs.append((first, _string(attribute(body, "description"))))
        elif kind == "module":
            modules.append((first, _string(attribute(body, "source"))))
        else:
            resources.append((kind, first, second))
    required_version = re.search(r'required_version = "([^"]+)"', sources)
    aws_version = re.search(r'source\s+= "hashicorp/aws"\n\s+version\s+= "([^"]+)"', sources)

    lines = [BEGIN, "## Requirements", "", "| Name | Version |", "|------|---------|"]
    if required_version:
        lines.append(f"| {_anchor('requirement', 'terraform')} | {required_version.group(1)} |")
    if aws_version:
        lines.append(f"| {_anchor('requirement', 'aws')} | {aws_version.group(1)} |")
    if modules:
        lines += ["", "## Modules", "", "| Name | Source | Version |", "|------|--------|---------|"]
        lines += [f"| {_anchor('module', name)} | {source} | n/a |" for name, source in sorted(modules)]
    lines += ["", "## Resources", ""]
    lines += ["| Name | Type |", "|------|------|"] if resources else ["No resources."]
    for kind, rtype, name in sorted(resources, key=lambda r: (r[1], r[2], r[0])):
        provider, _, short = rtype.partition("_")
        url = REGISTRY.format(provider=provider, kind="resources" if kind == "resource" else "data-sources", name=short)
        prefix = "" if kind == "resource" else "data."
        lines.append(f"| [{prefix}{rtype}.{name}]({url}) | {'resource' if kind == 'resource' else 'data source'} |")
    lines += ["", "## Inputs", "", "| Name | Description | Type | Default | Required |"]
    lines.append("|------|-------------|------|---------|:--------:|")
    for var in sorted(variables, key=lambda v: (v.default is not None, v.name)):
        default = "n/a" if var.default is None else _code(var.default)
        required = "yes" if var.default is None else "no"
        name, description = _anchor("input", var.name), _cell(var.description)
        lines.append(f"| {name} | {description} | {_code(var.type)} | {default} | {required} |")
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    lines += [f"| {_anchor('output', name)} | {_cell(text)} |" for name, text in sorted(outputs)]
    lines.append(END)
    return "\n".join(lines)


def update(readme: Path, block: str, check: bool) -> bool:
    """Replace the marked block in README.md (appending it when absent); True when the file is current."""
    text = readme.read_text() if readme.exists() else f"# {readme.parent.name}\n"
    if BEGIN in text and END in text:
        start, stop = text.index(BEGIN), text.index(END) + len(END)
        new = text[:start] + block + text[stop:]
    else:
        new = text.rstrip("\n") + "\n\n" + block + "\n"
    if new == text:
        return True
    if not check:
        readme.write_text(new)
    return False


def configuration_directories(root: Path) -> list[Path]:
    """The root configuration and every module under modules/, nested submodules included.

    Not Terraform's own copies (.terraform/) and not test fixtures.
    """
    modules = {
        path.parent
        for path in (root / "modules").rglob("*.tf")
        if not {".terraform", "tests"} & set(path.relative_to(root).parts)
    }
    return [root, *sorted(modules)]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", type=Path, help="configuration directories")
    parser.add_argument("--check", action="store_true", help="fail when a README is out of date; change nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    directories = args.directories or configuration_directories(Path(__file__).resolve().parent)
    missing = [d for d in directories if not (d / "README.md").exists()]
    for directory in missing:
        print(f"{directory}: no README.md: write one (what it is for, how to use it), then run this for its tables")
    present = [d for d in directories if d not in missing]
    stale = [d for d in present if not update(d / "README.md", render(d), args.check)]
    for directory in stale:
        print(f"{directory / 'README.md'}: {'out of date' if args.check else 'updated'}")
    return 1 if missing or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
