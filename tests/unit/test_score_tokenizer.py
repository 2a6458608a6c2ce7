"""`make score` vectorises with the compiled tokeniser only when it gives the archive's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lambda_src import tokenizer
from lambda_src.tokenizer import TokenizerSettings, Vocabulary
from scoring.model_archive import LoadedModel, extract
from training.artifacts import model_archive_members, write_tar_gz

TERMS = ("good", "bad", "not good", "not bad at", "10/10", "caf\u00e9")
REVIEWS = ["Not good, not bad at all: 10/10", "Caf\u00e9 &amp; <br />good didn't", ""]


def loaded_model(folder: Path, settings: TokenizerSettings) -> LoadedModel:
    members = model_archive_members(Vocabulary(TERMS, settings), np.ones(len(TERMS)), {"intercept": 0.0,
                                    "model_version": "tiny"})  # fmt: skip
    write_tar_gz(folder / "model.tar.gz", members)
    return LoadedModel(extract(folder / "model.tar.gz", folder / "model"))


def test_the_compiled_tokeniser_vectorises_an_archive_of_its_version(tmp_path: Path) -> None:
    assert tokenizer.COMPILED is not None, "run `make install`"
    loaded = loaded_model(tmp_path, TokenizerSettings(binary=False))
    assert isinstance(loaded.vectorize.__self__, tokenizer.Vocabulary)  # this checkout's, not the archive's
    assert loaded.vectorize.__self__ is not loaded.vocabulary
    for text in REVIEWS:
        assert loaded.vectorize(text).to_json() == loaded.vocabulary.vectorize(text).to_json()


@pytest.mark.parametrize("version", ["0", tokenizer.TOKENIZER_VERSION + ".1"])
def test_an_archive_of_another_tokeniser_version_keeps_its_own_tokeniser(tmp_path: Path, version: str) -> None:
    loaded = loaded_model(tmp_path, TokenizerSettings(tokenizer_version=version))
    assert loaded.vectorize == loaded.vocabulary.vectorize
