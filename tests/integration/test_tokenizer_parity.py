"""The compiled, the optimised pure and the frozen (pre-optimisation) tokenisers agree on every IMDB review.

All 50,000 reviews of train/ and test/ (the shared archive has no unsup/) with ``TOKENIZER_PARITY_STEP=1``
(`make parity`, part of `make bench`: several minutes on a busy machine), every 20th (2,500) by default in
`make test`: the same words, the same 1-3-grams and the same sparse vectors over the trained vocabulary,
counted, and binary for a tenth of those. The unit tests (tests/unit/test_tokenizer_compiled.py) do the
same on arbitrary text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambda_src import tokenizer
from lambda_src.tokenizer import PURE, TokenizerSettings, Vocabulary, _split_contraction, normalize
from tests.benchmarks import baseline_tokenizer as frozen

pytestmark = pytest.mark.integration
STEP = int(os.environ.get("TOKENIZER_PARITY_STEP", "20"))  # 1: every review


@pytest.fixture(scope="module")
def reviews(imdb_folder: Path) -> list[str]:
    """Every ``STEP``-th review file of train/ and test/ in sorted order (only those are read)."""
    files = [path for split in ("train", "test") for label in ("neg", "pos")
             for path in sorted((imdb_folder / split / label).glob("*.txt"))]  # fmt: skip
    assert len(files) == 50_000
    return [path.read_text(encoding="utf-8") for path in files[::STEP]]


def test_every_review_gives_the_same_words_and_ngrams(reviews: list[str]) -> None:
    compiled = tokenizer.COMPILED
    assert compiled is not None, "lambda_src/_fast_tokenizer is not built: run `make install`"
    differing = []
    for position, text in enumerate(reviews):
        normalized = normalize(text)
        words = PURE.split_words(normalized, _split_contraction)
        grams = PURE.ngrams(words, 1, 3)
        if (
            normalized != frozen.normalize(text)
            or words != frozen.words(text)
            or compiled.split_words(normalized, _split_contraction) != words
            or grams != frozen.ngrams(words)
            or compiled.ngrams(words, 1, 3) != grams
        ):
            differing.append(position)
    assert differing == []


@pytest.mark.parametrize(("binary", "step"), [(False, 1), (True, 10)])
def test_every_review_gives_the_same_vector(reviews, trained_model, monkeypatch, binary: bool, step: int) -> None:
    """Counted vectors of every review, binary ones of every tenth (the same look-ups, another sum)."""
    terms = Vocabulary.load(trained_model.vocabulary).terms
    current = Vocabulary(terms, TokenizerSettings(binary=binary))
    old = frozen.Vocabulary(terms, frozen.TokenizerSettings(binary=binary))
    expected = [old.vectorize(text).to_json() for text in reviews[::step]]
    assert tokenizer.IMPLEMENTATION == "compiled"
    compiled = [current.vectorize(text).to_json() for text in reviews[::step]]
    monkeypatch.setattr(tokenizer, "_BACKEND", PURE)
    pure_vocabulary = Vocabulary(terms, TokenizerSettings(binary=binary))  # looks up with the backend that built it
    assert current.backend is tokenizer.COMPILED and pure_vocabulary.backend is PURE
    pure = [pure_vocabulary.vectorize(text).to_json() for text in reviews[::step]]
    assert [i for i, vector in enumerate(expected) if vector != compiled[i] or vector != pure[i]] == []
