"""Score a batch of review texts in a worker process with the archive's inference code.

Each worker loads the model once (``start_worker`` runs ``model_fn``), then answers batches the way the
endpoint answers the Lambda: the review is turned into a sparse vector by the vocabulary ``model_fn``
loaded (the archive's tokeniser, as the Lambda uses the same tokeniser, or the compiled tokeniser when it
gives the same vectors: ``tokenizer_choice``), and the vectors go through
``input_fn`` -> ``predict_fn`` -> ``output_fn`` as one ``application/json`` request of at most
``MAX_INSTANCES`` reviews, halved while its body is over the size ``inference.py`` accepts
(``MAX_BODY_BYTES``, InvokeEndpoint's payload limit). A review with no word the model knows is refused,
as the API refuses it (``no_known_words``), instead of being given the model's bias as a score.
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
    vectors = [loaded.vectorize(text) for text in texts]
    outcomes: list[Outcome] = [NO_KNOWN_WORDS] * len(texts)
    known = [position for position, vector in enumerate(vectors) if vector.indices]
    for start in range(0, len(known), loaded.max_instances):
        batch = known[start : start + loaded.max_instances]
        outcomes_of_batch = _invoke(loaded, [(position, vectors[position]) for position in batch], explain)
        for position, outcome in outcomes_of_batch:
            outcomes[position] = outcome
    return loaded.model.model_version, outcomes


def _invoke(loaded: LoadedModel, batch: list[tuple[int, Any]], explain: bool) -> list[tuple[int, Outcome]]:
    """One request for ``batch`` (position, vector); halved while its body is over the endpoint's size limit."""
    request = {
        "instances": [vector.to_json() for _, vector in batch],
        "vocabulary_version": loaded.vocabulary.version,
        "explain": explain,
    }
    body = json.dumps(request).encode("utf-8")
    if loaded.max_body_bytes is not None and len(body) > loaded.max_body_bytes:
        if len(batch) == 1:
            return [
                (batch[0][0], f"review_too_long: its vector is over the endpoint's {loaded.max_body_bytes:,} bytes")
            ]
        half = len(batch) // 2
        return _invoke(loaded, batch[:half], explain) + _invoke(loaded, batch[half:], explain)
    answer = json.loads(loaded.invoke(body, JSON, JSON))
    return [(position, prediction) for (position, _), prediction in zip(batch, answer["predictions"], strict=True)]
