"""Request limits and the checks that apply them before the work they bound.

Every limit is checked before the work it bounds: the body's size first, then instances,
rows and columns while they are read (``strict_json`` stops at the object cap, ``data_lines``
at the row cap), and a text's normalised length before it is tokenised.
"""

from __future__ import annotations

from lambda_src.tokenizer import normalized_length_bound
from training.serving.errors import InferenceError, PayloadTooLargeError

MAX_BODY_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's own payload limit (real-time; serverless allows 4 MB)
MAX_INSTANCES = 256
MAX_CSV_COLUMNS = 1_000_000  # ten times the vocabulary; a dense row must match it exactly anyway
MAX_TEXT_CHARS = 20_000  # the Lambda's limits (lambda_src/review_request.py) for raw text
MAX_NORMALIZED_CHARS = 20_000
MAX_TEXT_WORDS = 5_000


def check_body_size(input_data: bytes | str) -> None:
    """413 for a body over ``MAX_BODY_BYTES``, before it is decoded or parsed."""
    size = len(input_data.encode("utf-8", "surrogatepass")) if isinstance(input_data, str) else len(input_data)
    if size > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"body too large: {size} bytes, the limit is {MAX_BODY_BYTES}")


def check_text(text: str) -> str:
    """A review to tokenise here, within the Lambda's limits on its raw and its normalised length."""
    if not text.strip():
        raise InferenceError("empty input: the review text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise PayloadTooLargeError(f"review too long: {len(text)} characters, the limit is {MAX_TEXT_CHARS}")
    normalized = normalized_length_bound(text)
    if normalized > MAX_NORMALIZED_CHARS:
        raise PayloadTooLargeError(
            f"review too long: {normalized} characters once normalised, the limit is {MAX_NORMALIZED_CHARS}"
        )
    return text
