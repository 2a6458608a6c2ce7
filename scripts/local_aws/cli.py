"""Command line of the local stack: ``python -m scripts.local_aws install|up|plan|status|url|api-key|down``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scripts.local_aws import accounts, emulation, stack
from scripts.local_aws.environments import ensure_environments, ensure_serving_environment
from scripts.local_aws.layout import DEFAULT_PORT, DEFAULT_STATE_DIR, REPO_ROOT, Layout
from scripts.local_aws.web_page import serve_page


def _variable(text: str) -> tuple[str, object]:
    """KEY=VALUE; VALUE is read as JSON when it parses (numbers, booleans, lists), else kept as a string."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.local_aws",
        description="Run the whole system on this machine: LocalStack (no Docker) with this project's Lambda "
        "executor and SageMaker plugins, deployed by the real Terraform root through tflocal.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="LocalStack gateway port on 127.0.0.1")
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="where the stack keeps its state")
    commands = parser.add_subparsers(dest="command", required=True)

    install = commands.add_parser(
        "install", help="build .venv-localstack, .venv-lambda and .venv-serving from pinned requirements"
    )
    install.add_argument("--force", action="store_true", help="rebuild even if up to date")
    install.add_argument("--serving-only", action="store_true", help="only .venv-serving (for `make serve`)")

    up = commands.add_parser("up", help="start LocalStack and apply the Terraform root; prints the predict URL")
    up.add_argument("--model", type=Path, default=REPO_ROOT / "artifacts" / "model.tar.gz", help="model.tar.gz")
    up.add_argument("--lambda-zip", type=Path, default=REPO_ROOT / "build" / "lambda.zip", help="Lambda zip")
    up.add_argument(
        "--web-port", type=int, default=8000, help="serve the page on this localhost port (an allowed origin); 0: off"
    )
    up.add_argument(
        "--var", type=_variable, action="append", default=[], metavar="KEY=VALUE", help="extra Terraform variable"
    )
    up.add_argument(
        "--account",
        choices=sorted(accounts.PROFILES),
        default=None,
        help="account profile LocalStack starts with (default: $LOCAL_AWS_ACCOUNT or 'default'): 'fresh' emulates "
        "a new AWS account (no API Gateway CloudWatch role, Lambda concurrency quota 10); a running LocalStack "
        "keeps its profile",
    )

    commands.add_parser("plan", help="exit 0 if the deployment matches the configuration, 2 if it would change")
    commands.add_parser("status", help="print processes, health and outputs as JSON")
    commands.add_parser("url", help="print the predict URL of the running stack (for scripts)")
    api_key = commands.add_parser("api-key", help="print the value of one API key of the running stack (for scripts)")
    api_key.add_argument("name", help="the key's name in the api_keys variable")

    emulate = commands.add_parser(
        "emulate",
        help="set how long the emulated SageMaker takes to update, roll back and delete endpoints "
        "(applies from the next call; no restart)",
    )
    for key in emulation.KEYS:
        emulate.add_argument(f"--{key.replace('_', '-')}", type=float, metavar="SECONDS", dest=key)
    emulate.add_argument("--reset", action="store_true", help="back to the defaults")

    down = commands.add_parser("down", help="terraform destroy, stop every recorded process, remove the state")
    down.add_argument("--keep-resources", action="store_true", help="skip terraform destroy")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    account = getattr(args, "account", None) or accounts.from_environment()
    layout = Layout(state=args.state_dir.resolve(), port=args.port, account=account)
    if args.command == "install":
        if args.serving_only:
            built = [layout.serving_venv.name] if ensure_serving_environment(layout, force=args.force) else []
        else:
            built = ensure_environments(layout, force=args.force)
        print(f"built: {', '.join(built)}" if built else "environments up to date")
    elif args.command == "up":
        info = stack.up(layout, args.model, args.lambda_zip, dict(args.var))
        print(f"predict URL: {info.predict_url}")
        for line in info.key_usage():
            print(line)
        if args.web_port:
            print(f"page: {serve_page(layout, info.page_predict_url, args.web_port)}")
    elif args.command == "plan":
        changes = stack.plan_has_changes(layout)
        print("changes pending" if changes else "no changes")
        return 2 if changes else 0
    elif args.command == "status":
        print(json.dumps(stack.status(layout), indent=2))
    elif args.command == "url":
        info = stack.StackInfo.load(layout.stack_file)
        if info is None:
            raise SystemExit(f"no stack in {layout.state}: run `make up` first")
        print(info.predict_url)
    elif args.command == "emulate":
        if args.reset:
            emulation.write(layout, **dict.fromkeys(emulation.KEYS))
        changes = {key: getattr(args, key) for key in emulation.KEYS if getattr(args, key) is not None}
        print(json.dumps(emulation.write(layout, **changes), indent=2))
    elif args.command == "api-key":
        keys = stack.api_keys(layout)
        if args.name not in keys:
            raise SystemExit(f"no API key {args.name!r} in {layout.state} (keys: {', '.join(sorted(keys)) or 'none'})")
        print(keys[args.name])
    elif args.command == "down":
        stack.down(layout, destroy_resources=not args.keep_resources)
    return 0
