"""Score a batch of review texts in a worker process with the archive's inference code.

Each worker loads the model once (``start_worker`` runs ``model_fn``), then answers batches the way the
endpoint answers the Lambda: the review is turned into a sparse vector by the vocabulary ``model_fn``
loaded (the archive's tokeniser, as the Lambda uses the same tokeniser, or the compiled tokeniser when it
gives the same vectors: ``tokenizer_choice``), and batches of at most ``MAX_INSTANCES`` vectors are scored
by the archive's scoring step, called directly when the archive's code is this checkout's
(``request_path``), else sent to its ``transform_fn`` as one ``application/json`` request, halved while
its body is over the size ``inference.py`` accepts (``MAX_BODY_BYTES``, InvokeEndpoint's payload limit).
A review with no word the model knows is refused, as the API refuses it (``no_known_words``), instead of
being given the model's bias as a score, and so is one of more words than the API allows
(``review_too_long``, checked before its n-grams are built).

Nothing one review does stops the others: a review the tokeniser fails on, or a request the archive's
inference code refuses, becomes that review's reason (a refused request is halved until the reviews it
refuses are found), whatever the exception.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lambda_src.limits import MAX_REVIEW_WORDS
from scoring.model_archive import LoadedModel
from scoring.readers import exception_text

NO_KNOWN_WORDS = "no_known_words: the review has no word the model knows"
REFUSED = "refused by the model's inference code"
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
    vectors = [_vectorize(loaded, text) for text in texts]
    outcomes: list[Outcome] = [vector if isinstance(vector, str) else NO_KNOWN_WORDS for vector in vectors]
    known = [position for position, vector in enumerate(vectors) if not isinstance(vector, str) and vector.indices]
    for start in range(0, len(known), loaded.max_instances):
        batch = known[start : start + loaded.max_instances]
        outcomes_of_batch = _invoke(loaded, [(position, vectors[position]) for position in batch], explain)
        for position, outcome in outcomes_of_batch:
            outcomes[position] = outcome
    return loaded.model.model_version, outcomes


def _vectorize(loaded: LoadedModel, text: str) -> Any:
    """The review's sparse vector with the archive's tokeniser, or why there is none."""
    try:
        return loaded.vectorize(text, max_words=MAX_REVIEW_WORDS)
    except loaded.too_many_words as exc:
        return f"review_too_long: {exc}"
    except Exception as exc:  # noqa: BLE001 - this review's problem, not the run's
        return f"cannot be tokenised: {exception_text(exc)}"


class BodyTooLargeError(Exception):
    """The JSON request of one batch is over the size the archive's ``inference.py`` accepts."""


def _invoke(loaded: LoadedModel, batch: list[tuple[int, Any]], explain: bool) -> list[tuple[int, Outcome]]:
    """The predictions for ``batch`` (position, vector); a batch refused is halved until the reviews it refuses
    are found, and the others are scored."""
    try:
        predictions = _predictions(loaded, [vector for _, vector in batch], explain)
        return [(position, prediction) for (position, _), prediction in zip(batch, predictions, strict=True)]
    except Exception as exc:  # noqa: BLE001 - find the review(s) refused; score the others
        if len(batch) == 1:
            too_large = isinstance(exc, BodyTooLargeError)
            return [(batch[0][0], str(exc) if too_large else f"{REFUSED}: {exception_text(exc)}")]
        half = len(batch) // 2
        return _invoke(loaded, batch[:half], explain) + _invoke(loaded, batch[half:], explain)


def _predictions(loaded: LoadedModel, vectors: list[Any], explain: bool) -> list[dict[str, Any]]:
    """The archive's scoring step called directly (``request_path``), or one JSON request to its ``transform_fn``."""
    if loaded.score_vectors is not None:
        return loaded.score_vectors(vectors, explain)
    request = {
        "instances": [vector.to_json() for vector in vectors],
        "vocabulary_version": loaded.vocabulary.version,
        "explain": explain,
    }
    body = json.dumps(request).encode("utf-8")
    if loaded.max_body_bytes is not None and len(body) > loaded.max_body_bytes:
        raise BodyTooLargeError(f"review_too_long: its vector is over the endpoint's {loaded.max_body_bytes:,} bytes")
    return json.loads(loaded.invoke(body, JSON, JSON))["predictions"]
