"""What the rollout stack tests share: real test reviews, each model's own scores, a model's Lambda zip.

Not a test module: the rollout tests import it (each test stays in its own file and needs no other to run).
"""

from __future__ import annotations

import json
import random
import tarfile
import time
from pathlib import Path

import numpy as np

from lambda_src.tokenizer import Vocabulary
from scripts.local_aws.traffic import Traffic
from scripts.package_lambda import main as package_main
from tests.conftest import load_inference
from training import artifacts

REVIEWS_PER_CLASS = 12
SEED = 11
SETTLE_TIMEOUT_SECONDS = 60
# Each client's wait between requests: back to back, four clients take both cores from the applies under test
# (scripts/local_aws/traffic.py); paced, they still send a request every few tens of milliseconds between them.
CLIENT_PAUSE_SECONDS = 0.1


def sample_reviews(imdb_folder: Path) -> list[str]:
    """Real reviews of the official test split, drawn with a fixed seed, half of each class."""
    rng = random.Random(SEED)
    reviews = []
    for sub in ("neg", "pos"):
        files = sorted((imdb_folder / "test" / sub).glob("*.txt"))
        reviews += [path.read_text(encoding="utf-8") for path in rng.sample(files, REVIEWS_PER_CLASS)]
    return reviews


def own_scores(model_tar: Path, reviews: list[str], work: Path) -> tuple[str, list[float]]:
    """(model_version, the score of each review) from the model's own inference.py, as its endpoint computes."""
    model_dir = work / "model"
    with tarfile.open(model_tar) as archive:
        archive.extractall(model_dir, filter="data")
    inference = load_inference(model_dir)
    model = inference.model_fn(str(model_dir))
    scores = []
    for review in reviews:
        response = inference.transform_fn(model, review, "text/plain", "application/json")
        scores.append(json.loads(response.get_data())["predictions"][0]["score"])
    return model.model_version, scores


def reordered_model(model_tar: Path, out: Path) -> Path:
    """The same model with its terms in reverse order (and its weights with them): out/model.tar.gz.

    Another vocabulary version and model version whose every prediction is the original's, in seconds instead
    of a training: index i names another term than in the original, so a vector built with one vocabulary and
    scored by the other model would be wrong nearly everywhere, not just near a few new terms.
    """
    with tarfile.open(model_tar) as archive:
        archive.extractall(out / "source", filter="data")
    source = out / "source"
    metadata = json.loads((source / "metadata.json").read_text(encoding="utf-8"))
    original = Vocabulary.load(source / "vocabulary.json")
    coef = np.load(source / "coef.npy", allow_pickle=False)[::-1]
    terms = tuple(reversed(original.terms))
    unversioned = Vocabulary(terms, original.settings)
    version = artifacts.model_version(unversioned.version, coef, metadata["intercept"])
    metadata |= {"model_version": version, "vocabulary_version": unversioned.version}
    return artifacts.write_model(out, Vocabulary(terms, original.settings, version), coef, metadata)


def lambda_zip(vocabulary: Path, output: Path, source: Path | None = None) -> Path:
    """The Lambda package for this vocabulary (and lambda_src copy), built by the project's packager."""
    arguments = ["--vocabulary", str(vocabulary), "--output", str(output)]
    if source is not None:
        arguments += ["--source", str(source)]
    assert package_main(arguments) == 0
    return output


def settle(traffic: Traffic) -> None:
    """Wait until every client has been answered for a request sent after now: the state just applied has served.

    Polled rather than a fixed sleep: as short as one request on a quiet machine, and still enough on a loaded one.
    """
    moment = time.monotonic()
    deadline = moment + SETTLE_TIMEOUT_SECONDS
    while {answer.client for answer in traffic.since(moment)} != set(range(traffic.clients)):
        assert time.monotonic() < deadline, f"not every client was answered within {SETTLE_TIMEOUT_SECONDS} s"
        time.sleep(0.05)
