"""The compiled tokeniser (lambda_src/_fast_tokenizer.pyx) against the pure reference, on arbitrary input.

Each compiled function must return exactly what its ``tokenizer.PURE`` counterpart returns for the same
arguments; the optimised pure module must return exactly what the tokeniser did before it was optimised
(the frozen copy in tests/benchmarks). The whole IMDB corpus is checked in
tests/integration/test_tokenizer_parity.py.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_src import tokenizer
from lambda_src.tokenizer import PURE, TokenizerSettings, Vocabulary, _split_contraction, normalize
from tests.benchmarks import baseline_tokenizer as frozen

COMPILED = tokenizer.COMPILED

# Characters the token pattern, normalisation and the contraction rules treat specially, in every script.
TRICKY = list("0123456789./'!?`_-<>&; aAzZnNtTsS") + [
    "n't", "'s", "can't", "won't", "ain't", "shan't", "&amp;", "&#39;", "<br />", "\u2019", "\u00b4", "\x92",
    "\u0663", "\u0664", "\u00b2", "\u00bd", "\u2167", "\ufb01", "\u00e9", "e\u0301", "\u0130", "\u00df",
    "\u00a0", "\u3000", "\u4e2d", "\U0001d7d8", "\U00010107", "\u0345",
]  # fmt: skip
# Any code point (lone surrogates too), or a mix of the tricky pieces above.
texts = st.text(st.characters(exclude_categories=())) | st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)
tokens = st.lists(st.sampled_from(["a", "b", "not", "10/10", "\u00e9t\u00e9", "\u4e2d", "x'y"]), max_size=12)


def test_make_install_built_the_compiled_tokeniser_and_the_tokeniser_uses_it() -> None:
    assert COMPILED is not None, "lambda_src/_fast_tokenizer is not built: run `make install`"
    assert tokenizer.IMPLEMENTATION == "compiled"
    assert COMPILED.TOKENIZER_VERSION == tokenizer.TOKENIZER_VERSION


@pytest.mark.fuzz
@given(texts)
def test_compiled_words_equal_the_pure_words_on_any_text(text: str) -> None:
    """The scanner equals the regular expression on raw text too, not only on normalised text."""
    for candidate in (text, normalize(text)):
        assert COMPILED.split_words(candidate, _split_contraction) == PURE.split_words(candidate, _split_contraction)


@pytest.mark.fuzz
@given(texts)
def test_the_tokeniser_gives_what_it_gave_before_it_was_optimised(text: str) -> None:
    assert normalize(text) == frozen.normalize(text)
    assert tokenizer.words(text) == frozen.words(text)
    assert tokenizer.analyze(text) == frozen.analyze(text)


@pytest.mark.fuzz
@given(tokens, st.integers(1, 5), st.integers(0, 4), st.sets(st.text(max_size=3), max_size=5))
def test_compiled_ngrams_and_lookups_equal_the_pure_ones(words: list[str], low: int, extra: int, noise) -> None:
    high = min(low + extra, 5)
    grams = PURE.ngrams(words, low, high)
    assert COMPILED.ngrams(words, low, high) == grams == frozen.ngrams(words, frozen.TokenizerSettings(low, high))
    assert COMPILED.ngrams(tuple(words), low, high) == grams
    index = {gram: position for position, gram in enumerate(dict.fromkeys(grams[::2] + sorted(noise)))}
    table = COMPILED.term_table(index)
    for binary in (True, False):
        expected = PURE.vector(words, index, low, high, binary)
        assert COMPILED.vector(words, table, low, high, binary) == expected
        assert COMPILED.vector(tuple(words), table, low, high, binary) == expected


@pytest.mark.fuzz
@given(st.lists(st.text(st.characters(exclude_categories=()), max_size=4), max_size=8), st.integers(1, 3),
       st.sets(st.text(st.characters(exclude_categories=()), max_size=9), max_size=8))  # fmt: skip
def test_compiled_vectors_equal_the_pure_ones_on_any_tokens_and_terms(words: list[str], low: int, noise) -> None:
    """Tokens and terms of any characters (spaces, empty strings, astral code points): the table's hash of an
    n-gram, computed from its tokens', must find exactly the terms the dict finds."""
    grams = PURE.ngrams(words, low, 3)
    index = {gram: position for position, gram in enumerate(dict.fromkeys(grams[1::2] + sorted(noise)))}
    assert COMPILED.vector(words, COMPILED.term_table(index), low, 3, False) == PURE.vector(words, index, low, 3, False)


def test_a_term_table_refuses_an_index_that_is_not_0_to_n() -> None:
    with pytest.raises(ValueError, match="0 .. len"):
        COMPILED.term_table({"a": 0, "b": 2})


def test_a_vocabulary_unpickled_in_another_process_rebuilds_its_term_table() -> None:
    """The compiled table is a C structure: a copy (a forkserver worker's, under another hash seed) rebuilds it."""
    vocabulary = Vocabulary(("good", "not good", "10/10"), TokenizerSettings())
    script = (
        "import pickle, sys; v = pickle.loads(sys.stdin.buffer.read()); "
        "print(v.vectorize('Not good: 10/10, good').indices)"
    )
    for seed in ("1", "2"):
        answer = subprocess.run([sys.executable, "-c", script], input=pickle.dumps(vocabulary), capture_output=True,
                                env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60, check=True)  # fmt: skip
        assert answer.stdout.decode().strip() == "[0, 1, 2]"


@pytest.mark.fuzz
@given(texts, st.booleans())
def test_vectors_equal_the_frozen_tokenisers(text: str, binary: bool) -> None:
    terms = tuple(dict.fromkeys(frozen.analyze(text)[::3] + ["not", "good", "10/10"]))
    expected = frozen.Vocabulary(terms, frozen.TokenizerSettings(1, 3, binary)).vectorize(text).to_json()
    assert Vocabulary(terms, TokenizerSettings(1, 3, binary)).vectorize(text).to_json() == expected
