"""FROZEN: lambda_src/tokenizer.py as it was before it was optimised (commit 81fef9e), the baseline of `make bench`.

A benchmark reference only: nothing outside tests/ imports it. `make bench` prints the current
tokeniser's speed as a ratio to this one, and the parity tests check that the current tokeniser gives
exactly its output. Never edit it; its own docstring follows.

The one tokeniser: review text -> tokens -> n-grams -> sparse vector.

Training (as the ``analyzer`` of scikit-learn's ``CountVectorizer``), the endpoint's
``inference.py`` and the Lambda handler all import this module, so a text becomes the
same vector everywhere. It uses the standard library only because the Lambda package
must stay small and start fast. Any change to what it produces must bump
``TOKENIZER_VERSION``: the version is part of the vocabulary's identity, so a model and a
Lambda built with different tokenisers refuse to talk instead of answering wrongly.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

TOKENIZER_VERSION = "1"

_TAG = re.compile(r"<[^>]{0,200}>")
# Reviews use typographic and Windows-1252 stand-ins for quotes and dashes.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'", "\x92": "'", "\x91": "'"})
# A rating such as 10/10 or 7.5/10, a word (letters or digits, with inner apostrophes), or ! and ?.
_TOKEN = re.compile(r"\d+(?:\.\d+)?/\d+|[^\W_]+(?:'[^\W_]+)*|[!?]")
# Irregular negated contractions; the regular ones ("don't", "isn't") split at "n't".
_IRREGULAR_NEGATIONS = {
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
}


@dataclass(frozen=True)
class TokenizerSettings:
    """How tokens become features; stored with the vocabulary so every reader agrees."""

    ngram_min: int = 1
    ngram_max: int = 3
    binary: bool = True
    tokenizer_version: str = TOKENIZER_VERSION

    def __post_init__(self) -> None:
        if not 1 <= self.ngram_min <= self.ngram_max <= 5:
            raise ValueError(f"n-gram range must satisfy 1 <= min <= max <= 5, got {self.ngram_min}..{self.ngram_max}")


def normalize(text: str) -> str:
    """Strip HTML tags and entities, fold Unicode compatibility forms and accents, lower-case.

    IMDB reviews contain ``<br />`` and entities; users paste curly quotes and accented names.
    """
    text = _TAG.sub(" ", html.unescape(text)).translate(_APOSTROPHES)
    if not text.isascii():  # NFKD and accent removal are the identity on ASCII, the common case
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold()


def normalized_length_bound(text: str) -> int:
    """An upper bound of ``len(normalize(text))`` that costs little more than reading ``text``.

    NFKD can expand a character up to 18-fold (U+FDFA) and entities such as ``&#xFDFA;`` feed
    it, so a review within the character limit can become ten times longer before it is
    tokenised. Callers check this bound against their limit before tokenising; it uses only
    the C-speed steps of ``normalize`` (unescape, NFKD, casefold) and skips the per-character
    accent filter, which only shortens the text.
    """
    if text.isascii() and "&" not in text:
        return len(text)  # tag removal and ASCII case folding never lengthen it
    return len(unicodedata.normalize("NFKD", html.unescape(text)).casefold())


def _split_contraction(word: str) -> Iterable[str]:
    """Keep negations as the word "not" and drop possessive "'s"; keep "i'm", "you're" whole."""
    if word in _IRREGULAR_NEGATIONS:
        return _IRREGULAR_NEGATIONS[word]
    if word.endswith("n't") and len(word) > 3:
        return (word[:-3], "not")
    if word.endswith("'s"):
        return (word[:-2],)
    return (word,)


def words(text: str) -> list[str]:
    """Split a review into normalised word tokens (the unigrams)."""
    out: list[str] = []
    for word in _TOKEN.findall(normalize(text)):
        if "'" in word:  # only contractions need splitting; the fast path keeps the Lambda's budget
            out.extend(part for part in _split_contraction(word) if part)
        else:
            out.append(word)
    return out


DEFAULT_SETTINGS = TokenizerSettings()


class TooManyWordsError(ValueError):
    """A text with more words than the caller allows; raised before its n-grams are built."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"{count} words; the limit is {limit}")
        self.count = count
        self.limit = limit


def analyze(text: str, settings: TokenizerSettings = DEFAULT_SETTINGS) -> list[str]:
    """All n-grams of a text in order, n from ``ngram_min`` to ``ngram_max``, joined by spaces."""
    return ngrams(words(text), settings)


def ngrams(tokens: Sequence[str], settings: TokenizerSettings = DEFAULT_SETTINGS) -> list[str]:
    """The n-grams of a token list, as ``analyze`` returns them."""
    grams: list[str] = []
    for n in range(settings.ngram_min, settings.ngram_max + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


@dataclass(frozen=True)
class SparseVector:
    """A bag-of-words vector: strictly increasing indices and their values."""

    indices: list[int]
    values: list[float]

    def to_json(self) -> dict[str, list]:
        return {"indices": self.indices, "values": self.values}


@dataclass(frozen=True)
class Vocabulary:
    """The model's terms in feature order, with the settings that produced them.

    ``version`` identifies terms and settings together; the Lambda sends it with every
    request and the endpoint refuses vectors built with another one.
    """

    terms: tuple[str, ...]
    settings: TokenizerSettings
    model_version: str = ""
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    version: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", dict(zip(self.terms, range(len(self.terms)), strict=True)))
        if len(self.index) != len(self.terms):
            raise ValueError("vocabulary terms must be unique")
        object.__setattr__(self, "version", vocabulary_version(self.terms, self.settings))

    def __len__(self) -> int:
        return len(self.terms)

    def vectorize(self, text: str, max_words: int | None = None) -> SparseVector:
        """The sparse vector of ``text``; unknown n-grams are dropped.

        With ``max_words``, a text with more words raises ``TooManyWordsError`` before any n-gram
        is built: n-grams and lookups are most of the cost, and "! ! ! ..." has a word every two
        characters where real reviews have one every five or six.
        """
        tokens = words(text)
        if max_words is not None and len(tokens) > max_words:
            raise TooManyWordsError(len(tokens), max_words)
        counts: dict[int, int] = {}
        index = self.index
        for gram in ngrams(tokens, self.settings):
            i = index.get(gram)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        indices = sorted(counts)
        if self.settings.binary:
            return SparseVector(indices, [1.0] * len(indices))
        return SparseVector(indices, [float(counts[i]) for i in indices])

    def to_dict(self) -> dict:
        return {
            "format": 1,
            "vocabulary_version": self.version,
            "model_version": self.model_version,
            "tokenizer": asdict(self.settings),
            "terms": list(self.terms),
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: Mapping) -> Vocabulary:
        vocabulary = cls(tuple(data["terms"]), TokenizerSettings(**data["tokenizer"]), data.get("model_version", ""))
        if data.get("vocabulary_version") not in (None, vocabulary.version):
            raise ValueError("vocabulary file is corrupt: its terms do not match its vocabulary_version")
        return vocabulary

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def vocabulary_version(terms: Sequence[str], settings: TokenizerSettings) -> str:
    """A short content hash of the settings and the ordered terms."""
    digest = hashlib.sha256(json.dumps(asdict(settings), sort_keys=True).encode())
    digest.update("".join(term + "\n" for term in terms).encode("utf-8"))
    return digest.hexdigest()[:16]
