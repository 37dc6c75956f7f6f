"""Running pure per-item work on every core: the same results, in the same order, as one process.

Workers are forked, so they start with everything the parent has loaded (compiled schemas,
dictionaries, templates) instead of loading it again. Small batches stay in the parent, where
starting processes would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_PROCESS = 50
"""Below this many items per process, forking costs more than it saves."""


def available_cores() -> int:
    """The cores this process may run on (a container's or CI runner's limit, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def map_in_processes(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> Iterator[Result]:
    """`(function(item) for item in items)`, spread over `jobs` processes when that pays; each
    result is handed on as soon as it is ready, in order, so the caller can let go of it before
    the next (10,000 results at once can weigh more than what they are made into).

    The workers inherit `function` and `items` when they are forked and are sent only positions,
    so neither is ever pickled (a file's bytes, a whole plan of pages). Consume the iterator to
    its end: that is what closes the pool.
    """
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_PROCESS)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    chunk = max(1, len(items) // (jobs * 8))
    # What exists now is shared with the workers; the collector must not touch it in them (that
    # would copy every page of it into each worker) nor keep scanning it in the parent.
    _INHERITED.append((function, items))
    gc.freeze()
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_call_inherited, range(len(items)), chunksize=chunk)
    finally:
        gc.unfreeze()
        _INHERITED.pop()


_INHERITED: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []
"""The work of the pool in progress, set before its workers fork."""


def _call_inherited(position: int) -> Any:
    function, items = _INHERITED[-1]
    return function(items[position])
