"""The running local stack (`make up`) as a registry: its LocalStack endpoint and its Terraform outputs.

Outputs are read from the stack's state file rather than through ``terraform output``: that needs no
Terraform and does not wait for the root's lock while an apply runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scripts.local_aws.layout import Layout

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}  # LocalStack's


class NoLocalStackError(Exception):
    """No local stack state, or it lacks an output: the command line exits 2 with this message."""


@dataclass(frozen=True)
class LocalStack:
    endpoint_url: str
    outputs: dict[str, Any]

    def output(self, name: str) -> str:
        value = self.outputs.get(name)
        if not isinstance(value, str) or not value:
            raise NoLocalStackError(
                f"the local stack has no output {name!r} (outputs: {', '.join(sorted(self.outputs)) or 'none'}); "
                "deploy it with `make up`, or name the registry with GROUP= and BUCKET="
            )
        return value


def load(layout: Layout | None = None) -> LocalStack:
    """The stack `make up` deployed (``.local/aws``)."""
    layout = layout or Layout()
    try:
        state = json.loads(layout.terraform_state.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NoLocalStackError(
            f"no local stack state at {layout.terraform_state} ({exc}); run `make up`, or pass GROUP= and BUCKET="
        ) from exc
    outputs = {name: entry.get("value") for name, entry in (state.get("outputs") or {}).items()}
    return LocalStack(layout.endpoint_url, outputs)
