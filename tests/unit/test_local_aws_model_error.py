"""The one ModelError builder (local_aws_shared.model_error) that the LocalStack runtime provider and
serve_endpoint's runtime route both answer with: botocore reads it as AWS's ModelError, and the Lambda maps
it as it maps AWS's."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import HeadersDict
from botocore.exceptions import ClientError
from botocore.parsers import create_parser

from lambda_src.endpoint import map_client_error
from scripts.local_aws.local_aws_shared.model_error import MODEL_ERROR_STATUS, model_error_body
from scripts.local_endpoint.runtime_api import FAKE_ACCOUNT
from tests.conftest import post

MISMATCH = '{"error": "vocabulary_mismatch: the model expects vocabulary v2"}'


def parse_as_botocore(status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """An InvokeEndpoint error response parsed as botocore's client does: generic part, then the modelled error."""
    model = botocore.session.get_session().get_service_model("sagemaker-runtime")
    parser = create_parser(model.metadata["protocol"])
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}  # case-insensitive, as sent
    parsed = parser.parse(response, model.operation_model("InvokeEndpoint").output_shape)
    error_shape = model.shape_for_error_code(parsed["Error"]["Code"])
    assert error_shape is not None, parsed
    parsed.update(parser.parse(response, error_shape))
    return parsed


@pytest.mark.parametrize(
    ("status", "kind"), [(400, "client"), (409, "client"), (415, "client"), (500, "server"), (503, "server")]
)
def test_the_body_has_the_members_of_botocores_model_error_and_awss_error_code(status, kind):
    body = model_error_body("imdb-sentiment", "eu-west-1", "123456789012", status, MISMATCH)
    model = botocore.session.get_session().get_service_model("sagemaker-runtime")
    error_shape = model.shape_for_error_code("ModelError")
    assert MODEL_ERROR_STATUS == error_shape.metadata["error"]["httpStatusCode"] == 424
    assert set(body) == set(error_shape.members) | {"ErrorCode"}
    assert body["ErrorCode"] == f"{kind.upper()}_ERROR_FROM_MODEL"
    assert body["OriginalStatusCode"] == status and body["OriginalMessage"] == MISMATCH
    assert body["Message"] == (
        f'Received {kind} error ({status}) from primary with message "{MISMATCH}". See the log group '
        "/aws/sagemaker/Endpoints/imdb-sentiment in account 123456789012 for more information."
    )
    log_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/Endpoints/imdb-sentiment"
    assert body["LogStreamArn"] == log_group_arn


@pytest.mark.parametrize(
    ("status", "message", "api_status", "api_code"),
    [(409, MISMATCH, 503, "vocabulary_mismatch"), (500, '{"error": "boom"}', 502, "model_error")],
)
def test_botocore_parses_it_as_model_error_and_the_lambda_maps_it(status, message, api_status, api_code):
    body = model_error_body("imdb-sentiment", "us-east-1", "000000000000", status, message)
    headers = {"x-amzn-ErrorType": "ModelError", "content-type": "application/json"}
    parsed = parse_as_botocore(MODEL_ERROR_STATUS, headers, json.dumps(body).encode())
    assert parsed["Error"]["Code"] == "ModelError"
    assert parsed["OriginalStatusCode"] == status and parsed["OriginalMessage"] == message
    assert parsed["LogStreamArn"] == body["LogStreamArn"]
    answer = map_client_error(ClientError(parsed, "InvokeEndpoint")).to_response().to_proxy({})
    assert answer["statusCode"] == api_status and json.loads(answer["body"])["error"] == api_code


def test_serve_endpoint_answers_a_container_error_with_the_shared_body(tiny_endpoint):
    """The real server (tests/conftest.py ``tiny_endpoint``, started with AWS_DEFAULT_REGION=eu-west-1)."""
    container = post(f"{tiny_endpoint}/invocations", b"x", "application/x-unknown")
    runtime = post(f"{tiny_endpoint}/endpoints/imdb-sentiment/invocations", b"x", "application/x-unknown")
    assert container.status == 415
    assert runtime.status == MODEL_ERROR_STATUS
    expected = model_error_body("imdb-sentiment", "eu-west-1", FAKE_ACCOUNT, 415, container.body.decode())
    assert runtime.json() == expected


def test_serve_endpoint_refuses_another_endpoints_name_as_aws_does(tiny_endpoint):
    other = post(f"{tiny_endpoint}/endpoints/other/invocations", b"good", "text/plain")
    assert other.status == 400 and other.json() == {"message": f"Endpoint other of account {FAKE_ACCOUNT} not found."}
