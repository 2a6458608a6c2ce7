"""The page in a real Chromium when the review is refused or the API fails: a validation message, the API's
own error message, "cannot reach", progress while waiting, and never a sentiment on any of them."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.fixtures import save_screenshot

pytestmark = pytest.mark.browser

REVIEW = "A gripping story with fine acting."


def expect_no_sentiment(page: Page) -> None:
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#label")).to_have_text("")


@pytest.mark.parametrize("text", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_empty_review_is_refused_before_sending(page, serve_page, failing_api, text):
    page.goto(serve_page(failing_api.predict_url))
    page.get_by_label("Your review").fill(text)
    page.get_by_role("button", name="Classify").click()

    expect(page.locator("#review-error")).to_have_text("Write a review before classifying it.")
    expect(page.get_by_label("Your review")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your review")).to_be_focused()
    expect_no_sentiment(page)
    expect(page.locator("#error")).to_be_hidden()
    assert failing_api.bodies == []
    if text == "":
        save_screenshot(page, "empty-review")


def test_typing_clears_the_validation_message(page, serve_page, failing_api):
    page.goto(serve_page(failing_api.predict_url))
    page.get_by_role("button", name="Classify").click()
    expect(page.locator("#review-error")).to_be_visible()

    page.get_by_label("Your review").fill("Better now")

    expect(page.locator("#review-error")).to_be_hidden()
    expect(page.get_by_label("Your review")).not_to_have_attribute("aria-invalid", "true")


def test_server_error_shows_its_message_and_no_sentiment(page, serve_page, failing_api, console_errors):
    page.goto(serve_page(failing_api.predict_url))
    page.get_by_label("Your review").fill(REVIEW)
    page.get_by_role("button", name="Classify").click()

    expect(page.get_by_role("alert").filter(has_text="Could not classify")).to_be_visible()
    expect(page.locator("#error-message")).to_have_text("The service failed unexpectedly.")
    expect_no_sentiment(page)
    expect(page.locator("#status")).to_have_text("")
    expect(page.get_by_role("button", name="Classify")).to_be_enabled()
    assert [json.loads(body) for body in failing_api.bodies] == [{"review": REVIEW, "explain": True}]
    # Chromium logs the failed response itself; nothing else (no script error, no CSP violation) may appear.
    assert [e for e in console_errors if "500" not in e] == []
    save_screenshot(page, "server-error")


@pytest.mark.parametrize(
    ("status", "answer", "message"),
    [
        (200, b'{"label": "positive", "score": NaN}', "cannot read"),  # the seed page showed this as POSITIVE
        (200, b'{"label": "positive"}', "cannot read"),
        (200, b'{"label": "neutral", "score": 0.5}', "cannot read"),
        (200, b'{"label": "positive", "score": 1.5}', "cannot read"),
        (200, b"<html>ok</html>", "cannot read"),
        (502, b"<html>Bad Gateway</html>", "answered with an error (HTTP 502)"),
        (503, b'{"error": "model_rollout", "message": "A new model is being deployed."}', "being deployed"),
    ],
    ids=["nan-score", "no-score", "unknown-label", "score-above-one", "html-200", "html-502", "json-503"],
)
def test_an_unusable_answer_shows_an_error_and_no_sentiment(page, serve_page, failing_api, status, answer, message):
    failing_api.status, failing_api.answer = status, answer
    page.goto(serve_page(failing_api.predict_url))
    page.get_by_label("Your review").fill(REVIEW)
    page.get_by_role("button", name="Classify").click()

    expect(page.locator("#error-message")).to_contain_text(message)
    expect_no_sentiment(page)


def test_api_down_shows_cannot_reach(page, serve_page, closed_port_url):
    page.goto(serve_page(closed_port_url))
    page.get_by_label("Your review").fill(REVIEW)
    page.get_by_role("button", name="Classify").click()

    expect(page.locator("#error-message")).to_contain_text("Cannot reach the sentiment service")
    expect_no_sentiment(page)
    save_screenshot(page, "api-down")


def test_progress_is_shown_while_waiting(page, serve_page, failing_api):
    failing_api.gate.clear()  # the API holds its answer until the test lets it go
    page.goto(serve_page(failing_api.predict_url))
    page.get_by_label("Your review").fill(REVIEW)
    page.get_by_role("button", name="Classify").click()

    expect(page.get_by_role("status")).to_have_text("Classifying your review…")
    expect(page.get_by_role("button", name="Classify")).to_be_disabled()
    expect(page.locator("#outcome")).to_have_attribute("aria-busy", "true")
    save_screenshot(page, "waiting")

    failing_api.gate.set()
    expect(page.locator("#error-message")).to_have_text("The service failed unexpectedly.")
    expect(page.get_by_role("button", name="Classify")).to_be_enabled()
    expect(page.locator("#outcome")).to_have_attribute("aria-busy", "false")
    assert len(failing_api.bodies) == 1


def test_ctrl_enter_submits_the_review(page, serve_page, failing_api):
    page.goto(serve_page(failing_api.predict_url))
    page.get_by_label("Your review").fill(REVIEW)
    page.get_by_label("Your review").press("Control+Enter")

    expect(page.locator("#error-message")).to_have_text("The service failed unexpectedly.")
    assert len(failing_api.bodies) == 1
    expect(page.get_by_label("Your review")).to_have_value(REVIEW)


def test_keyboard_focus_order_and_labels(page, serve_page, failing_api):
    page.goto(serve_page(failing_api.predict_url))

    page.keyboard.press("Tab")
    expect(page.get_by_label("Your review")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Classify")).to_be_focused()
    expect(page.get_by_role("status")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("Your review")).to_have_attribute("aria-describedby", "review-hint review-error")
