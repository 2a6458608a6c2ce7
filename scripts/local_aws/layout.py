"""Where a local stack keeps its environments, state and processes.

Everything a stack writes lives under one state directory (``.local/aws`` for ``make up``; the integration
tests use their own directory and port, so they never touch a developer's running stack): LocalStack's
volume and caches, the Terraform working data and state, logs and one PID file per process started.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATE_DIR = REPO_ROOT / ".local" / "aws"
DEFAULT_PORT = 4566


@dataclass(frozen=True)
class Layout:
    """Paths and the gateway port of one local stack, and the account profile its LocalStack starts with."""

    root: Path = REPO_ROOT
    state: Path = DEFAULT_STATE_DIR
    port: int = DEFAULT_PORT
    account: str = "default"  # accounts.PROFILES: "fresh" emulates a new AWS account's settings and quotas

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def localstack_venv(self) -> Path:
        return self.root / ".venv-localstack"

    @property
    def lambda_venv(self) -> Path:
        """The Lambda runtime's packages only (boto3): what the function's code runs with."""
        return self.root / ".venv-lambda"

    @property
    def serving_venv(self) -> Path:
        """The serving image's Python and library (sagemaker-containers): what the model servers run under."""
        return self.root / ".venv-serving"

    @property
    def serving_python(self) -> Path:
        return self.serving_venv / "bin" / "python"

    @property
    def plugins_dir(self) -> Path:
        return self.root / "scripts" / "local_aws"

    @property
    def terraform_dir(self) -> Path:
        return self.root / "terraform"

    @property
    def pids(self) -> Path:
        return self.state / "pids"

    @property
    def localstack_log(self) -> Path:
        return self.state / "localstack.log"

    @property
    def stack_file(self) -> Path:
        """Outputs of the last successful ``up`` (predict URL, names), read by ``status`` and the tests."""
        return self.state / "stack.json"

    @property
    def terraform_state(self) -> Path:
        return self.state / "terraform.tfstate"

    @property
    def terraform_data(self) -> Path:
        return self.state / "terraform-data"

    @property
    def tfvars(self) -> Path:
        return self.state / "local.tfvars.json"

    @property
    def saved_plan(self) -> Path:
        """A plan saved by ``stack.plan``, applied as is by ``stack.apply_plan``."""
        return self.state / "saved.tfplan"

    @property
    def planned_tfvars(self) -> Path:
        """The saved plan's variables: they become ``tfvars`` only once that plan is applied."""
        return self.state / "planned.tfvars.json"

    @property
    def sagemaker_emulation(self) -> Path:
        """Durations of the emulated SageMaker (update, rollback, delete), re-read by the plugin on each call."""
        return self.state / "sagemaker-emulation.json"

    @property
    def cli_config(self) -> Path:
        return self.state / "terraform.rc"
