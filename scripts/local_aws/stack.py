"""Bring the whole system up on this machine, report it, and take it down again.

``up``: environments, LocalStack with our plugins, ``terraform init`` + ``apply`` of the one root against
it; the outputs (predict URL, names) are saved in the state directory. ``down``: ``terraform destroy``,
then every process stopped by its recorded PID and the state directory removed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from scripts.local_aws import localstack, processes, registry
from scripts.local_aws.environments import ensure_environments
from scripts.local_aws.layout import Layout
from scripts.local_aws.terraform import Terraform, TerraformError


@dataclass(frozen=True)
class StackInfo:
    """What a client of the local deployment needs; the URLs are LocalStack's REST API invoke URLs.

    ``page_predict_url`` is what the web page calls (the keyless route when API keys are on); the keys'
    values are not kept here (``status`` prints this), only their names: ``api_keys()`` reads them.
    """

    predict_url: str
    endpoint_url: str
    api_id: str
    stage_name: str
    endpoint_name: str
    function_name: str
    bucket_name: str
    model_name: str
    page_predict_url: str = ""
    api_key_names: tuple[str, ...] = ()

    @classmethod
    def from_outputs(cls, layout: Layout, outputs: dict[str, Any]) -> StackInfo:
        predict_url = local_invoke_url(layout, outputs["predict_url"])
        return cls(
            predict_url=predict_url,
            endpoint_url=layout.endpoint_url,
            api_id=outputs["api_id"],
            stage_name=outputs["stage_name"],
            endpoint_name=outputs["endpoint_name"],
            function_name=outputs["function_name"],
            bucket_name=outputs["bucket_name"],
            model_name=outputs["model_name"],
            page_predict_url=(
                local_invoke_url(layout, outputs["page_predict_url"]) if "page_predict_url" in outputs else predict_url
            ),
            api_key_names=tuple(sorted(outputs.get("api_keys") or {})),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> StackInfo | None:
        try:
            fields = json.loads(path.read_text())
            fields.setdefault("page_predict_url", fields.get("predict_url", ""))  # saved before API keys existed
            return cls(**{**fields, "api_key_names": tuple(fields.get("api_key_names", ()))})
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def key_usage(self) -> list[str]:
        """How to call the API with each key (printed by ``up`` when API keys are on)."""
        if not self.api_key_names:
            return []
        lines = [
            f"API keys: {', '.join(self.api_key_names)} (POST /predict answers 403 without one; the page uses "
            f"{self.page_predict_url})",
        ]
        for name in self.api_key_names:
            lines.append(
                f"  curl -s -X POST {self.predict_url} -H 'Content-Type: application/json' "
                f'-H "x-api-key: $(.venv/bin/python -m scripts.local_aws api-key {name})" '
                """-d '{"review": "A fine film."}'"""
            )
        return lines


def local_invoke_url(layout: Layout, aws_url: str) -> str:
    """Where LocalStack serves a REST API invoke URL (``https://<api id>.execute-api.<host>/<stage>/<resource>``).

    LocalStack serves the same stage and resource path under ``/_aws/execute-api/<api id>`` on its gateway.
    """
    parsed = urlparse(aws_url)
    api_id = (parsed.hostname or "").partition(".")[0]
    return f"{layout.endpoint_url}/_aws/execute-api/{api_id}{parsed.path}"


def local_variables(model_artifact: Path, lambda_zip: Path, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The root's variables for a LocalStack deployment (the rest keep their AWS defaults)."""
    return {
        "model_artifact_path": str(model_artifact.resolve()),
        "lambda_zip_path": str(lambda_zip.resolve()),
        # account-level API Gateway logging role: nothing to register in an emulator
        "create_api_gateway_cloudwatch_role": False,
        # LocalStack 4.13.1's KMS CreateKey fails on Python 3.11 (uuid5 of bytes), so the alarm topic uses SNS's
        # managed key here; on AWS it gets a key of its own, which CloudWatch may use to publish.
        "alarm_topic_kms_key_id": "alias/aws/sns",
        **(extra or {}),
    }


def up(
    layout: Layout,
    model_artifact: Path,
    lambda_zip: Path,
    variables: dict[str, Any] | None = None,
    output: IO[str] | None = None,
    log: Callable[[str], Any] = print,
) -> StackInfo:
    """Deploy (or re-apply) the stack; idempotent, so a second call changes nothing."""
    for path, target in ((model_artifact, "make train"), (lambda_zip, "make package")):
        if not path.is_file():
            raise SystemExit(f"{path} not found: run `{target}` first")
    layout.state.mkdir(parents=True, exist_ok=True)
    for name in ensure_environments(layout, log=log):
        log(f"built {name}")
    pid = localstack.start(layout)
    log(f"LocalStack healthy at {layout.endpoint_url} (pid {pid}; log {layout.localstack_log})")
    return _deploy(
        layout, _with_approved_package(layout, local_variables(model_artifact, lambda_zip, variables), log), output
    )


def _with_approved_package(layout: Layout, variables: dict[str, Any], log: Callable[[str], Any]) -> dict[str, Any]:
    """The variables deploying the newest Approved package of the stack's group, with its own vocabulary's Lambda.

    Unchanged when the group has none (or does not exist yet: the first ``up`` creates it) and when the
    caller chose the model itself (``model_package_arn`` or ``model_s3_uri`` given).
    """
    if variables.get("model_package_arn") or variables.get("model_s3_uri"):
        return variables
    group = registry.group_name(variables)
    package = registry.latest_approved(layout, group)
    if package is None:
        return variables
    log(f"deploying {package.arn}, the newest Approved package of {group}")
    return {
        **variables,
        "model_package_arn": package.arn,
        "lambda_zip_path": str(registry.lambda_zip_for(layout, package)),
    }


def apply(layout: Layout, variables: dict[str, Any], output: IO[str] | None = None, init: bool = True) -> StackInfo:
    """Re-apply the running stack with some variables changed (e.g. another model artifact).

    ``init=False`` skips ``terraform init`` for a caller that knows the root has not changed since ``up``
    (the stack tests, within one session): it only re-reads modules and providers, seconds on a loaded machine.
    """
    return _deploy(layout, {**json.loads(layout.tfvars.read_text()), **variables}, output, init)


def plan(layout: Layout, variables: dict[str, Any], output: IO[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Plan the running stack with some variables changed, saved for ``apply_plan``: what it would change.

    The answer maps each resource address the plan acts on to its actions (``("update",)``,
    ``("create", "delete")`` for a replacement); resources left as they are do not appear. No init, as
    ``apply(init=False)``. The stack's own variables stay as they are until the plan is applied.
    """
    terraform = Terraform(layout, output)
    terraform.write_variables({**json.loads(layout.tfvars.read_text()), **variables}, layout.planned_tfvars)
    shown = terraform.plan(layout.saved_plan, layout.planned_tfvars)
    return {
        change["address"]: tuple(change["change"]["actions"])
        for change in shown.get("resource_changes", [])
        if change["change"]["actions"] not in (["no-op"], ["read"])
    }


def apply_plan(layout: Layout, output: IO[str] | None = None) -> StackInfo:
    """Apply the plan ``plan`` saved, exactly as it was shown; its variables become the stack's."""
    terraform = Terraform(layout, output)
    terraform.apply_plan(layout.saved_plan)
    layout.planned_tfvars.replace(layout.tfvars)
    layout.saved_plan.unlink()
    info = StackInfo.from_outputs(layout, terraform.outputs())
    info.save(layout.stack_file)
    return info


def _deploy(layout: Layout, variables: dict[str, Any], output: IO[str] | None, init: bool = True) -> StackInfo:
    """Write the variables, init and apply the root, and save its outputs for ``status`` and the tests."""
    terraform = Terraform(layout, output)
    terraform.write_variables(variables)
    if init:
        terraform.init()
    terraform.apply()
    info = StackInfo.from_outputs(layout, terraform.outputs())
    info.save(layout.stack_file)
    return info


def api_keys(layout: Layout) -> dict[str, str]:
    """The deployed API keys' values by name (Terraform's sensitive ``api_keys`` output)."""
    return Terraform(layout).outputs().get("api_keys") or {}


def plan_has_changes(layout: Layout, output: IO[str] | None = None) -> bool:
    terraform = Terraform(layout, output)
    terraform.init()  # the root may have gained modules since `up`
    return terraform.plan_has_changes()


def destroy(layout: Layout, output: IO[str] | None = None) -> None:
    """``terraform destroy``, after deleting the packages registered in the stack's group (SageMaker refuses to
    delete a group that holds packages, and Terraform manages only the group)."""
    terraform = Terraform(layout, output)
    terraform.init()
    group = terraform.outputs().get("model_package_group_name")
    if group:
        registry.delete_packages(layout, group)
    terraform.destroy()
    layout.stack_file.unlink(missing_ok=True)


def down(
    layout: Layout, destroy_resources: bool = True, output: IO[str] | None = None, log: Callable[[str], Any] = print
) -> None:
    """Destroy the resources (if LocalStack still runs), stop every recorded process, remove the state."""
    if destroy_resources and localstack.running_pid(layout) and layout.terraform_state.exists():
        try:
            destroy(layout, output)
        except TerraformError as error:  # stopping the processes matters more than a clean destroy
            log(f"terraform destroy failed, stopping the processes anyway: {error}")
    stopped = processes.stop_recorded(layout.pids)
    log(f"stopped: {', '.join(stopped) or 'nothing was running'}")
    shutil.rmtree(layout.state, ignore_errors=True)


def status(layout: Layout) -> dict[str, Any]:
    """Running processes (by recorded PID), LocalStack health and the saved outputs."""
    running = {}
    for path in sorted(layout.pids.glob("*.pid")):
        pid = processes.read(path)
        if pid is not None:
            running[path.stem] = pid
    info = StackInfo.load(layout.stack_file)
    return {
        "localstack": {"url": layout.endpoint_url, "healthy": localstack.healthy(layout)},
        "processes": running,
        "stack": asdict(info) if info else None,
    }
