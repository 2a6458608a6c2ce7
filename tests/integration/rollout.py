"""What the rollout stack tests share: real test reviews, each model's own scores, a model's Lambda zip.

Not a test module: the rollout tests import it (each test stays in its own file and needs no other to run).
"""

from __future__ import annotations

import json
import random
import tarfile
import time
from pathlib import Path

from scripts.local_aws.traffic import Traffic
from scripts.package_lambda import main as package_main
from tests.conftest import load_inference

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
