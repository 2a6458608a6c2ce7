"""Hypothesis strategies shared by the property tests: text with lone surrogates, reviews at and over
the limits, JSON values with NaN and huge numbers, and ``mostly`` for skewing a choice."""

from __future__ import annotations

from hypothesis import strategies as st


def mostly(common: st.SearchStrategy, rare: st.SearchStrategy, one_in: int = 5) -> st.SearchStrategy:
    """``rare`` about once in ``one_in`` draws. Hypothesis favours first choices and boundary values, so
    a plain one_of or a 0-or-not test would spend most examples on the rare branch."""
    return st.integers(0, one_in - 1).flatmap(lambda i: rare if i == one_in // 2 else common)


ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)  # lone surrogates included
WORDS = st.sampled_from(["good", "wonderful", "awful", "boring", "film", "acting", "loved", "it's", "didn't", "I"])
TRICKY = st.sampled_from(["\ufdfa", "&#xFDFA;", "\u0301", "&amp;", "<br />", "\ud800", "\x00", "é", "ﬃ", "’", "10/10"])
REVIEWS = st.one_of(
    st.lists(st.one_of(WORDS, TRICKY, ANY_TEXT), max_size=12).map(" ".join),
    # at and just over the limits (built by map, so hypothesis's statistics do not print 20,000 characters)
    st.sampled_from(
        [
            ("\ufdfa", 1_111),
            ("\ufdfa", 1_112),
            ("g", 20_000),
            ("g", 20_001),
            ("good ", 3_999),
            ("! ", 5_000),
            ("! ", 5_001),
        ]
    ).map(lambda part_count: part_count[0] * part_count[1]),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300), st.floats(), REVIEWS, ANY_TEXT
)
KEYS = st.sampled_from(["review", "reviews", "explain"]) | ANY_TEXT
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=10
)
