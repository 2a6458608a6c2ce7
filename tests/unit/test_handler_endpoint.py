"""How endpoint answers and failures become API answers, and the settings that bound the wait."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from lambda_src.endpoint import decode_answer, encode_request, encode_text_request, map_client_error
from lambda_src.errors import ApiError
from lambda_src.settings import Settings
from lambda_src.tokenizer import SparseVector


def client_error(code: str, status: int, **modeled: object) -> ClientError:
    """A ClientError shaped as botocore parses a sagemaker-runtime error response."""
    response = {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}, **modeled}
    return ClientError(response, "InvokeEndpoint")


@pytest.mark.parametrize(
    ("error", "status", "code", "retry_after"),
    [
        (client_error("ModelError", 424, OriginalStatusCode=409, OriginalMessage='{"error": "vocabulary_mismatch: x"}'),
         503, "vocabulary_mismatch", "30"),
        (client_error("ModelError", 424, OriginalStatusCode=500, OriginalMessage='{"error": "boom"}'),
         502, "model_error", None),
        (client_error("ModelError", 424, OriginalStatusCode=400, OriginalMessage='{"error": "bad"}'),
         502, "model_error", None),
        (client_error("ThrottlingException", 400), 503, "endpoint_throttled", "1"),
        (client_error("ModelNotReadyException", 429), 503, "endpoint_throttled", "1"),
        (client_error("ServiceUnavailable", 503), 503, "endpoint_unavailable", "5"),
        (client_error("InternalFailure", 500), 502, "endpoint_error", None),
        (client_error("ValidationError", 400), 502, "endpoint_error", None),
    ],
)  # fmt: skip
def test_runtime_errors_map_to_gateway_statuses(error, status, code, retry_after):
    response = map_client_error(error).to_response().to_proxy({})
    assert response["statusCode"] == status
    assert json.loads(response["body"])["error"] == code
    assert response["headers"].get("Retry-After") == retry_after


def test_request_body_is_the_sparse_contract():
    body = json.loads(encode_request([SparseVector([1, 5], [1.0, 1.0])], "abc", explain=True))
    assert body == {
        "instances": [{"indices": [1, 5], "values": [1.0, 1.0]}],
        "vocabulary_version": "abc",
        "explain": True,
    }


def answer(**fields: object) -> bytes:
    data = {"model_version": "m1", "vocabulary_version": "v1", "predictions": [{"label": "positive", "score": 0.9}]}
    return json.dumps({**data, **fields}).encode()


def explained(explanation: object) -> bytes:
    return answer(predictions=[{"label": "negative", "score": 0.1, "explanation": explanation}])


GOOD_EXPLANATION = {"positive": [{"term": "good", "weight": 0.5}], "negative": [{"term": "dull", "weight": -1}]}
BAD_EXPLANATIONS = [
    "positive",
    [],
    {"positive": []},
    {"positive": [], "negative": [], "neutral": []},
    {"positive": {}, "negative": []},
    {"positive": [{"term": "good"}], "negative": []},
    {"positive": [{"term": 5, "weight": 0.5}], "negative": []},
    {"positive": [{"term": "good", "weight": "0.5"}], "negative": []},
    {"positive": [{"term": "good", "weight": True}], "negative": []},
    {"positive": [{"term": "good", "weight": 0.5, "extra": 1}], "negative": []},
    {"positive": [["good", 0.5]], "negative": []},
    {"positive": [{"term": "good", "weight": 0.5}] * 51, "negative": []},
]


def test_a_good_answer_is_decoded():
    decoded = decode_answer(answer(), 1, "v1")
    assert decoded.model_version == "m1" and decoded.predictions[0].score == 0.9
    assert decode_answer(explained(GOOD_EXPLANATION), 1, "v1").predictions[0].explanation == GOOD_EXPLANATION


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (answer(vocabulary_version="other"), "vocabulary_mismatch"),
        (answer(predictions=[]), "invalid_model_response"),
        (answer(predictions=[{"label": "positive", "score": 1.5}]), "invalid_model_response"),
        (answer(predictions=[{"label": "neutral", "score": 0.5}]), "invalid_model_response"),
        (b"<html>oops</html>", "invalid_model_response"),
        (b'{"predictions": []}', "invalid_model_response"),
        (b"[]", "invalid_model_response"),
        (b"\xff\xfe", "invalid_model_response"),
        (answer(model_version=["m1"]), "invalid_model_response"),
        (answer(predictions=[{"label": "positive", "score": True}]), "invalid_model_response"),
        (answer().replace(b"0.9", b"NaN"), "invalid_model_response"),
        (answer().replace(b"0.9", b"1e400"), "invalid_model_response"),
        (answer().replace(b'"m1"', b'"m1", "model_version": "m2"'), "invalid_model_response"),
        *((explained(explanation), "invalid_model_response") for explanation in BAD_EXPLANATIONS),
        (explained({"positive": [], "negative": []}).replace(b"[]}", b'[{"term": "x", "weight": NaN}]}'),
         "invalid_model_response"),
        (explained({"positive": [], "negative": []}).replace(b"[]}", b'[{"term": "x", "weight": -Infinity}]}'),
         "invalid_model_response"),
    ],
)  # fmt: skip
def test_an_unexpected_answer_is_never_passed_on(body, code):
    with pytest.raises(ApiError) as raised:
        decode_answer(body, 1, "v1")
    assert raised.value.code == code


def test_text_answers_must_say_how_many_terms_the_model_knew():
    """Raw texts are tokenised by the endpoint; without its count the handler cannot refuse unknown reviews."""
    with pytest.raises(ApiError, match="known_terms"):
        decode_answer(answer(), 1)
    decoded = decode_answer(answer(predictions=[{"label": "negative", "score": 0.2, "known_terms": 3}]), 1)
    assert (decoded.vocabulary_version, decoded.predictions[0].known_terms) == ("v1", 3)


def test_text_request_keeps_utf8_and_explain():
    body = encode_text_request(["très bon", "b"], explain=True)
    assert "très".encode() in body
    assert json.loads(body) == {"instances": [{"text": "très bon"}, {"text": "b"}], "explain": True}


def test_text_request_sends_a_lone_surrogate_as_the_escape_it_arrived_as():
    """``{"review":"great film \\ud800"}`` was a 500 on the text route: UTF-8 has no spelling for a lone surrogate."""
    review = json.loads('{"review":"great film \\ud800"}')["review"]
    body = encode_text_request([review], explain=False)
    assert body == b'{"instances":[{"text":"great film \\ud800"}],"explain":false}'


@pytest.mark.parametrize("review", ["\udfff", "gr\u00e8at\udc00film", "\ud800\ud800 bon", "\U0001f600 \ud83d"])
def test_text_request_carries_every_string_the_lambda_can_hold(review):
    """The endpoint reads back exactly the string the vector route would have tokenised; the rest stays UTF-8."""
    body = encode_text_request([review, "b"], explain=True)
    assert json.loads(body.decode("utf-8")) == {"instances": [{"text": review}, {"text": "b"}], "explain": True}
    assert all(char.encode() in body for char in review if not "\ud800" <= char <= "\udfff")


def test_default_timeouts_answer_before_api_gateway_gives_up():
    assert Settings(endpoint_name="e").worst_case_seconds < 29


@pytest.mark.parametrize(
    "settings",
    [
        {"endpoint_name": ""},
        {"endpoint_name": "e", "read_timeout": 20.0},
        {"endpoint_name": "e", "max_attempts": 4},
        {"endpoint_name": "e", "connect_timeout": 0.0},
    ],
)
def test_settings_that_could_outlast_api_gateway_fail_at_init(settings):
    with pytest.raises(ValueError):
        Settings(**settings)


def test_settings_from_environment():
    settings = Settings.from_environ(
        {
            "SAGEMAKER_ENDPOINT_NAME": "e",
            "ALLOWED_ORIGINS": " https://a.example , https://b.example,",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.log_level == "DEBUG" and settings.endpoint_url is None
