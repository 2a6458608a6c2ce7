"""The REST API's redeploy trigger hashes every argument that shapes the live stage.

A stage serves the last deployment, a snapshot of the API. An argument of a method, integration or
response that the trigger leaves out (an integration timeout, a mock template, method response
parameters) changes the API but not the stage, and nothing in a plan shows it. This reads the
terraform/modules/rest_api/*.tf files and fails naming each argument the trigger does not cover, so a new
argument or route (an API key requirement, a request validator) cannot be added without redeploying.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

TERRAFORM = Path(__file__).resolve().parents[2] / "terraform"
MODULE = TERRAFORM / "modules" / "rest_api"

# What a deployment snapshots. Stages, method settings, permissions and the account are not in it.
DEFINITION_TYPES = (
    "aws_api_gateway_resource",
    "aws_api_gateway_method",
    "aws_api_gateway_integration",
    "aws_api_gateway_method_response",
    "aws_api_gateway_integration_response",
    "aws_api_gateway_gateway_response",
)
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle"}


def _tf_docs():
    """tf_docs.py already parses `terraform fmt`-formatted blocks and attributes; reuse it."""
    spec = importlib.util.spec_from_file_location("tf_docs", TERRAFORM / "tf_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tf_docs = _tf_docs()


def module_source() -> str:
    return "\n".join(path.read_text() for path in sorted(MODULE.glob("*.tf")))


def resources(source: str) -> dict[str, str]:
    """Body of each resource block, keyed by its address (type.name)."""
    blocks = tf_docs.BLOCK.findall(source)
    return {f"{first}.{second}": body for kind, first, second, body in blocks if kind == "resource"}


def is_definition(address: str) -> bool:
    return address.split(".")[0] in DEFINITION_TYPES


def trigger_expression(source: str) -> str:
    body = resources(source)["aws_api_gateway_deployment.this"]
    triggers = tf_docs.attribute(body, "triggers")
    assert triggers and "redeployment" in triggers, "the deployment must have a redeployment trigger"
    return triggers


def arguments(body: str) -> dict[str, str]:
    """Top-level arguments of a block body (not nested blocks, not meta-arguments) and their expressions."""
    names = re.findall(r"^  ([a-z_]+)\s*=", body, re.M)
    return {name: tf_docs.attribute(body, name) for name in names if name not in META_ARGUMENTS}


def is_covered(address: str, argument: str, expression: str, trigger: str, definitions: set[str]) -> bool:
    if re.search(rf"\b{re.escape(address)}\.{argument}\b", trigger):
        return True
    # count/for_each resources are hashed in a for expression: `[for r in <address> : [r.<arg>, ...]]`
    # (or `for r in concat(<address>, ...)`); the argument must be in that expression's body.
    for variable, collection, body in re.findall(r"for\s+(?:\w+\s*,\s*)?(\w+)\s+in\s+([^:]+):(.*)", trigger):
        if re.search(rf"\b{re.escape(address)}\b", collection) and re.search(rf"\b{variable}\.{argument}\b", body):
            return True
    value = expression.strip()
    # A value built only from locals that the trigger hashes itself (such as a template or header map).
    references = re.findall(r"\b(?:local|var|each|aws_\w+)\.\w+", value)
    if references and all(ref.startswith("local.") and re.search(rf"\b{ref}\b", trigger) for ref in references):
        return True
    # A reference to the API itself or to another hashed resource of the definition.
    reference = re.fullmatch(r"(aws_api_gateway_\w+\.\w+)(?:\[[^\]]+\])?\.\w+", value)
    return reference is not None and (
        reference.group(1) == "aws_api_gateway_rest_api.this" or reference.group(1) in definitions
    )


def uncovered(source: str) -> list[str]:
    trigger = trigger_expression(source)
    blocks = {address: body for address, body in resources(source).items() if is_definition(address)}
    return [
        f"{address}.{argument}"
        for address, body in blocks.items()
        for argument, expression in arguments(body).items()
        if not is_covered(address, argument, expression, trigger, set(blocks))
    ]


def test_every_argument_of_the_api_definition_is_in_the_redeploy_trigger():
    assert uncovered(module_source()) == []


def test_the_module_defines_what_the_check_expects():
    """Guards the check itself: if parsing found nothing, the test above would pass vacuously."""
    blocks = [address for address in resources(module_source()) if is_definition(address)]
    assert len(blocks) >= 6
    assert "timeout_milliseconds" in arguments(resources(module_source())["aws_api_gateway_integration.predict"])


@pytest.mark.parametrize(
    "left_out",
    [
        "aws_api_gateway_integration.predict.timeout_milliseconds",
        "aws_api_gateway_integration.preflight.request_templates",
        "aws_api_gateway_method_response.preflight.response_parameters",
        "response.response_templates",
    ],
)
def test_leaving_an_argument_out_of_the_trigger_is_reported(left_out):
    source = module_source()
    assert left_out in trigger_expression(source)
    damaged = source.replace(left_out, "null")  # these addresses appear nowhere but in the trigger
    argument = left_out.rsplit(".", 1)[1]
    assert any(name.endswith(f".{argument}") for name in uncovered(damaged))
