"""The one tokeniser: review text -> tokens -> n-grams -> sparse vector.

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
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace

TOKENIZER_VERSION = "1"

_TAG = re.compile(r"<[^>]{0,200}>")
# Reviews use typographic and Windows-1252 stand-ins for quotes and dashes.
_APOSTROPHES = ("\u2019", "\u2018", "\u00b4", "`", "\x92", "\x91")
# Runs of non-ASCII characters: the only places a combining mark can be.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A rating such as 10/10 or 7.5/10, a word (letters or digits, with inner apostrophes), or ! and ?.
_TOKEN = re.compile(r"\d+(?:\.\d+)?/\d+|[^\W_]+(?:'[^\W_]+)*|[!?]")
# The same pattern for ASCII text, where ASCII and Unicode classes agree and ASCII ones are faster.
_TOKEN_ASCII = re.compile(_TOKEN.pattern, re.ASCII)
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
    Nine reviews in ten are ASCII after unescaping: there NFKD and accent removal are the identity,
    "`" is the only apostrophe stand-in and ``lower`` is ``casefold``, so only C-speed string
    methods run. Otherwise each stand-in and each combining mark the text holds is replaced by one
    ``str.replace`` (a C loop over the text), not by ``str.translate`` with a dict, which looks every
    character of a non-ASCII text up in Python (about 100 µs for a review of 1,300 characters, where
    the whole ASCII path costs 3 µs); the marks are searched for only among its non-ASCII characters.
    """
    text = _TAG.sub(" ", html.unescape(text))
    if text.isascii():
        return text.replace("`", "'").lower()
    for stand_in in _APOSTROPHES:
        text = text.replace(stand_in, "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        for mark in {ch for ch in "".join(_NON_ASCII.findall(text)) if unicodedata.combining(ch)}:
            text = text.replace(mark, "")
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


def _pure_split_words(text: str, split_contraction: Callable[[str], Iterable[str]]) -> list[str]:
    """The word tokens of a normalised text: the regular expression, then contractions split."""
    tokens = (_TOKEN_ASCII if text.isascii() else _TOKEN).findall(text)
    if "'" not in text:  # no contraction to split: most of a review's tokens, all of some reviews'
        return tokens
    out: list[str] = []
    for word in tokens:
        if "'" in word:
            out.extend(part for part in split_contraction(word) if part)
        else:
            out.append(word)
    return out


def _pure_ngrams(tokens: Sequence[str], ngram_min: int, ngram_max: int) -> list[str]:
    """All 1-grams, then all 2-grams, ...: ``zip`` of shifted token lists and ``str.join`` build them in C."""
    grams: list[str] = []
    for n in range(ngram_min, ngram_max + 1):
        grams.extend(tokens if n == 1 else map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False)))
    return grams


def _pure_vector(
    tokens: Sequence[str], index: dict[str, int], ngram_min: int, ngram_max: int, binary: bool
) -> tuple[list[int], list[float]]:
    """The sparse vector of a token list: strictly increasing indices of the n-grams ``index`` holds and
    their counts (1.0 each if ``binary``); unknown n-grams are dropped."""
    known = map(index.get, _pure_ngrams(tokens, ngram_min, ngram_max))
    if binary:
        present = set(known)
        present.discard(None)
        indices = sorted(present)
        return indices, [1.0] * len(indices)
    counts = Counter(known)
    counts.pop(None, None)
    indices = sorted(counts)
    return indices, [float(counts[i]) for i in indices]


def _pure_term_table(index: dict[str, int]) -> dict[str, int]:
    """The pure module's term table is the index itself: in Python a dict look-up is already the cheapest."""
    return index


# The reference implementation: what the Lambda and the endpoint run, and what the compiled one must equal.
PURE = SimpleNamespace(
    split_words=_pure_split_words, ngrams=_pure_ngrams, vector=_pure_vector, term_table=_pure_term_table
)


def _compiled() -> ModuleType | None:
    """The compiled scanner (``_fast_tokenizer.pyx``, built by ``make install``) if it is built for this version.

    Only ``.py`` files go into the Lambda zip and the model archive, so the Lambda and the endpoint
    run the pure functions above; training and ``make score`` run the compiled ones, which give the
    same output (tests/unit/test_tokenizer_compiled.py, tests/integration/test_tokenizer_parity.py).
    """
    try:
        from lambda_src import _fast_tokenizer
    except ImportError:
        return None
    return _fast_tokenizer if _fast_tokenizer.TOKENIZER_VERSION == TOKENIZER_VERSION else None


COMPILED = _compiled()
IMPLEMENTATION = "compiled" if COMPILED else "pure"
_BACKEND = COMPILED or PURE


def words(text: str) -> list[str]:
    """Split a review into normalised word tokens (the unigrams)."""
    return _BACKEND.split_words(normalize(text), _split_contraction)


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
    return _BACKEND.ngrams(tokens, settings.ngram_min, settings.ngram_max)


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
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    version: str = field(init=False, repr=False, compare=False)
    backend: ModuleType | SimpleNamespace = field(init=False, repr=False, compare=False)
    term_table: object = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", dict(zip(self.terms, range(len(self.terms)), strict=True)))
        if len(self.index) != len(self.terms):
            raise ValueError("vocabulary terms must be unique")
        object.__setattr__(self, "version", vocabulary_version(self.terms, self.settings))
        # The backend that builds the table looks terms up in it (the compiled one's is a C table).
        object.__setattr__(self, "backend", _BACKEND)
        object.__setattr__(self, "term_table", _BACKEND.term_table(self.index))

    def __len__(self) -> int:
        return len(self.terms)

    def __reduce__(self) -> tuple:
        """Pickled as its terms and settings: the compiled ``term_table`` is a C structure, which the copy
        (in a forkserver worker, say) rebuilds."""
        return (type(self), (self.terms, self.settings, self.model_version))

    def vectorize(self, text: str, max_words: int | None = None) -> SparseVector:
        """The sparse vector of ``text``; unknown n-grams are dropped.

        With ``max_words``, a text with more words raises ``TooManyWordsError`` before any n-gram
        is built: n-grams and lookups are most of the cost, and "! ! ! ..." has a word every two
        characters where real reviews have one every five or six.
        """
        tokens = words(text)
        if max_words is not None and len(tokens) > max_words:
            raise TooManyWordsError(len(tokens), max_words)
        settings = self.settings
        indices, values = self.backend.vector(
            tokens, self.term_table, settings.ngram_min, settings.ngram_max, settings.binary
        )
        return SparseVector(indices, values)

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
