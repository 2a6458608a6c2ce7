"""Our LocalStack plugins behave like the AWS services they stand in for, where the product relies on it.

Probes deployed next to the stack (and removed again): a tiny Lambda function run by the ``local`` runtime
executor, and direct sagemaker-runtime calls to the endpoint the stack created.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator

import botocore.exceptions
import pytest

from scripts.local_aws.lambda_runtime import declared_runtime, python_version

pytestmark = pytest.mark.integration

PROBE = """
import json
import sys
import time


def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("fail"):
        raise RuntimeError("probe failure")
    if event.get("import"):
        __import__(event["import"])
    return {
        "remaining_ms": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id,
        "python": "%d.%d" % sys.version_info[:2],
    }
"""


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("probe.py", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def probe(local_stack) -> Iterator[str]:
    """A 3-second-timeout function using the stack's Lambda role; deleted afterwards.

    3 s, not 1: importing boto3 takes most of a second on a busy 2-core machine, and the timeout must only
    fire where a test asks for it.
    """
    lam = local_stack.client("lambda")
    role = lam.get_function(FunctionName=local_stack.info.function_name)["Configuration"]["Role"]
    name = "local-executor-probe"
    lam.create_function(
        FunctionName=name,
        Runtime=declared_runtime(),
        Role=role,
        Handler="probe.handler",
        Code={"ZipFile": zipped(PROBE)},
        Timeout=3,
    )
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    yield name
    lam.delete_function(FunctionName=name)


def test_functions_run_under_the_python_of_their_declared_runtime(local_stack, probe: str) -> None:
    """The stack's function declares the runtime Terraform sets, and code runs under that Python version."""
    lam = local_stack.client("lambda")
    assert (
        lam.get_function(FunctionName=local_stack.info.function_name)["Configuration"]["Runtime"] == declared_runtime()
    )
    error, payload = invoke(local_stack, probe, {})
    assert error is None
    assert payload["python"] == python_version(declared_runtime())


def test_a_function_of_another_python_runtime_is_refused(local_stack, probe: str) -> None:
    """Rather than run it under the wrong interpreter, the executor fails its start-up with a clear error."""
    lam = local_stack.client("lambda")
    other = "python3.13" if declared_runtime() == "python3.11" else "python3.11"
    role = lam.get_function(FunctionName=probe)["Configuration"]["Role"]
    name = "local-executor-other-runtime"
    lam.create_function(
        FunctionName=name, Runtime=other, Role=role, Handler="probe.handler", Code={"ZipFile": zipped(PROBE)}
    )
    try:
        lam.get_waiter("function_active_v2").wait(FunctionName=name)
        error, payload = invoke(local_stack, name, {})
        assert error == "Unhandled"
        assert payload["errorType"] == "Runtime.InvalidRuntime"
        assert other in payload["errorMessage"] and "make local-install" in payload["errorMessage"]
    finally:
        lam.delete_function(FunctionName=name)


def invoke(local_stack, name: str, event: dict) -> tuple[str | None, dict]:
    response = local_stack.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event))
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def test_lambda_answers_with_a_live_context(local_stack, probe: str) -> None:
    error, payload = invoke(local_stack, probe, {})
    assert error is None
    assert 0 < payload["remaining_ms"] <= 3000
    assert payload["request_id"]


def test_handler_exception_is_an_unhandled_function_error(local_stack, probe: str) -> None:
    error, payload = invoke(local_stack, probe, {"fail": True})
    assert error == "Unhandled"
    assert payload["errorType"] == "RuntimeError"
    assert payload["errorMessage"] == "probe failure"


def test_timeout_is_enforced_and_the_environment_recovers(local_stack, probe: str) -> None:
    error, payload = invoke(local_stack, probe, {"sleep": 6})
    assert error == "Unhandled"
    assert payload["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 3.00 seconds" in payload["errorMessage"]
    assert invoke(local_stack, probe, {})[0] is None


def test_code_runs_with_the_lambda_runtime_packages_only(local_stack, probe: str) -> None:
    """boto3 is there as in AWS's Python runtime; the project's numpy is not."""
    error, payload = invoke(local_stack, probe, {"import": "boto3"})
    assert error is None, payload
    error, payload = invoke(local_stack, probe, {"import": "numpy"})
    assert error == "Unhandled"
    assert payload["errorType"] == "ModuleNotFoundError"


def test_missing_handler_module_is_an_init_error(local_stack, probe: str) -> None:
    lam = local_stack.client("lambda")
    lam.update_function_configuration(FunctionName=probe, Handler="nowhere.handler")
    lam.get_waiter("function_updated_v2").wait(FunctionName=probe)
    try:
        error, payload = invoke(local_stack, probe, {})
        assert error == "Unhandled"
        assert payload["errorType"] == "Runtime.ImportModuleError"
    finally:
        lam.update_function_configuration(FunctionName=probe, Handler="probe.handler")
        lam.get_waiter("function_updated_v2").wait(FunctionName=probe)


def test_container_error_becomes_model_error_with_the_original_answer(local_stack) -> None:
    runtime = local_stack.client("sagemaker-runtime")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        runtime.invoke_endpoint(
            EndpointName=local_stack.info.endpoint_name, Body=b"{not json", ContentType="application/json"
        )
    error = caught.value.response
    assert error["Error"]["Code"] == "ModelError"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert error["OriginalStatusCode"] == 400
    assert "error" in json.loads(error["OriginalMessage"])


def test_unknown_endpoint_is_a_validation_error(local_stack) -> None:
    runtime = local_stack.client("sagemaker-runtime")
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        runtime.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"good", ContentType="text/plain")
    assert caught.value.response["Error"]["Code"] == "ValidationError"


def test_endpoint_whose_model_cannot_be_fetched_fails(local_stack) -> None:
    sagemaker = local_stack.client("sagemaker")
    model = sagemaker.describe_model(ModelName=local_stack.info.model_name)
    container = {**model["PrimaryContainer"], "ModelDataUrl": f"s3://{local_stack.info.bucket_name}/missing.tar.gz"}
    sagemaker.create_model(
        ModelName="probe-missing", ExecutionRoleArn=model["ExecutionRoleArn"], PrimaryContainer=container
    )
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": "probe-missing",
        "InitialInstanceCount": 1,
        "InstanceType": "ml.t2.medium",
    }
    sagemaker.create_endpoint_config(EndpointConfigName="probe-missing", ProductionVariants=[variant])
    try:
        sagemaker.create_endpoint(EndpointName="probe-missing", EndpointConfigName="probe-missing")
        deadline = time.monotonic() + 60
        while (endpoint := sagemaker.describe_endpoint(EndpointName="probe-missing"))["EndpointStatus"] == "Creating":
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert endpoint["EndpointStatus"] == "Failed"
        assert "missing.tar.gz" in endpoint["FailureReason"]
    finally:
        sagemaker.delete_endpoint(EndpointName="probe-missing")
        sagemaker.delete_endpoint_config(EndpointConfigName="probe-missing")
        sagemaker.delete_model(ModelName="probe-missing")
