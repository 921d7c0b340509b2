"""Every core inside one op: a batch's chunks run in threads, one BLAS thread each, in a fixed order.

NumPy releases the GIL in its kernels (matrix products, copies, element-wise loops), so threads that each
take their own run of a batch's chunks work at the same time. `run_blocks` splits a list of chunks into
one contiguous block per thread; each block's results land in arrays of its own (the caller's output
rows, its own partial sums), so what an op returns does not depend on how many threads ran it.

Threads are not always a gain: ``convscope.nn.parallel`` already runs a batch's shards at once (in worker
processes, or threads), and a shard starting more threads per op would only fight for the same cores.
Code that already fills the cores wraps its work in `single_threaded` (also a decorator): every op it
calls then runs on the calling thread alone. The pool's own workers always do.

While several threads run, NumPy's BLAS is held to one thread (and given back its count after), because
its own threads would compete with ours for the same cores.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")

_STATE = threading.local()  # .single: whether ops on this thread must not start threads
_LOCK = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []  # created on first use, one for the process
_BLAS: list[Any] = []  # threadpoolctl's BLAS controllers, found on first use
if hasattr(os, "register_at_fork"):
    # A forked child has none of the parent's threads: it must start a pool of its own, not wait on one.
    os.register_at_fork(after_in_child=_POOL.clear)


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one).

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


@contextmanager
def single_threaded() -> Iterator[None]:
    """Within it (or a function it decorates), ops called on this thread start no threads of their own.

    Examples
    --------
    >>> with single_threaded():
    ...     op_threads(8)
    1
    """
    before = getattr(_STATE, "single", False)
    _STATE.single = True
    try:
        yield
    finally:
        _STATE.single = before


def op_threads(parts: int) -> int:
    """How many threads an op with ``parts`` independent chunks runs on, here and now.

    Examples
    --------
    >>> op_threads(1)  # one chunk: the calling thread alone
    1
    """
    if getattr(_STATE, "single", False):
        return 1
    return max(1, min(parts, available_cores()))


def run_blocks(items: Sequence[Item], work: Callable[[Sequence[Item], int], None]) -> None:
    """Call ``work(block, index)`` on contiguous blocks of ``items``, one per thread (`op_threads`).

    Block 0 runs on the calling thread, the others on the pool; this returns when all are done (an
    error in any is raised here). ``work`` must write only what its own block owns.

    Examples
    --------
    >>> seen = [0] * 6
    >>> def square(block, index):
    ...     for i in block:
    ...         seen[i] = i * i
    >>> run_blocks(range(6), square)
    >>> seen
    [0, 1, 4, 9, 16, 25]
    """
    threads = op_threads(len(items))
    if threads == 1:
        work(items, 0)
        return
    n = len(items)
    blocks = [items[n * i // threads : n * (i + 1) // threads] for i in range(threads)]
    with _one_blas_thread():
        pool = _pool()
        futures = [pool.submit(_alone, work, block, i) for i, block in enumerate(blocks) if i > 0]
        try:
            _alone(work, blocks[0], 0)
        finally:
            wait(futures)  # every block has stopped writing before anything is returned or raised
        for future in futures:
            future.result()


def _alone(work: Callable[[Sequence[Item], int], None], block: Sequence[Item], index: int) -> None:
    """``work(block, index)`` with `single_threaded` on: a block never splits again."""
    with single_threaded():
        work(block, index)


def _pool() -> ThreadPoolExecutor:
    """The process's worker threads (one fewer than the cores: the calling thread works too)."""
    with _LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max(1, available_cores() - 1), "convscope-op"))
        return _POOL[0]


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """NumPy's BLAS on one thread while the block runs; its previous counts restored after."""
    with _LOCK:
        if not _BLAS:
            from threadpoolctl import ThreadpoolController  # ~7 ms to find the libraries: once

            _BLAS.append(ThreadpoolController().select(user_api="blas").lib_controllers)
    libraries = _BLAS[0]
    before = [library.get_num_threads() for library in libraries]
    for library, count in zip(libraries, before, strict=True):
        if count != 1:
            library.set_num_threads(1)
    try:
        yield
    finally:
        for library, count in zip(libraries, before, strict=True):
            if count != 1:
                library.set_num_threads(count)
