"""What the worst input within the limits costs the Lambda, side by side with ordinary reviews (`make bench`).

Every input goes through ``lambda_handler`` with the full 100,000-term vocabulary; only the endpoint's
network call is replaced by its real answer for that input (computed once by inference.py with the
trained model), so the figures are the Lambda's own CPU per request. The inputs are measured in
interleaved rounds with ``time.process_time`` (CPU, not wall time, since the machine is shared), and
the medians and ratios are printed and saved in ``extra_info``.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest

from lambda_src.limits import MAX_NORMALIZED_CHARS, MAX_REVIEW_CHARS, MAX_REVIEW_WORDS
from lambda_src.review_request import MAX_BATCH
from tests.conftest import extract_model, load_inference

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REVIEW = (ROOT / "tests" / "events" / "review_230_words.txt").read_text(encoding="utf-8").strip()
ROUNDS = 15


def _real_text_at_the_limit() -> str:
    text = REVIEW
    while len(text) + len(REVIEW) + 1 <= MAX_REVIEW_CHARS:
        text += " " + REVIEW
    return text


# The worst found (see docs/benchmarks.md): a word every two characters, the most n-grams per character;
# then Unicode that expands under NFKD up to the normalised limit; and inputs refused by each limit.
INPUTS = {
    "230-word ASCII review": REVIEW,
    "real ASCII text at the 20,000-character limit": _real_text_at_the_limit(),
    "worst accepted: '! ' x 4,999 + 'great' (5,000 words)": "! " * (MAX_REVIEW_WORDS - 1) + "great",
    "accepted: 'great ' x 3,333 (19,998 characters)": "great " * 3_333,
    "accepted: U+FDFA x 1,110 + ' great' (19,986 normalised)": "\ufdfa" * ((MAX_NORMALIZED_CHARS - 6) // 18) + " great",
    "accepted: 'é great ' x 2,222 (NFKD path, 19,998 normalised)": "\u00e9 great " * 2_222,
    "refused: U+FDFA x 13,900 (the issue's attack)": "\ufdfa" * 13_900,
    "refused: '!' x 20,000 (20,000 words)": "!" * 20_000,
}


@pytest.fixture(scope="module")
def real_inference(trained_model, tmp_path_factory):
    model_dir = extract_model(trained_model.model_tar, tmp_path_factory.mktemp("bench-model"))
    module = load_inference(model_dir)
    return module, module.model_fn(str(model_dir))


class RecordedAnswer:
    """The endpoint call replaced by the answer inference.py gave for this very request."""

    def __init__(self, inference, model) -> None:
        self.inference, self.model, self.answers = inference, model, {}

    def invoke(self, body: bytes) -> bytes:
        if body not in self.answers:
            response = self.inference.transform_fn(self.model, body, "application/json", "*/*")
            assert response.status_code == 200, response.get_data()
            self.answers[body] = response.get_data()
        return self.answers[body]


def test_worst_input_cpu_per_request_side_by_side(benchmark, make_handler, trained_model, real_inference,
                                                  load_event, lambda_context, capsys):  # fmt: skip
    handler = make_handler(trained_model.vocabulary, LOG_LEVEL="WARNING")
    handler.ENDPOINT = RecordedAnswer(*real_inference)
    events, statuses = {}, {}
    for name, text in INPUTS.items():
        for batch in (False, True):
            event = load_event("rest_post_json")
            event["body"] = json.dumps({"reviews": [text] * MAX_BATCH} if batch else {"review": text})
            key = f"{name}{' x 25 in one request' if batch else ''}"
            events[key] = event
            statuses[key] = handler.lambda_handler(event, lambda_context)["statusCode"]  # warm and check
    assert statuses["230-word ASCII review"] == 200 and statuses["refused: U+FDFA x 13,900 (the issue's attack)"] == 413
    attack = INPUTS["refused: U+FDFA x 13,900 (the issue's attack)"]
    unchecked = "before the limits: tokenising U+FDFA x 13,900 (vectorize alone)"
    statuses[unchecked] = 0
    cpu: dict[str, list[float]] = {key: [] for key in [*events, unchecked]}

    def one_round() -> None:
        for key, event in events.items():
            started = time.process_time()
            handler.lambda_handler(event, lambda_context)
            cpu[key].append(time.process_time() - started)
        started = time.process_time()
        handler.VOCABULARY.vectorize(attack)
        cpu[unchecked].append(time.process_time() - started)

    benchmark.pedantic(one_round, rounds=ROUNDS, iterations=1)
    base = statistics.median(cpu["230-word ASCII review"])
    real_max = statistics.median(cpu["real ASCII text at the 20,000-character limit"])
    lines = [f"{'input':70s} status  CPU ms  ×230-word  ×real-20k"]
    for key, times in cpu.items():
        median = statistics.median(times)
        benchmark.extra_info[key] = {"status": statuses[key], "cpu_ms": round(median * 1000, 3)}
        lines.append(
            f"{key:70s} {statuses[key]:6d} {median * 1000:7.2f} {median / base:9.1f} {median / real_max:10.2f}"
        )
    with capsys.disabled():
        print("\nLambda CPU per request (median of", ROUNDS, "interleaved rounds):\n" + "\n".join(lines))
