"""The one tokeniser: normalisation, contractions, n-grams, vectors and vocabulary identity."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_src.tokenizer import (
    TokenizerSettings,
    TooManyWordsError,
    Vocabulary,
    analyze,
    normalize,
    normalized_length_bound,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Great<br /><br />film", ["great", "film"]),
        ("Tom &amp; Jerry &quot;rocks&quot;", ["tom", "jerry", "rocks"]),
        ("CAFÉ Naïve ﬁlm", ["cafe", "naive", "film"]),  # accents and the fi ligature fold
        ("I didn't like it", ["i", "did", "not", "like", "it"]),
        ("It can't, it won't, it ain't", ["it", "can", "not", "it", "will", "not", "it", "is", "not"]),
        ("The film’s hero isn´t bad", ["the", "film", "hero", "is", "not", "bad"]),  # curly and acute apostrophes
        ("I'm sure you're right", ["i'm", "sure", "you're", "right"]),
        ("10/10, or 7.5/10!?", ["10/10", "or", "7.5/10", "!", "?"]),
        ("snake_case -- dashes ... dots", ["snake", "case", "dashes", "dots"]),
        ("", []),
        ("   <p></p>  ", []),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_normalize_strips_tags_and_lowercases() -> None:
    assert normalize("A<b>BOLD</b> move").split() == ["a", "bold", "move"]


def test_analyze_builds_ngrams_in_order() -> None:
    assert analyze("not bad at all", TokenizerSettings(1, 2)) == [
        "not", "bad", "at", "all", "not bad", "bad at", "at all",
    ]  # fmt: skip
    assert analyze("a b", TokenizerSettings(3, 3)) == []


def test_settings_reject_bad_ngram_range() -> None:
    with pytest.raises(ValueError, match="n-gram range"):
        TokenizerSettings(2, 1)


def make_vocabulary(binary: bool = True) -> Vocabulary:
    return Vocabulary(("bad", "good", "not", "not good", "very"), TokenizerSettings(1, 2, binary))


def test_vectorize_sorted_indices_binary_and_counts() -> None:
    text = "Not good. Not good at all, very very bad"
    binary = make_vocabulary(True).vectorize(text)
    assert binary.indices == [0, 1, 2, 3, 4]
    assert binary.values == [1.0] * 5
    counts = make_vocabulary(False).vectorize(text)
    assert counts.values == [1.0, 2.0, 2.0, 2.0, 2.0]


def test_vectorize_unknown_words_give_an_empty_vector() -> None:
    vector = make_vocabulary().vectorize("zzz qqq")
    assert vector.indices == [] and vector.values == []


def test_version_depends_on_terms_order_and_settings() -> None:
    base = make_vocabulary()
    assert base.version == make_vocabulary().version
    assert base.version != Vocabulary(tuple(reversed(base.terms)), base.settings).version
    assert base.version != make_vocabulary(binary=False).version


def test_save_and_load_round_trip(tmp_path) -> None:
    vocabulary = Vocabulary(("b", "a"), TokenizerSettings(), model_version="m1")
    path = tmp_path / "vocabulary.json"
    vocabulary.save(path)
    loaded = Vocabulary.load(path)
    assert loaded == vocabulary and loaded.version == vocabulary.version and loaded.model_version == "m1"


def test_load_rejects_a_file_whose_terms_were_edited(tmp_path) -> None:
    path = tmp_path / "vocabulary.json"
    make_vocabulary().save(path)
    data = json.loads(path.read_text())
    data["terms"][0] = "awful"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="corrupt"):
        Vocabulary.load(path)


def test_duplicate_terms_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        Vocabulary(("a", "a"), TokenizerSettings())


@pytest.mark.fuzz
@given(st.text(max_size=400))
def test_any_text_gives_a_valid_sparse_vector(text: str) -> None:
    vocabulary = make_vocabulary(binary=False)
    vector = vocabulary.vectorize(text)
    assert vector.indices == sorted(set(vector.indices))
    assert all(0 <= i < len(vocabulary) for i in vector.indices)
    assert all(v >= 1 for v in vector.values)
    assert all(" " not in w and w == w.casefold() for w in words(text))


@pytest.mark.fuzz
@given(st.text(st.characters(exclude_categories=()), max_size=60) | st.lists(st.sampled_from(
    ["\ufdfa", "&#xFDFA;", "&#65018", "&amp;", "<b>", "\u0345", "\u00b4", "ß", "İ", "ﬃ", "é", "\u0301", "x"]
)).map("".join))  # fmt: skip
def test_the_normalised_length_bound_is_never_below_the_real_length(text: str) -> None:
    """The Lambda and the endpoint refuse a review by this bound before tokenising: it must never be low."""
    assert normalized_length_bound(text) >= len(normalize(text))


@pytest.mark.parametrize(("text", "length"), [("plain ascii", 11), ("\ufdfa" * 3, 54), ("&#xFDFA;", 18)])
def test_the_normalised_length_bound_of_known_expansions(text: str, length: int) -> None:
    assert normalized_length_bound(text) == length


def test_vectorize_refuses_more_words_than_allowed_and_counts_as_analyze_does() -> None:
    vocabulary = make_vocabulary(binary=False)
    assert vocabulary.vectorize("good film " * 3, max_words=6) == vocabulary.vectorize("good film " * 3)
    with pytest.raises(TooManyWordsError, match="7 words; the limit is 6"):
        vocabulary.vectorize("good film " * 3 + "!", max_words=6)
