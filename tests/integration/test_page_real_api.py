"""The web page in a real Chromium against the real API path: LocalStack's API Gateway, the Lambda and the
SageMaker endpoint serving the trained model, deployed by the ``local_stack`` fixture beside this file
(so the session's one stack is shared). Reviews come from the official IMDB test split."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.fixtures import save_screenshot, write_site

pytestmark = [pytest.mark.integration, pytest.mark.browser]

# Short, unambiguous reviews of the official test split (aclImdb/test), chosen by file id.
POSITIVE_REVIEW = "test/pos/529_10.txt"  # "I absolutely LOVED this movie! ... Two thumbs up, way up!"
NEGATIVE_REVIEW = "test/neg/1496_1.txt"  # "This film is truly execrable in all departments. ... Avoid at all costs!"


@pytest.fixture(scope="module")
def stack_page_url(local_stack) -> str:
    """The page at the session's page origin, its config.js naming the stack's predict URL.

    As a real deployment does for its page, the page's origin is one of the API's CORS origins (the session
    deploy adds it: see tests/integration/conftest.py); without that the browser refuses the API's answers.
    """
    write_site(local_stack.page_site, local_stack.predict_url)
    return f"{local_stack.page_origin}/index.html"


def classify(page: Page, url: str, text: str) -> None:
    page.goto(url)
    page.get_by_label("Your review").fill(text)
    page.get_by_role("button", name="Classify").click()
    expect(page.locator("#result")).to_be_visible(timeout=30_000)


def shown_terms(page: Page, side: str) -> list[str]:
    return page.locator(f"#{side}-terms li .term").all_text_contents()


def bar_fraction(page: Page) -> float:
    """How much of the probability bar is filled (0 = certainly negative, 1 = certainly positive)."""
    return page.locator("#probability-bar").evaluate(
        "bar => bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width"
    )


def test_positive_review_shows_positive(page, stack_page_url, imdb_folder: Path, console_errors) -> None:
    text = (imdb_folder / POSITIVE_REVIEW).read_text(encoding="utf-8")
    classify(page, stack_page_url, text)

    expect(page.locator("#label")).to_have_text("Positive")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Sentiment: Positive, >?\d+\.\d% sure\.$"))
    expect(page.locator("#probability-text")).to_contain_text("sure it is positive")
    expect(page.locator("#model-version")).to_have_text(re.compile(r"^Model \S+"))
    expect(page.locator("#error")).to_be_hidden()
    positive = shown_terms(page, "positive")
    assert positive, "the explanation lists the words that pushed the score up"
    assert all(term.split()[0] in text.lower() for term in positive)
    assert bar_fraction(page) > 0.5
    assert console_errors == []
    save_screenshot(page, "positive")


def test_negative_review_shows_negative_on_a_phone(phone_page, stack_page_url, imdb_folder: Path) -> None:
    page = phone_page
    text = (imdb_folder / NEGATIVE_REVIEW).read_text(encoding="utf-8")
    classify(page, stack_page_url, text)

    expect(page.locator("#label")).to_have_text("Negative")
    expect(page.locator("#probability-text")).to_contain_text("sure it is negative")
    negative = shown_terms(page, "negative")
    assert negative, "the explanation lists the words that pushed the score down"
    assert all(term.split()[0] in text.lower() for term in negative)
    assert bar_fraction(page) < 0.5
    # Readable at phone width: nothing sticks out sideways and the two term lists stack.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    positive_box = page.locator(".positive-terms").bounding_box()
    negative_box = page.locator(".negative-terms").bounding_box()
    assert negative_box["y"] >= positive_box["y"] + positive_box["height"]
    save_screenshot(page, "negative-phone")
