"""Score a batch of review texts in a worker process with the archive's inference code.

Each worker loads the model once (``start_worker`` runs ``model_fn``), then answers batches the way the
endpoint answers the Lambda: the review is turned into a sparse vector by the vocabulary ``model_fn``
loaded (the archive's tokeniser, as the Lambda uses the same tokeniser), and the vectors go through
``input_fn`` -> ``predict_fn`` -> ``output_fn`` as one ``application/json`` request of at most
``MAX_INSTANCES`` reviews. A review with no word the model knows is refused, as the API refuses it
(``no_known_words``), instead of being given the model's bias as a score.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scripts.score.model_archive import LoadedModel

NO_KNOWN_WORDS = "no_known_words: the review has no word the model knows"
JSON = "application/json"

Outcome = dict[str, Any] | str  # a prediction (label, score, explanation?) or why there is none

_worker_model: LoadedModel | None = None


def start_worker(model_dir: str) -> None:
    """Process pool initializer: ``model_fn`` once per worker."""
    global _worker_model
    _worker_model = LoadedModel(Path(model_dir))


def score_in_worker(texts: list[str], explain: bool) -> tuple[str, list[Outcome]]:
    """What a pool task runs: the texts scored by this worker's model."""
    if _worker_model is None:
        raise RuntimeError("start_worker did not run in this process")
    return score_texts(_worker_model, texts, explain)


def score_texts(loaded: LoadedModel, texts: list[str], explain: bool) -> tuple[str, list[Outcome]]:
    """(model_version, one outcome per text in order)."""
    vocabulary = loaded.vocabulary
    vectors = [vocabulary.vectorize(text) for text in texts]
    outcomes: list[Outcome] = [NO_KNOWN_WORDS] * len(texts)
    known = [position for position, vector in enumerate(vectors) if vector.indices]
    model_version = loaded.model.model_version
    for start in range(0, len(known), loaded.max_instances):
        batch = known[start : start + loaded.max_instances]
        request = {
            "instances": [vectors[position].to_json() for position in batch],
            "vocabulary_version": vocabulary.version,
            "explain": explain,
        }
        answer = json.loads(loaded.invoke(json.dumps(request).encode("utf-8"), JSON, JSON))
        model_version = answer["model_version"]
        for position, prediction in zip(batch, answer["predictions"], strict=True):
            outcomes[position] = prediction
    return model_version, outcomes
