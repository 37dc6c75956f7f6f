"""Running pure per-item work on every core: the same results, in the same order, as one process.

Workers are forked, so they start with everything the parent has loaded (compiled schemas,
dictionaries, templates) instead of loading it again. Small batches stay in the parent, where
starting processes would cost more than it saves.
"""

from __future__ import annotations

import functools
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


def in_background(function: Callable[..., Result], *args: Any, jobs: int) -> Callable[[], Result]:
    """Start `function(*args)` in a forked process, and return what waits for its result (or
    raises what it raised). For slow, independent work with a small answer, such as walking a
    folder, done while this process is busy on one core and the others are idle.

    With one job (the preview server, which must not fork beside its server's thread) or no
    fork, the work is done when its result is asked for.
    """
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return functools.partial(function, *args)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send_result, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()

    def result() -> Result:
        try:
            succeeded, value = receiver.recv()
        except EOFError:  # it died without a word (killed)
            succeeded, value = False, ChildProcessError(f"{getattr(function, '__name__', function)} ended early")
        finally:
            receiver.close()
            process.join()
        if not succeeded:
            raise value
        return value  # type: ignore[no-any-return]

    return functools.cache(result)


def _send_result(sender: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        answer = (True, function(*args))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        answer = (False, exc)
    sender.send(answer)
    sender.close()
