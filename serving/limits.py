"""Request limits and the checks that apply them before the work they bound.

Every limit is checked before the work it bounds: the body's size first, then instances,
rows, JSON Lines records and columns while they are read (``strict_json`` stops at the object cap,
``data_lines`` at the row cap, ``json_lines.record_lines`` at the record cap), and a text's length
before it is tokenised. The limits on one review are the Lambda's own (``lambda_src/limits.py``,
shipped in the archive beside this package), not a copy.
"""

from __future__ import annotations

from lambda_src.limits import MAX_NORMALIZED_CHARS, ReviewTooLongError, check_review_length
from lambda_src.limits import MAX_REVIEW_CHARS as MAX_TEXT_CHARS
from lambda_src.limits import MAX_REVIEW_WORDS as MAX_TEXT_WORDS
from serving.errors import InferenceError, PayloadTooLargeError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_CSV_COLUMNS",
    "MAX_INSTANCES",
    "MAX_JSON_LINES",
    "MAX_NORMALIZED_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TEXT_WORDS",
    "check_body_size",
    "check_text",
]

MAX_BODY_BYTES = 6 * 1024 * 1024  # InvokeEndpoint's own payload limit (real-time; serverless allows 4 MB)
MAX_INSTANCES = 256
MAX_CSV_COLUMNS = 1_000_000  # ten times the vocabulary; a dense row must match it exactly anyway
# Records of one application/jsonlines body (a Batch Transform mini-batch). 10,000 tiny records cost about
# 0.3 s here (3 million of them, 6 MB of "1\n", took 118 s and 1.8 GB); a full 6 MB body of real reviews
# costs about 7 s of tokenising whatever the count. scoring/transform_job.py pads short records so
# that MaxPayloadInMB never packs more than this into one request.
MAX_JSON_LINES = 10_000


def check_body_size(input_data: bytes | str) -> None:
    """413 for a body over ``MAX_BODY_BYTES``, before it is decoded or parsed."""
    size = len(input_data.encode("utf-8", "surrogatepass")) if isinstance(input_data, str) else len(input_data)
    if size > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"body too large: {size} bytes, the limit is {MAX_BODY_BYTES}")


def check_text(text: str) -> str:
    """A review to tokenise here, within the Lambda's limits on its raw and its normalised length."""
    if not text.strip():
        raise InferenceError("empty input: the review text is empty")
    try:
        return check_review_length(text)
    except ReviewTooLongError as exc:
        once = " once normalised" if exc.normalized else ""
        message = f"review too long: {exc.length} characters{once}, the limit is {exc.limit}"
        raise PayloadTooLargeError(message) from None
