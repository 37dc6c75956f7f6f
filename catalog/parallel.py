"""Running pure per-item work on every core: the same results, in the same order, as one process.

Workers are forked, so they start with everything the parent has loaded (compiled schemas,
dictionaries, templates) instead of loading it again. Small batches stay in the parent, where
starting processes would cost more than it saves.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import pickle
import signal
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Generic, Iterator, Sequence, TypeVar

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


def map_in_processes(
    function: Callable[[Item], Result], items: Sequence[Item], jobs: int, *, weight: int | None = None
) -> Iterator[Result]:
    """`(function(item) for item in items)`, spread over `jobs` processes when that pays; each
    result is handed on as soon as it is ready, in order, so the caller can let go of it before
    the next (10,000 results at once can weigh more than what they are made into).

    The workers inherit `function` and `items` when they are forked and are sent only positions,
    so neither is ever pickled (a file's bytes, a whole plan of pages). Consume the iterator to
    its end: that is what closes the pool. `weight` is how many units of work the items hold
    together, when an item holds several (a shard of files): the number of processes follows it.
    """
    jobs = min(jobs, (len(items) if weight is None else weight) // MIN_ITEMS_PER_PROCESS, len(items))
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


class Background(Generic[Result]):
    """`function(*args)` running in a forked process (see `in_background`); its result is asked
    for once, and a `with` block makes sure the process is gone when the block is left, however
    it is left (an error in the content, an exception, Ctrl+C)."""

    def __init__(self, function: Callable[..., Result], args: tuple[Any, ...], jobs: int) -> None:
        self._work = functools.partial(function, *args)
        self._pid = 0
        self._answer = -1
        if jobs > 1 and hasattr(os, "fork"):
            answer, answering = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: answer, and leave without running anything of the parent's
                try:
                    os.close(answer)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C ends it quietly,
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as does a parent leaving early
                    with open(answering, "wb") as out:  # noqa: PTH123 - a descriptor, not a path
                        pickle.dump(self._work(), out, protocol=pickle.HIGHEST_PROTOCOL)
                finally:
                    os._exit(0)  # a failure shows as no answer: the parent then does the work itself
            os.close(answering)
            self._pid, self._answer = pid, answer

    def result(self) -> Result:
        """What the function returned; done here when the process gave no answer (it failed or
        was killed), so a failure surfaces as it would without a background process."""
        if not self._pid:
            return self._work()
        chunks = []
        descriptor, self._answer = self._answer, -1
        with open(descriptor, "rb") as answer:  # noqa: PTH123 - a descriptor, not a path
            while chunk := answer.read(1 << 20):
                chunks.append(chunk)
        self._reap()
        try:
            return pickle.loads(b"".join(chunks))  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - no answer, or half of one
            return self._work()

    def _reap(self) -> None:
        pid, self._pid = self._pid, 0
        if pid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def __enter__(self) -> Background[Result]:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pid:  # left before asking: stop the process, which may be waiting to answer
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            self._reap()
        if self._answer >= 0:
            os.close(self._answer)
            self._answer = -1


def in_background(function: Callable[..., Result], *args: Any, jobs: int) -> Background[Result]:
    """Start `function(*args)` in a forked process, for slow, independent work with a small answer
    (walking a folder), done while this process is busy on one core and the others would be idle.
    Use it in a `with` block and ask for `.result()` once.

    With one job (the preview server, which must not fork beside its server's thread) or no
    fork, the work is done when its result is asked for.
    """
    return Background(function, args, jobs)
