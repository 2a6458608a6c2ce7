"""Run tasks on worker processes with a bounded number in flight, and hand back results in input order.

``concurrent.futures``' own ``map`` submits every task before returning the first result, and
``multiprocessing.Pool.imap`` reads its input as fast as it can: either would hold a whole large input
in memory. Here at most ``in_flight`` tasks are submitted ahead of the oldest one still awaited, so
memory stays flat whatever the input size, while every worker stays busy.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")


def ordered_map(
    function: Callable[..., Any],
    jobs: Iterable[tuple[Item, tuple[Any, ...]]],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    in_flight: int,
) -> Iterator[tuple[Item, Any]]:
    """``(item, function(*args))`` for each ``(item, args)`` of ``jobs``, in order; each worker process
    runs ``initializer(*initargs)`` once first.

    With one worker everything runs in this process (no pool to start, easy to debug). Workers come
    from a ``forkserver``: forking this process, which may run threads (the progress bar's monitor),
    is not safe.
    """
    if workers == 1:
        initializer(*initargs)
        for item, args in jobs:
            yield item, function(*args)
        return
    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
    pending: deque[tuple[Item, Future]] = deque()
    try:
        for item, args in jobs:
            pending.append((item, pool.submit(function, *args)))
            if len(pending) >= in_flight:
                oldest, future = pending.popleft()
                yield oldest, future.result()
        while pending:
            oldest, future = pending.popleft()
            yield oldest, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
