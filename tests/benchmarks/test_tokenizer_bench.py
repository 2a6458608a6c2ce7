"""The tokeniser against its frozen pre-optimisation copy (`make bench`): reviews/s side by side in one run.

Three implementations of the same output (tests/integration/test_tokenizer_parity.py): the frozen copy
(tests/benchmarks/baseline_tokenizer.py, the ratio's baseline), the optimised pure module (what the
Lambda and the endpoint run) and the compiled one (training and `make score`). Two jobs: ``analyze``
(text to 1-3-grams, what training's CountVectorizer calls) and ``vectorize`` (text to the sparse vector
over the trained 100,000-term vocabulary: the Lambda, the endpoint's text route and `make score`), on
1,000 official test reviews and on the 230-word review of the handler benchmark. Each is timed in CPU
seconds of this process (a busy shared machine distorts wall clock more), rounds interleaved so every
implementation meets the same load, best round kept. Figures are printed, kept in ``extra_info`` and in
test-results/tokenizer-bench.json; nothing about speed is asserted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lambda_src import tokenizer
from lambda_src.tokenizer import PURE, Vocabulary
from tests.benchmarks import baseline_tokenizer as frozen
from training.data import load_split

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REVIEW = (ROOT / "tests" / "events" / "review_230_words.txt").read_text(encoding="utf-8").strip()
SAMPLE_STEP = 25  # every 25th of the 25,000 test reviews
ROUNDS = 5


def cpu_seconds(function: Callable[[str], object], texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        function(text)
    return time.process_time() - start


def best_of_interleaved(jobs: dict[str, Callable[[str], object]], texts: list[str]) -> dict[str, float]:
    """Best CPU seconds of each job over ``ROUNDS`` rounds, every round running every job once."""
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(ROUNDS):
        for name, function in jobs.items():
            best[name] = min(best[name], cpu_seconds(function, texts))
    return best


def with_pure(function: Callable[[str], object]) -> Callable[[str], object]:
    """``function`` run by the pure module, as in the Lambda (whose zip has no compiled tokeniser)."""

    def run(text: str) -> object:
        tokenizer._BACKEND = PURE
        try:
            return function(text)
        finally:
            tokenizer._BACKEND = tokenizer.COMPILED or PURE

    return run


def test_tokeniser_against_the_frozen_copy(benchmark, imdb_folder: Path, trained_model, capsys) -> None:
    assert tokenizer.COMPILED is not None, "lambda_src/_fast_tokenizer is not built: run `make install`"
    sample = load_split(imdb_folder, "test").texts[::SAMPLE_STEP]
    current = Vocabulary.load(trained_model.vocabulary)
    old = frozen.Vocabulary.load(trained_model.vocabulary)
    pure = with_pure(Vocabulary.load)(trained_model.vocabulary)  # a vocabulary's backend is the one that built it
    implementations = {
        "frozen": (frozen.analyze, old.vectorize),
        "pure": (with_pure(tokenizer.analyze), with_pure(pure.vectorize)),
        "compiled": (tokenizer.analyze, current.vectorize),
    }
    figures: dict[str, dict[str, float]] = {}
    for job, position in (("analyze", 0), ("vectorize", 1)):
        jobs = {name: functions[position] for name, functions in implementations.items()}
        for texts, label in ((sample, f"{job} x{len(sample)} reviews"), ([REVIEW] * 200, f"{job} 230-word review")):
            seconds = best_of_interleaved(jobs, texts)
            figures[label] = {
                **{f"{name}_us": round(s / len(texts) * 1e6, 1) for name, s in seconds.items()},
                **{f"{name}_reviews_per_s": round(len(texts) / s) for name, s in seconds.items()},
                "pure_ratio": round(seconds["frozen"] / seconds["pure"], 2),
                "compiled_ratio": round(seconds["frozen"] / seconds["compiled"], 2),
            }
    benchmark.pedantic(lambda: [current.vectorize(text) for text in sample], rounds=1, iterations=1)
    benchmark.extra_info.update(figures)
    (ROOT / "test-results").mkdir(exist_ok=True)
    (ROOT / "test-results" / "tokenizer-bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    with capsys.disabled():
        print("\ntokeniser, CPU per review (reviews/s) and ratio to the frozen pre-optimisation copy:")
        for label, f in figures.items():
            print(
                f"  {label:34s} frozen {f['frozen_us']:7.1f} us ({f['frozen_reviews_per_s']:>6}/s) | "
                f"pure {f['pure_us']:7.1f} us ({f['pure_reviews_per_s']:>6}/s) {f['pure_ratio']:.2f}x | "
                f"compiled {f['compiled_us']:7.1f} us ({f['compiled_reviews_per_s']:>6}/s) {f['compiled_ratio']:.2f}x"
            )
