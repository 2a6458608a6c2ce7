"""The local SageMaker endpoint (scripts/serve_endpoint.py) serving the real model through the scikit-learn
image's own serving library (.venv-serving): the container contract (/ping, /invocations) and the runtime API
through an unmodified boto3 client."""

from __future__ import annotations

import json

import boto3
import pytest
import requests
from botocore.config import Config

from lambda_src.tokenizer import Vocabulary
from scripts.serve_endpoint import resolve_model_dir
from tests.conftest import served

pytestmark = pytest.mark.integration

REVIEW = "A wonderful film. The acting is brilliant and the story is beautiful; I loved every minute."


@pytest.fixture(scope="module")
def runtime(model_endpoint):
    """boto3's sagemaker-runtime client, unmodified, pointed at the local endpoint."""
    return boto3.client(
        "sagemaker-runtime",
        endpoint_url=model_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def vocabulary(trained_model) -> Vocabulary:
    return Vocabulary.load(trained_model.vocabulary)


def sparse_body(vocabulary: Vocabulary, text: str, version: str | None = None, explain: bool = False) -> bytes:
    vector = vocabulary.vectorize(text).to_json()
    version = vocabulary.version if version is None else version
    return json.dumps({"instances": [vector], "vocabulary_version": version, "explain": explain}).encode()


def invoke(runtime, body: bytes, content_type: str = "application/json", **kwargs) -> dict:
    response = runtime.invoke_endpoint(EndpointName="imdb-sentiment", Body=body, ContentType=content_type, **kwargs)
    assert response["ContentType"] == "application/json"
    return json.loads(response["Body"].read())


def test_ping(model_endpoint):
    assert requests.get(f"{model_endpoint}/ping", timeout=5).status_code == 200


def test_boto3_round_trip_with_the_lambdas_sparse_json(runtime, vocabulary):
    answer = invoke(runtime, sparse_body(vocabulary, REVIEW, explain=True))
    assert answer["vocabulary_version"] == vocabulary.version
    assert answer["model_version"] == vocabulary.model_version
    (prediction,) = answer["predictions"]
    assert prediction["label"] == "positive" and prediction["score"] > 0.5
    assert prediction["explanation"]["positive"]


def test_text_plain_and_sparse_json_give_the_same_score(runtime, vocabulary):
    """The endpoint's tokenisation of raw text matches the Lambda's vectors: one tokeniser."""
    from_text = invoke(runtime, REVIEW.encode(), "text/plain")["predictions"][0]["score"]
    from_vector = invoke(runtime, sparse_body(vocabulary, REVIEW))["predictions"][0]["score"]
    assert from_text == pytest.approx(from_vector, abs=1e-12)


def test_dense_csv_row_of_the_seed_format(runtime, vocabulary):
    vector = vocabulary.vectorize(REVIEW)
    row = ["0"] * len(vocabulary)
    for i in vector.indices:
        row[i] = "1"
    answer = invoke(runtime, ",".join(row).encode(), "text/csv")
    assert answer["predictions"][0]["label"] == "positive"


@pytest.mark.parametrize(
    ("body", "content_type", "original_status", "message"),
    [
        (b'{"instances": [{"indices": [1], "values": [1.0]}], "vocabulary_version": "0000"}', "application/json",
         409, "vocabulary_mismatch"),
        (b"<review/>", "application/xml", 415, "unsupported content type"),
        (b'{"instances": [', "application/json", 400, "invalid JSON"),
        (b'{"instances": [{"indices": [3, 1], "values": [1, 1]}], "vocabulary_version": "x"}', "application/json",
         400, "strictly increasing"),
    ],
)  # fmt: skip
def test_container_errors_arrive_as_model_error(runtime, body, content_type, original_status, message):
    with pytest.raises(runtime.exceptions.ModelError) as raised:
        runtime.invoke_endpoint(EndpointName="imdb-sentiment", Body=body, ContentType=content_type)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert response["OriginalStatusCode"] == original_status
    assert message in json.loads(response["OriginalMessage"])["error"]
    assert f"({original_status})" in response["Error"]["Message"]
    assert response["LogStreamArn"].startswith("arn:aws:logs:")


def test_unsupported_accept_is_a_406_model_error(runtime, vocabulary):
    with pytest.raises(runtime.exceptions.ModelError) as raised:
        runtime.invoke_endpoint(
            EndpointName="imdb-sentiment", Body=sparse_body(vocabulary, REVIEW), ContentType="application/json",
            Accept="text/csv",
        )  # fmt: skip
    assert raised.value.response["OriginalStatusCode"] == 406


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [(b"not json", "application/json", 400), (b"x", "image/png", 415), (b"", "text/plain", 400)],
)
def test_container_contract_answers_errors_with_their_own_status(model_endpoint, body, content_type, status):
    response = requests.post(
        f"{model_endpoint}/invocations", data=body, headers={"Content-Type": content_type}, timeout=10
    )
    assert response.status_code == status
    assert response.json()["error"]


def test_container_contract_success(model_endpoint, vocabulary):
    response = requests.post(
        f"{model_endpoint}/invocations", data=REVIEW.encode(), headers={"Content-Type": "text/plain"}, timeout=10
    )
    assert response.status_code == 200 and response.json()["predictions"][0]["label"] == "positive"


def test_only_the_configured_endpoint_name_is_served(trained_model, serving_python, tmp_path):
    """With --endpoint-name, another name gets the runtime's ValidationError, as AWS answers."""
    with served(serving_python, trained_model.model_tar, tmp_path, "--endpoint-name", "imdb-sentiment") as url:
        wrong = requests.post(f"{url}/endpoints/other/invocations", data=REVIEW, timeout=10,
                              headers={"Content-Type": "text/plain"})  # fmt: skip
        right = requests.post(f"{url}/endpoints/imdb-sentiment/invocations", data=REVIEW, timeout=10,
                              headers={"Content-Type": "text/plain"})  # fmt: skip
    assert wrong.status_code == 400 and wrong.headers["x-amzn-ErrorType"] == "ValidationError"
    assert right.status_code == 200 and right.headers["x-Amzn-Invoked-Production-Variant"] == "AllTraffic"


def test_a_model_archive_is_extracted_once_into_its_cache(trained_model, tmp_path):
    first = resolve_model_dir(trained_model.model_tar, tmp_path)
    assert (first / "code" / "inference.py").is_file() and (first / "vocabulary.json").is_file()
    assert resolve_model_dir(trained_model.model_tar, tmp_path) == first
    assert resolve_model_dir(first) == first  # a directory is served as it is


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="model not found"):
        resolve_model_dir(tmp_path / "nope.tar.gz")
