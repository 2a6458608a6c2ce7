"""Which tokeniser `make score` runs: the compiled one of this checkout when it gives the archive's vectors.

The archive's own ``lambda_src/tokenizer.py`` is the endpoint's and runs as pure Python (the model
archive carries no compiled code). This checkout's tokeniser, compiled by ``make install``, gives the
same words, n-grams and vectors for the same ``TOKENIZER_VERSION`` (proven on every IMDB review by
tests/integration/test_tokenizer_parity.py and on arbitrary text by tests/unit/test_tokenizer_compiled.py)
at several times the speed, so it is chosen when the archive's vocabulary was built with that version
and rebuilding the vocabulary here gives the archive's vocabulary version; otherwise the archive's is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from lambda_src import tokenizer


def choose_vectorize(vocabulary: Any) -> Callable[[str], Any]:
    """``vocabulary.vectorize`` (the archive's tokeniser), or the compiled tokeniser's over the same terms."""
    settings = vocabulary.settings
    if tokenizer.COMPILED is None or settings.tokenizer_version != tokenizer.TOKENIZER_VERSION:
        return vocabulary.vectorize
    own = tokenizer.Vocabulary(
        tuple(vocabulary.terms), tokenizer.TokenizerSettings(**asdict(settings)), vocabulary.model_version
    )
    return own.vectorize if own.version == vocabulary.version else vocabulary.vectorize
