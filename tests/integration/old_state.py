"""Plan the root against an older deployment's state: the stack's state, copied and edited as that deployment
held it, planned beside the stack (its own state is left alone). For the tests of ``moved`` blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scripts.local_aws.layout import Layout
from scripts.local_aws.terraform import Terraform

NOTHING_TO_DO = "Plan: 0 to add, 0 to change, 0 to destroy."


def plan_old_state(layout: Layout, name: str, edit: Callable[[dict[str, Any]], None]) -> str:
    """``edit`` a copy of the stack's state (in place), save it as ``<name>.tfstate`` and plan it; the plan's text.

    The plan must succeed and change nothing (only moves), which is what every caller checks first.
    """
    state = json.loads(layout.terraform_state.read_text())
    edit(state)
    old_state = layout.state / f"{name}.tfstate"
    old_state.write_text(json.dumps(state))
    plan = Terraform(layout).run(
        "plan",
        "-input=false",
        "-no-color",
        "-lock=false",
        f"-state={old_state}",
        f"-var-file={layout.tfvars}",
        check=False,
        capture=True,
    )
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert NOTHING_TO_DO in plan.stdout, plan.stdout[-3000:]
    return plan.stdout
