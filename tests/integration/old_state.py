"""Plan the root against an older deployment's state: the stack's state, copied and edited as that deployment
held it, planned beside the stack (its own state is left alone). For the tests of ``moved`` blocks.
"""

from __future__ import annotations

import json
import re
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


# model_store's resources at their addresses before modules/private_bucket (terraform/modules/model_store/moved.tf).
PRE_SUBMODULE_BUCKET = ("module.model_store.module.bucket", "module.model_store")
# What model_store's bucket is made of with the root's defaults (the lifecycle rule included).
BUCKET_RESOURCES = {
    "aws_s3_bucket.this",
    "aws_s3_bucket_lifecycle_configuration.this",
    "aws_s3_bucket_ownership_controls.this",
    "aws_s3_bucket_policy.this",
    "aws_s3_bucket_public_access_block.this",
    "aws_s3_bucket_server_side_encryption_configuration.this",
    "aws_s3_bucket_versioning.this",
}


def assert_bucket_before_private_bucket_plans_moves_only(layout: Layout) -> None:
    """A state from before the private_bucket submodule plans as moves only: nothing destroyed or recreated.

    The stack's state, copied, with model_store's bucket resources put back at their old addresses (what a
    deployment made before the submodule holds); the copy is planned, the stack's state is left alone.
    """
    moved = []

    def back_before_the_submodule(state: dict) -> None:
        for resource in state["resources"]:
            if resource.get("module") == PRE_SUBMODULE_BUCKET[0] and resource["mode"] == "managed":
                resource["module"] = PRE_SUBMODULE_BUCKET[1]
                moved.append(f"{resource['type']}.{resource['name']}")
        assert set(moved) == BUCKET_RESOURCES, f"model_store's bucket resources in the state: {moved}"

    plan = plan_old_state(layout, "pre-private-bucket", back_before_the_submodule)
    for address in moved:
        old, new = f"{PRE_SUBMODULE_BUCKET[1]}.{address}", f"{PRE_SUBMODULE_BUCKET[0]}.{address}"
        assert re.search(rf"# {re.escape(old)}(\[0\])? has moved to {re.escape(new)}", plan), plan[-3000:]
