"""The limits on one review, for every path that tokenises one: the API (the Lambda), the endpoint
(``inference.py``) and bulk scoring (``scoring``). One module, so the three cannot drift apart.

Each limit is checked before the work it bounds: characters and the normalised length (U+FDFA alone
becomes 18 characters) before tokenising, words (``Vocabulary.vectorize(max_words=...)``) before n-grams
are built. Standard library only: it ships in the Lambda zip and in model.tar.gz (``code/lambda_src/``).
"""

from __future__ import annotations

from lambda_src.tokenizer import normalized_length_bound

MAX_REVIEW_CHARS = 20_000  # the longest IMDB review has about 13,700
MAX_NORMALIZED_CHARS = 20_000
MAX_REVIEW_WORDS = 5_000  # the longest IMDB review has 2,512


class ReviewTooLongError(ValueError):
    """A review over ``MAX_REVIEW_CHARS``, or over ``MAX_NORMALIZED_CHARS`` once normalised (``normalized``)."""

    def __init__(self, length: int, limit: int, normalized: bool) -> None:
        once = " once Unicode-normalised" if normalized else ""
        super().__init__(f"{length} characters{once}; the limit is {limit}")
        self.length = length
        self.limit = limit
        self.normalized = normalized


def check_review_length(review: str) -> str:
    """``review`` if it is within both character limits, else ``ReviewTooLongError``; costs about one read."""
    if len(review) > MAX_REVIEW_CHARS:
        raise ReviewTooLongError(len(review), MAX_REVIEW_CHARS, normalized=False)
    normalized = normalized_length_bound(review)
    if normalized > MAX_NORMALIZED_CHARS:
        raise ReviewTooLongError(normalized, MAX_NORMALIZED_CHARS, normalized=True)
    return review
