"""Ordered, bounded parallel map over a stream: CPU work in worker processes, results in
input order, at most ``window`` items in flight so a stream of any length uses bounded memory.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Items handed to one worker call: large enough that pickling overhead is amortised,
# small enough that results keep flowing to the writer.
CHUNK_SIZE = 16
# Chunks in flight per worker: keeps every worker busy while the writer catches up.
CHUNKS_PER_WORKER = 4


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Worker initializer: exit when the parent process dies, however it dies.

    A parent killed with SIGKILL (or by the OOM killer) never shuts its pool down; without
    this its workers would block on the task queue forever, holding any pipe the parent's
    caller is reading. Linux delivers SIGKILL to us via prctl; elsewhere a daemon thread
    polls the parent pid.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watchfloor-parent-watch", daemon=True).start()


def _apply(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(item) for item in chunk]


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[R]:
    """``map(fn, items)`` across ``workers`` processes (in this process when workers <= 1).

    ``fn`` must be picklable (a module-level function or a functools.partial of one).
    Worker processes are forked: they start instantly and share the parent's loaded modules.
    """
    if workers <= 1:
        yield from map(fn, items)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        pending: deque[Future[list[R]]] = deque()
        chunk: list[T] = []
        limit = workers * CHUNKS_PER_WORKER
        for item in items:
            chunk.append(item)
            if len(chunk) >= chunk_size:
                pending.append(pool.submit(_apply, fn, chunk))
                chunk = []
                while len(pending) >= limit:
                    yield from pending.popleft().result()
        if chunk:
            pending.append(pool.submit(_apply, fn, chunk))
        while pending:
            yield from pending.popleft().result()
