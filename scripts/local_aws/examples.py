"""Apply one of terraform/examples/ to a running local stack, unchanged, beside the root's deployment.

The example's directory is used as users copy it (in the stack's copy of terraform/): tflocal's provider
override points it at the stack's LocalStack as it does the root (``Terraform``), and the example's working
data, variables and state live in a directory of their own under the stack's state directory, so ``down``
removes them with the rest. Its ``name`` variable keeps its resources apart from the root's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import IO, Any

from scripts.local_aws.layout import Layout
from scripts.local_aws.terraform import Terraform


def example_layout(layout: Layout, example: str) -> Layout:
    """The stack's gateway and environments, with a state directory of the example's own."""
    return replace(layout, state=layout.state / "examples" / example)


def terraform(layout: Layout, example: str, output: IO[str] | None = None) -> Terraform:
    """Terraform for the example, with its own state (the tests also run commands of their own with it)."""
    directory = layout.terraform_dir / "examples" / example
    if not directory.is_dir():
        raise SystemExit(f"{directory} not found: the examples are {', '.join(list_examples(layout))}")
    return Terraform(example_layout(layout, example), output, directory)


def list_examples(layout: Layout) -> list[str]:
    return sorted(path.name for path in (layout.terraform_dir / "examples").iterdir() if path.is_dir())


def apply(layout: Layout, example: str, variables: dict[str, Any], output: IO[str] | None = None) -> dict[str, Any]:
    """``terraform init`` and ``apply`` of the example with these variables; returns its outputs."""
    commands = terraform(layout, example, output)
    commands.write_variables(variables)
    commands.init()
    commands.apply()
    return commands.outputs()


def destroy(layout: Layout, example: str, output: IO[str] | None = None) -> None:
    """``terraform destroy`` of the example with the variables it was applied with (``init`` ran at apply)."""
    terraform(layout, example, output).destroy()
