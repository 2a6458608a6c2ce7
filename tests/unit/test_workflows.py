"""The GitHub workflows call only what the repository has, and keep the rules a keyless deployment depends on.

Nothing here reaches GitHub or AWS: `make workflow-check` (actionlint, zizmor) lints the files; these tests
check what those linters cannot know: that each `make` target, script and file a step names exists here, and
that the jobs' OIDC subjects match the trust terraform/examples/github-oidc writes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
MAKE_CALL = re.compile(r"\bmake\s+([a-z][a-z0-9-]*)")
REPOSITORY_PATH = re.compile(r"(?<![\w/$.-])((?:\.github|\.ci|terraform|scripts)/[\w./-]+)")


def load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, re.M))


def test_there_are_workflows() -> None:
    assert {path.name for path in WORKFLOWS} >= {"checks.yml", "plan.yml", "deploy.yml", "train.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_make_target_and_file_a_step_calls_exists(path: Path) -> None:
    targets = make_targets()
    for step in steps(load(path)):
        script = step.get("run", "")
        for target in MAKE_CALL.findall(script):
            assert target in targets, f"{path.name}: `make {target}` is not a target of the Makefile"
        created = set(re.findall(r"\bcp\s+\S+\s+(\S+)", script))  # what a step writes need not exist yet
        for named in set(REPOSITORY_PATH.findall(script)) - created:
            assert (ROOT / named).exists(), f"{path.name}: {named} does not exist"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_actions_are_pinned_by_commit_and_permissions_start_empty(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}, f"{path.name}: start from `permissions: {{}}`, grant per job"
    for job in workflow["jobs"].values():
        if "uses" in job:  # a reusable workflow of this repository
            assert job["uses"].startswith("$/.github/workflows/")
            assert (ROOT / job["uses"][2:]).exists()
            continue
        assert "permissions" in job and "timeout-minutes" in job
    for step in steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned by commit SHA"
    source = path.read_text()
    for line in source.splitlines():
        if "uses:" in line and "@" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), f"{path.name}: no version comment: {line}"


def test_the_pull_request_plan_is_read_only_and_skips_forks() -> None:
    job = load(ROOT / ".github/workflows/plan.yml")["jobs"]["plan"]
    assert "environment" not in job, "a job with an environment gets the environment's sub, not pull_request"
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert any("AWS_PLAN_ROLE_ARN" in str(step.get("with", {})) for step in job["steps"])


def test_applies_never_overlap_and_wait_for_review() -> None:
    workflow = load(ROOT / ".github/workflows/deploy.yml")
    assert workflow["concurrency"] == {"group": "terraform-apply-production", "cancel-in-progress": False}
    apply = workflow["jobs"]["apply"]
    assert apply["environment"] == "production" and apply["needs"] == "checks"
    assert any("AWS_DEPLOY_ROLE_ARN" in str(step.get("with", {})) for step in apply["steps"])
    assert any("apply" in step.get("run", "") and "main.tfplan" in step.get("run", "") for step in apply["steps"])


def test_the_jobs_environments_are_the_subjects_the_roles_trust() -> None:
    """terraform/examples/github-oidc trusts environment:production (deploy) and environment:training (train)."""
    variables = (ROOT / "terraform/examples/github-oidc/variables.tf").read_text()
    deploy_default = re.search(r'variable "deploy_environment" \{.*?default\s+=\s+"([^"]+)"', variables, re.S)
    train_default = re.search(r'variable "training_environment" \{.*?default\s+=\s+"([^"]+)"', variables, re.S)
    assert deploy_default and train_default
    assert load(ROOT / ".github/workflows/deploy.yml")["jobs"]["apply"]["environment"] == deploy_default[1]
    assert load(ROOT / ".github/workflows/train.yml")["jobs"]["train-remote"]["environment"] == train_default[1]


def test_no_expression_is_expanded_inside_a_shell_script() -> None:
    """Values reach `run:` through `env:` only (template injection: zizmor checks it too)."""
    for path in WORKFLOWS:
        for step in steps(load(path)):
            assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')} expands an expression in run"
