"""Every core inside one op: a batch's chunks run in threads, one BLAS thread each, in a fixed order.

NumPy releases the GIL in its kernels (matrix products, copies, element-wise loops), so threads that each
take their own run of a batch's chunks work at the same time. `run_blocks` splits a list of chunks into
one contiguous block per thread; each block's results land in arrays of its own (the caller's output
rows, its own partial sums), so what an op returns does not depend on how many threads ran it.

Threads are not always a gain: ``convscope.nn.parallel`` already runs a batch's shards at once (in worker
processes, or threads), and a shard starting more threads per op would only fight for the same cores.
Code that already fills the cores wraps its work in `single_threaded` (also a decorator): every op it
calls then runs on the calling thread alone. The pool's own workers always do.

While the blocks run, NumPy's BLAS is held to one thread (and given back its count after), because
its own threads would compete with ours for the same cores (`convscope._blas`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, TypeVar

from convscope._blas import blas_on_one_thread
from convscope._thread_flag import switched_on

if TYPE_CHECKING:
    from convscope._thread_flag import Switch

Item = TypeVar("Item")
# A block handed to a worker: the work, its block and index, and the queue its outcome goes back on.
Task = tuple[Callable[[Any, int], None], Sequence[Any], int, "SimpleQueue[BaseException | None]"]

_STATE = threading.local()  # .single: whether ops on this thread must not start threads
_LOCK = threading.Lock()
_INBOX: list[SimpleQueue[Task]] = []  # the workers' shared queue of blocks, made with them on first use
_CORES: list[float] = [1, -1.0]  # `available_cores`: the count, and when it was read (time.monotonic)
_CORES_FOR = 1.0  # seconds
if hasattr(os, "register_at_fork"):
    # A forked child has none of the parent's threads: it must start workers of its own, not wait on them.
    os.register_at_fork(after_in_child=_INBOX.clear)


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one), read again each second.

    Every op asks, some several times: the system call took ~4.6 us among a LeNet step's ops, 7 a step
    (benchmarks/RESULTS_perf.md #182), where a change of the mask is rare and may take a second to see.

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    now = time.monotonic()
    if now - _CORES[1] > _CORES_FOR:
        try:
            count = len(os.sched_getaffinity(0))
        except AttributeError:  # macOS, Windows
            count = os.cpu_count() or 1
        _CORES[:] = [count, now]  # one assignment: another thread reads a whole pair
    return int(_CORES[0])


def single_threaded() -> Switch:
    """Within it (or a function it decorates), ops called on this thread start no threads of their own.

    Examples
    --------
    >>> with single_threaded():
    ...     op_threads(8)
    1
    """
    return switched_on(_STATE, "single")  # one generator, not two: entered on every op's blocks


def op_threads(parts: int) -> int:
    """How many threads an op with ``parts`` independent chunks runs on, here and now.

    Examples
    --------
    >>> op_threads(1)  # one chunk: the calling thread alone
    1
    """
    if parts <= 1 or getattr(_STATE, "single", False):  # one part: no need to ask the OS for the cores
        return 1
    return min(parts, available_cores())


# Elementwise work on at least this many values (a pool's maxima or its backward, ReLU's backward) runs
# in two halves, one per thread on two cores: at LeNet's pool1 of batch 256 (1.2 M values) 1.3-1.5x
# faster; at 0.3-0.4 M the hand-off cost more than the halves saved (benchmarks/RESULTS_perf.md #119-120).
SPLIT_FROM = 2**20


def halves(length: int, values: int) -> list[slice]:
    """Runs of ``range(length)`` for `run_blocks`: two halves once ``values`` reaches `SPLIT_FROM`, else one.

    ``values`` is the size of the work, ``length`` the axis it splits along. The split depends on sizes
    alone, so work whose every output reads only its own inputs gives the same bits either way.

    Examples
    --------
    >>> halves(10, 100), halves(10, SPLIT_FROM)
    ([slice(0, 10, None)], [slice(0, 5, None), slice(5, 10, None)])
    """
    parts = min(2, length) if values >= SPLIT_FROM else 1
    return [slice(length * i // parts, length * (i + 1) // parts) for i in range(parts)]


def run_blocks(items: Sequence[Item], work: Callable[[Sequence[Item], int], None]) -> None:
    """Call ``work(block, index)`` on contiguous blocks of ``items``, one per thread (`op_threads`).

    Block 0 runs on the calling thread, the others on the pool; this returns when all are done (an
    error in any is raised here). ``work`` must write only what its own block owns. BLAS runs on one
    thread throughout, even for one block: its threads would spin on after it (`convscope._blas`).

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
        with blas_on_one_thread():
            work(items, 0)
        return
    n = len(items)
    blocks = [items[n * i // threads : n * (i + 1) // threads] for i in range(threads)]
    with blas_on_one_thread():
        inbox, done = _workers(), SimpleQueue[BaseException | None]()
        for i in range(1, threads):
            inbox.put((work, blocks[i], i, done))
        try:
            _alone(work, blocks[0], 0)
        finally:
            # Every block has stopped writing before anything is returned or raised.
            errors = [done.get() for _ in range(1, threads)]
        for error in errors:
            if error is not None:
                raise error


def _alone(work: Callable[[Sequence[Item], int], None], block: Sequence[Item], index: int) -> None:
    """``work(block, index)`` with `single_threaded` on: a block never splits again."""
    with single_threaded():
        work(block, index)


def _workers() -> SimpleQueue[Task]:
    """The queue the process's worker threads take blocks from, the workers started on first use.

    One fewer worker than the cores: the calling thread works too. Each block goes back to its caller
    as one item on the caller's own ``done`` queue: two C-level queue operations a block, where a
    `concurrent.futures` pool's futures and ``wait`` took ~100 us of Python (RESULTS_perf #103).
    """
    with _LOCK:
        if not _INBOX:
            _INBOX.append(SimpleQueue())
            for number in range(max(1, available_cores() - 1)):
                name = f"convscope-op_{number}"
                threading.Thread(target=_serve, args=(_INBOX[0],), name=name, daemon=True).start()
        return _INBOX[0]


def _serve(inbox: SimpleQueue[Task]) -> None:
    """A worker: run each block it takes (`single_threaded`), then put its error, or None, on ``done``."""
    while True:
        work, block, index, done = inbox.get()
        try:
            _alone(work, block, index)
        except BaseException as error:  # handed to the caller, which raises it
            done.put(error)
        else:
            done.put(None)
        del work, block  # hold nothing of a finished call while waiting for the next
