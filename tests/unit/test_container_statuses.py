"""Error statuses through the serving image's own library (sagemaker-containers 2.8.6.post2 in .venv-serving).

The library's Transformer wraps every user function in ``error_wrapper(fn, ClientError)``, so an
``InferenceError`` raised from ``input_fn``/``predict_fn``/``output_fn`` reaches the caller as a generic 500:
the first tests prove the wrapper is the real one by serving the same parsing and scoring through those three
functions. ``inference.transform_fn`` returns its answer instead, so each status, its JSON ``{"error": ...}``
body and its content type survive, on the container's ``/invocations`` and, as AWS's 424 ``ModelError``, on
the runtime API's route.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambda_src.tokenizer import Vocabulary
from scripts.local_aws.local_aws_shared.model_error import MODEL_ERROR_STATUS
from tests.conftest import post, served

# The three-function contract over the same serving modules: every bad request raises its InferenceError.
THREE_FUNCTIONS = """
from serving.media import request_type, response_type, serialise
from serving.sentiment_model import load_model
from serving.transform import parse, score


def model_fn(model_dir):
    return load_model(model_dir)


def input_fn(body, content_type):
    return parse(body, request_type(content_type))


def predict_fn(data, model):
    return score(data, model)


def output_fn(prediction, accept):
    return serialise(prediction, response_type(accept)), response_type(accept)
"""

BOTH_KINDS = "\nfrom inference_three import input_fn  # noqa: F401  (with transform_fn: the image refuses it)\n"


def sparse(version: str) -> str:
    return json.dumps({"instances": [{"indices": [0], "values": [1.0]}], "vocabulary_version": version})


def bad_requests(version: str) -> list[tuple[int, str | bytes, str, str, str]]:
    """(status, body, content type, accept, message start) of each client error the endpoint answers."""
    return [
        (409, sparse("0123456789abcdef"), "application/json", "application/json", "vocabulary_mismatch:"),
        (400, b'{"instances": 3}', "application/json", "application/json", "JSON body must be"),
        (400, b"\xff\xfe", "text/plain", "application/json", "body is not valid UTF-8"),
        (413, "x" * 20_001, "text/plain", "application/json", "review too long"),
        (415, b"good", "image/png", "application/json", "unsupported content type"),
        (406, b"good film", "text/plain", "text/csv", "unsupported accept type"),
    ]


def model_copy(tiny_model_dir: Path, folder: Path, extra: dict[str, str]) -> Path:
    """The tiny model with extra files in ``code/`` (a directory named ``model``, as SageMaker mounts it)."""
    target = folder / "model"
    shutil.copytree(tiny_model_dir, target)
    for name, source in extra.items():
        (target / "code" / name).write_text(source, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def three_function_endpoint(tiny_model_dir, serving_python, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("three-functions")
    model = model_copy(tiny_model_dir, folder, {"inference_three.py": THREE_FUNCTIONS})
    with served(serving_python, model, folder, environment={"SAGEMAKER_PROGRAM": "inference_three.py"}) as url:
        yield url


@pytest.fixture(scope="module")
def version(tiny_model_dir: Path) -> str:
    return Vocabulary.load(tiny_model_dir / "vocabulary.json").version


def test_the_library_turns_every_error_raised_by_a_user_function_into_a_generic_500(
    three_function_endpoint, version
) -> None:
    for status, body, content_type, accept, message in bad_requests(version):
        answer = post(f"{three_function_endpoint}/invocations", body, content_type, accept)
        assert (answer.status, answer.content_type.split(";")[0]) == (500, "text/html"), (status, message)
        assert message.encode() not in answer.body and b"Internal Server Error" in answer.body
    good = post(f"{three_function_endpoint}/invocations", b"a wonderful film", "text/plain")
    assert good.status == 200 and good.json()["predictions"][0]["label"] == "positive"


def test_transform_fn_keeps_each_status_with_a_json_body(tiny_endpoint, version) -> None:
    for status, body, content_type, accept, message in bad_requests(version):
        answer = post(f"{tiny_endpoint}/invocations", body, content_type, accept)
        assert (answer.status, answer.content_type) == (status, "application/json"), message
        assert set(answer.json()) == {"error"} and answer.json()["error"].startswith(message)


def test_the_runtime_route_passes_each_status_on_as_awss_model_error(tiny_endpoint, version) -> None:
    for status, body, content_type, accept, message in bad_requests(version):
        answer = post(f"{tiny_endpoint}/endpoints/imdb-sentiment/invocations", body, content_type, accept)
        assert answer.status == MODEL_ERROR_STATUS, message
        error = answer.json()
        assert error["OriginalStatusCode"] == status
        assert json.loads(error["OriginalMessage"])["error"].startswith(message)


@pytest.mark.parametrize(
    ("body", "content_type", "accept", "answer_type"),
    [
        ("a wonderful film", "text/plain", "application/json", "application/json"),
        ("a wonderful film", "text/plain", None, "application/json"),
        ('{"review": "a wonderful film"}\n{"review": "awful"}', "application/jsonlines", "application/jsonlines",
         "application/jsonlines"),
    ],
)  # fmt: skip
def test_a_successful_answer_keeps_its_content_type(tiny_endpoint, body, content_type, accept, answer_type) -> None:
    for path in ("/invocations", "/endpoints/imdb-sentiment/invocations"):
        answer = post(f"{tiny_endpoint}{path}", body, content_type, accept)
        assert (answer.status, answer.content_type) == (200, answer_type)
        lines = answer.body.decode().split("\n")
        assert len(lines) == (2 if answer_type.endswith("jsonlines") else 1)
        assert all(json.loads(line) for line in lines)


def test_a_script_with_transform_fn_and_input_fn_stops_the_container(tiny_model_dir, serving_python, tmp_path) -> None:
    """The image's serving.py refuses both kinds of function; so does the local endpoint (it never answers /ping)."""
    inference = (tiny_model_dir / "code" / "inference.py").read_text() + BOTH_KINDS
    model = model_copy(tiny_model_dir, tmp_path, {"inference.py": inference, "inference_three.py": THREE_FUNCTIONS})
    with pytest.raises(RuntimeError, match="server exited"), served(serving_python, model, tmp_path):
        pass
    assert "Cannot use transform_fn implementation with input_fn" in (tmp_path / "serve.log").read_text()
