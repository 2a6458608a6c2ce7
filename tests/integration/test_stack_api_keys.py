"""API keys on the deployed stack: POST /predict needs a key of a usage plan, the page's route needs none.

The session's stack is re-applied with ``api_keys`` for this module and its variables of before are applied
again afterwards, however the module ends (the last test does that itself and checks the result). LocalStack
checks keys against usage plans like API Gateway; it does not enforce the plans' throttles or quotas
(docs in docs/api.md, "Who can call what"), so only the key check is proven here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from scripts.local_aws import stack
from tests.integration.conftest import StackChange

pytestmark = pytest.mark.integration

KEYS = {"tester": {"rate_limit": 5, "burst_limit": 10, "quota_limit": 1000}}
REVIEW = json.dumps({"review": "A moving, beautifully acted film. I loved it."})
JSON = {"Content-Type": "application/json"}
ALLOWED_ORIGIN = "http://localhost:8000"  # in the root's default allowed_origins


def post(url: str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url, data=REVIEW, headers={**JSON, **(headers or {})}, timeout=30)


@pytest.fixture(scope="module")
def keyed_change(local_stack) -> Iterator[StackChange]:
    """The stack with one API key on, until the module ends (or its last test restores it)."""
    with local_stack.applied(api_keys=KEYS) as change:
        yield change


@pytest.fixture
def keyed_stack(local_stack, keyed_change) -> tuple[object, str]:
    """The stack with the key on, and the key's value."""
    assert local_stack.info.api_key_names == ("tester",), "keys are off: the test turning them off ran earlier"
    return local_stack, stack.api_keys(local_stack.layout)["tester"]


def test_predict_refuses_a_call_without_a_key(keyed_stack) -> None:
    local_stack, _ = keyed_stack
    response = post(local_stack.predict_url)
    assert response.status_code == 403, response.text


def test_predict_refuses_a_wrong_key(keyed_stack) -> None:
    local_stack, key = keyed_stack
    response = post(local_stack.predict_url, {"x-api-key": key[::-1] + "x"})
    assert response.status_code == 403, response.text


def test_predict_answers_a_call_with_the_key(keyed_stack) -> None:
    local_stack, key = keyed_stack
    response = post(local_stack.predict_url, {"x-api-key": key})
    assert response.status_code == 200, response.text
    assert response.json()["label"] == "positive"


def test_the_page_route_needs_no_key_and_answers_cors(keyed_stack) -> None:
    local_stack, _ = keyed_stack
    page_url = local_stack.info.page_predict_url
    assert page_url.endswith("/web-predict") and page_url != local_stack.predict_url
    response = post(page_url, {"Origin": ALLOWED_ORIGIN})
    assert response.status_code == 200, response.text
    assert response.json()["label"] == "positive"
    assert response.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    preflight = requests.options(
        page_url,
        headers={"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN


def test_key_values_are_not_saved_with_the_stack(keyed_stack) -> None:
    local_stack, key = keyed_stack
    assert local_stack.info.api_key_names == ("tester",)
    assert key not in local_stack.layout.stack_file.read_text()


def test_turning_keys_off_opens_predict_again(keyed_stack, keyed_change) -> None:
    local_stack, _ = keyed_stack
    keyed_change.restore()  # the variables of before: no api_keys
    assert local_stack.info.api_key_names == ()
    assert local_stack.info.page_predict_url == local_stack.predict_url
    response = post(local_stack.predict_url)
    assert response.status_code == 200, response.text
