"""Run the project's Terraform root (or one of its examples) against a local stack through tflocal.

Each stack runs the configuration in its own copy of terraform/ (configuration_tree.py), where tflocal adds a
temporary provider override pointing every AWS endpoint at that stack's LocalStack: stacks on other ports run
their commands at the same time, and nothing is ever written into terraform/. The local deployment's working
data (``TF_DATA_DIR``) and state live in the stack's state directory, so they never mix with a deployment of
the same configuration to AWS.
"""

from __future__ import annotations

import contextlib
import fcntl
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
OVERRIDE_FILE = "localstack_providers_override.tf"  # written by tflocal into the configuration for each command
# The longest one command may take: a local apply takes 1 to 3 minutes (an endpoint update with emulated
# durations included), so this only ends a command that hangs, and names it.
COMMAND_TIMEOUT_SECONDS = float(os.environ.get("LOCAL_AWS_TERRAFORM_TIMEOUT", "900"))
# After an interrupt Terraform finishes the operations in flight and saves the state; then it is killed.
INTERRUPT_GRACE_SECONDS = 60.0


class TerraformError(RuntimeError):
    """A terraform command failed; the message carries its output."""


class Terraform:
    """tflocal commands with the stack's endpoint, state file, data dir and offline provider mirror.

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
        """One command at a time per stack, in the stack's refreshed copy of the configuration; that directory.

        The copy is the stack's own, so an override found there is one a killed command of this stack left (the
        lock is held): it is removed, or tflocal would point Terraform at whatever endpoint it names.
        """
        lock_path = self.layout.state / "configuration" / "tflocal.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                directory = configuration_tree.working_directory(self.layout, self.directory)
                if directory != self.directory:
                    (directory / OVERRIDE_FILE).unlink(missing_ok=True)
                yield directory
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def run(
        self, *args: str, check: bool = True, capture: bool = False, timeout: float | None = None
    ) -> subprocess.CompletedProcess:
        """One tflocal command; TerraformError when it fails or outlives ``timeout`` (COMMAND_TIMEOUT_SECONDS)."""
        command = [str(self.layout.localstack_venv / "bin" / "tflocal"), *args]
        with self._exclusively() as directory:
            result = self._run(command, directory, capture, timeout or COMMAND_TIMEOUT_SECONDS)
        if check and result.returncode != 0:
            detail = (result.stderr or "")[-4000:] if capture else "see the output above"
            raise TerraformError(f"terraform {args[0]} failed (exit {result.returncode}): {detail}")
        return result

    def _run(self, command: list[str], directory: Path, capture: bool, timeout: float) -> subprocess.CompletedProcess:
        """Run in a session of its own, so that a Ctrl-C reaches Terraform once, through ``_stop``, not twice.

        Whatever ends the wait (the timeout, Ctrl-C, a test's timeout raised in this thread), Terraform is
        interrupted the way it expects and, if it does not stop, killed with its wrapper; the override file the
        killed wrapper could not remove is removed here (this process holds the stack's lock).
        """
        process = subprocess.Popen(
            command,
            cwd=directory,
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else self.output,
            stderr=subprocess.PIPE if capture else self.output,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._stop(process, directory)
            raise TerraformError(
                f"terraform {command[1]} did not finish within {timeout:.0f} s and was stopped"
            ) from None
        except BaseException:
            self._stop(process, directory)
            raise
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)

    def _stop(self, process: subprocess.Popen, directory: Path) -> None:
        """SIGINT to tflocal (it passes it on to terraform, which stops gracefully), SIGKILL to both after a grace."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=INTERRUPT_GRACE_SECONDS)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # terraform and its providers, should they outlive tflocal
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=10)
        (directory / OVERRIDE_FILE).unlink(missing_ok=True)

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
