"""Run the project's Terraform root (or one of its examples) against a local stack, with tflocal's provider override.

Each stack runs the configuration in its own copy of terraform/ (configuration_tree.py), where tflocal's
provider override points every AWS endpoint at that stack's LocalStack: stacks on other ports run their
commands at the same time, and nothing is ever written into terraform/. tflocal writes the override
(``DRY_RUN``) only when what it is made from changed (the directory's ``*.tf`` files and lock file, the
endpoint and tflocal's settings), and Terraform runs directly: tflocal around every command parsed every
``*.tf`` file twice with python-hcl2, about 1.2 s of CPU a command. The local deployment's working data
(``TF_DATA_DIR``) and state live in the stack's state directory, so they never mix with a deployment of the
same configuration to AWS.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from scripts.local_aws import configuration_tree
from scripts.local_aws.layout import Layout

PROVIDER_MIRROR = Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))
OVERRIDE_FILE = "localstack_providers_override.tf"  # tflocal's provider override, in the stack's copy
OVERRIDE_INPUTS_FILE = ".localstack_providers_override.sha256"  # what the override there was made from
# The environment tflocal reads besides AWS_*, S3_*, LOCALSTACK_*, EDGE_* and <SERVICE>_ENDPOINT.
TFLOCAL_SETTINGS = ("CUSTOMIZE_ACCESS_KEY", "SKIP_ALIASES", "ADDITIONAL_TF_OVERRIDE_LOCATIONS", "TF_CMD")
TFLOCAL_TIMEOUT_SECONDS = 120.0
# The longest one command may take: a local apply takes 1 to 3 minutes (an endpoint update with emulated
# durations included), so this only ends a command that hangs, and names it.
COMMAND_TIMEOUT_SECONDS = float(os.environ.get("LOCAL_AWS_TERRAFORM_TIMEOUT", "900"))
# After an interrupt Terraform finishes the operations in flight and saves the state; then it is killed.
INTERRUPT_GRACE_SECONDS = 60.0
# Go's garbage collector target for Terraform and the aws provider it starts (unless the caller sets GOGC):
# most of a command's CPU is loading and decoding the provider's schema, which allocates heavily; at 400
# instead of Go's 100 the collector runs about a quarter as often: 10 to 17 % less CPU a command measured here
# (a validate of an example, a module's terraform test; alternated) for some tens of MB more per process.
GO_GC_PERCENT = "400"


class TerraformError(RuntimeError):
    """A terraform command failed; the message carries its output."""


class Terraform:
    """Terraform commands with the stack's endpoint (tflocal's override), state file, data dir and offline mirror.

    ``directory`` is the configuration to run (the root in terraform/ unless given, e.g. an example's).
    """

    def __init__(self, layout: Layout, output: IO[str] | None = None, directory: Path | None = None) -> None:
        self.layout = layout
        self.output = output
        self.directory = directory or layout.terraform_dir

    def environment(self) -> dict[str, str]:
        layout = self.layout
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": layout.endpoint_url,
            # an S3 host not starting with "s3." makes tflocal use path-style S3 addressing
            "S3_HOSTNAME": "127.0.0.1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "TF_DATA_DIR": str(layout.terraform_data),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "DISABLE_DEPRECATION_NOTICE": "1",
            "GOGC": os.environ.get("GOGC", GO_GC_PERCENT),
            "PATH": f"{layout.localstack_venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        env.pop("AWS_PROFILE", None)
        env.pop("AWS_SESSION_TOKEN", None)
        cli_config = self._cli_config()
        if cli_config:
            env["TF_CLI_CONFIG_FILE"] = cli_config
        return env

    def _cli_config(self) -> str:
        """The terraform helper's script writes a mirror-only provider config when the mirror exists."""
        script = self.layout.terraform_dir / "tf-cli-config.sh"
        if not script.exists() or not PROVIDER_MIRROR.is_dir():
            return os.environ.get("TF_CLI_CONFIG_FILE", "")
        result = subprocess.run(
            ["sh", str(script), str(self.layout.cli_config)], capture_output=True, text=True, check=True, timeout=60
        )
        return result.stdout.strip()

    @contextlib.contextmanager
    def _exclusively(self) -> Iterator[Path]:
        """One command at a time per stack, in the stack's refreshed copy of the configuration; that directory."""
        lock_path = self.layout.state / "configuration" / "tflocal.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield configuration_tree.working_directory(self.layout, self.directory)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _provider_override(self, directory: Path, env: dict[str, str]) -> None:
        """tflocal's override in ``directory``, written again unless the one there was made from the same inputs.

        An override without its inputs file (another stack's, or one whose writing was interrupted) is written
        again too: tflocal runs with ``DRY_RUN``, which writes the override and runs no Terraform command.
        """
        override, inputs_file = directory / OVERRIDE_FILE, directory / OVERRIDE_INPUTS_FILE
        inputs = _override_inputs(directory, env)
        if override.exists() and inputs_file.exists() and inputs_file.read_text() == inputs:
            return
        inputs_file.unlink(missing_ok=True)
        override.unlink(missing_ok=True)  # tflocal refuses to write over one
        tflocal = self.layout.localstack_venv / "bin" / "tflocal"
        result = subprocess.run(
            [str(tflocal), "plan"],  # any proxied command; with DRY_RUN none runs
            cwd=directory,
            env={**env, "DRY_RUN": "1"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TFLOCAL_TIMEOUT_SECONDS,
        )
        if result.returncode != 0 or not override.exists():
            raise TerraformError(f"tflocal could not write {override}: {(result.stdout + result.stderr)[-2000:]}")
        inputs_file.write_text(inputs)

    def run(
        self, *args: str, check: bool = True, capture: bool = False, timeout: float | None = None
    ) -> subprocess.CompletedProcess:
        """One Terraform command; TerraformError when it fails or outlives ``timeout`` (COMMAND_TIMEOUT_SECONDS)."""
        command = ["terraform", *args]
        env = self.environment()
        with self._exclusively() as directory:
            self._provider_override(directory, env)
            result = self._run(command, directory, env, capture, timeout or COMMAND_TIMEOUT_SECONDS)
        if check and result.returncode != 0:
            detail = (result.stderr or "")[-4000:] if capture else "see the output above"
            raise TerraformError(f"terraform {args[0]} failed (exit {result.returncode}): {detail}")
        return result

    def _run(
        self, command: list[str], directory: Path, env: dict[str, str], capture: bool, timeout: float
    ) -> subprocess.CompletedProcess:
        """Run in a session of its own, so that a Ctrl-C reaches Terraform once, through ``_stop``, not twice.

        Whatever ends the wait (the timeout, Ctrl-C, a test's timeout raised in this thread), Terraform is
        interrupted the way it expects and, if it does not stop, killed with its providers.
        """
        process = subprocess.Popen(
            command,
            cwd=directory,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else self.output,
            stderr=subprocess.PIPE if capture else self.output,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._stop(process)
            raise TerraformError(
                f"terraform {command[1]} did not finish within {timeout:.0f} s and was stopped"
            ) from None
        except BaseException:
            self._stop(process)
            raise
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

    def _stop(self, process: subprocess.Popen) -> None:
        """SIGINT to Terraform (it stops gracefully, saving the state), SIGKILL to its session after a grace."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=INTERRUPT_GRACE_SECONDS)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # terraform and its providers
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)

    def write_variables(self, variables: dict[str, Any], path: Path | None = None) -> None:
        path = path or self.layout.tfvars
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(variables, indent=2, sort_keys=True) + "\n")

    def _state_args(self, variables: Path | None = None) -> list[str]:
        return [f"-state={self.layout.terraform_state}", f"-var-file={variables or self.layout.tfvars}"]

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")

    def apply(self) -> None:
        self.run("apply", "-auto-approve", "-input=false", "-no-color", *self._state_args())

    def plan(self, plan_file: Path, variables: Path) -> dict[str, Any]:
        """Save a plan with these variables to ``plan_file``; the plan as ``terraform show -json`` gives it."""
        self.run("plan", "-input=false", "-no-color", f"-out={plan_file}", *self._state_args(variables))
        shown = self.run("show", "-json", "-no-color", str(plan_file), capture=True)
        return json.loads(shown.stdout)

    def apply_plan(self, plan_file: Path) -> None:
        """Apply exactly a saved plan (Terraform refuses one whose state has moved on since)."""
        self.run("apply", "-input=false", "-no-color", f"-state={self.layout.terraform_state}", str(plan_file))

    def plan_has_changes(self) -> bool:
        """``terraform plan -detailed-exitcode``: False when the deployment matches the configuration."""
        result = self.run("plan", "-detailed-exitcode", "-input=false", "-no-color", *self._state_args(), check=False)
        if result.returncode not in (0, 2):
            raise TerraformError(f"terraform plan failed (exit {result.returncode})")
        return result.returncode == 2

    def destroy(self) -> None:
        self.run("destroy", "-auto-approve", "-input=false", "-no-color", *self._state_args())

    def outputs(self) -> dict[str, Any]:
        result = self.run("output", "-json", "-no-color", f"-state={self.layout.terraform_state}", capture=True)
        return {name: value["value"] for name, value in json.loads(result.stdout or "{}").items()}


def _override_inputs(directory: Path, env: dict[str, str]) -> str:
    """A digest of what tflocal makes the override from: the ``*.tf`` files (provider aliases, an S3 backend),
    the lock file (the provider version, which decides some endpoints) and the environment it reads."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.tf")) + [directory / ".terraform.lock.hcl"]:
        if path.name != OVERRIDE_FILE and path.is_file():
            digest.update(f"{path.name}\0".encode() + path.read_bytes() + b"\0")
    for name in sorted(env):
        if (
            name.startswith(("AWS_", "S3_", "LOCALSTACK_", "EDGE_"))
            or name.endswith("_ENDPOINT")
            or (name in TFLOCAL_SETTINGS)
        ):
            digest.update(f"{name}={env[name]}\0".encode())
    return digest.hexdigest()
