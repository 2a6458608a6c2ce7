"""Stream records through the worker processes and write each outcome in input order.

Records are grouped into chunks of ``CHUNK_SIZE``; a few chunks per worker are in flight at a time
(``IN_FLIGHT_PER_WORKER``), so the run holds a bounded number of reviews whatever the input size.
Malformed records travel in their chunk too, so the errors file, like the output, follows input order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from scoring.parallel import ordered_map
from scoring.readers import Malformed, Record, Review
from scoring.scoring import score_in_worker, start_worker
from scoring.writers import ErrorsWriter, JsonLinesWriter

CHUNK_SIZE = 256
IN_FLIGHT_PER_WORKER = 4


class Progress(Protocol):
    def update(self, n: float = 1) -> object: ...

    def set_postfix(self, ordered_dict: object = None, refresh: bool = True, **kwargs: object) -> None: ...


class StrictStop(Exception):
    """``--strict``: the first malformed record stops the run."""

    def __init__(self, record: Malformed) -> None:
        super().__init__(record.describe())
        self.record = record


@dataclass(frozen=True)
class Chunk:
    """Consecutive records, sent to one worker together."""

    records: list[Record]

    @property
    def texts(self) -> list[str]:
        return [record.text for record in self.records if isinstance(record, Review)]

    @property
    def size(self) -> int:
        return sum(record.size for record in self.records)


@dataclass(frozen=True)
class Summary:
    scored: int
    malformed: int
    seconds: float
    model_version: str | None

    @property
    def reviews_per_second(self) -> float:
        return self.scored / self.seconds if self.seconds > 0 else 0.0


def chunked(records: Iterable[Record], size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield Chunk(batch)
            batch = []
    if batch:
        yield Chunk(batch)


def score_records(
    records: Iterable[Record],
    model_dir: Path,
    scores: JsonLinesWriter,
    errors: ErrorsWriter | None,
    workers: int,
    explain: bool,
    progress: Progress,
) -> Summary:
    """Score every review, write outcomes in order; ``errors`` None means strict (raise ``StrictStop``)."""
    started = time.perf_counter()
    model_version = None
    malformed = 0
    jobs = ((chunk, (chunk.texts, explain)) for chunk in chunked(records))
    results = ordered_map(
        score_in_worker, jobs, workers, start_worker, (str(model_dir),), workers * IN_FLIGHT_PER_WORKER
    )
    for chunk, (version, outcomes) in results:
        model_version = version
        answers = iter(outcomes)
        for record in chunk.records:
            if isinstance(record, Review):
                outcome = next(answers)
                if isinstance(outcome, dict):
                    scores.write({"id": record.id, **outcome})
                    continue
                record = Malformed(record.line, outcome, record.file, record.id, record.size)
            if errors is None:
                raise StrictStop(record)
            errors.write(record)
            malformed += 1
        progress.set_postfix(reviews=scores.count, malformed=malformed, refresh=False)
        progress.update(chunk.size)
    return Summary(scores.count, malformed, time.perf_counter() - started, model_version)
