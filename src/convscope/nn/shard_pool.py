"""The worker processes that train shards, started once and kept, like a thread pool.

A ``fit`` with more than one shard borrows workers (``acquire``) and gives them back when it ends
(``release``), so the server's Training page, which trains many times, and a benchmark's warm-up and
timed ``fit`` start them only once. A worker takes ~0.5 s to start (Python, NumPy, convscope) and
30-60 MB of memory (LeNet at batch 256); ``close_workers`` frees them (the next ``fit`` starts new
ones), and they end with the interpreter (``atexit``).

Workers are started as ``python -m convscope.nn.shard_worker`` with ``subprocess``, not with
``multiprocessing``: a fork of a process with threads (the server trains in one) is unsafe, and
multiprocessing's spawn re-imports the user's ``__main__``, which breaks scripts without a main guard.
Where no worker can start (no ``subprocess``, as in a browser's Python), ``acquire`` raises ``OSError``
and ``convscope.nn.parallel`` runs the shards in threads instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import subprocess
import sys
import threading
from typing import IO, Any

from convscope._runtime import worker_environment


class WorkerError(RuntimeError):
    """A shard worker process failed: it died, or its pipe broke."""


class Worker:
    """One worker process and its two pipes; ``send`` a message, ``receive`` its reply."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.pid = process.pid
        self._inbox: IO[bytes] = process.stdin  # type: ignore[assignment]  # both are PIPE
        self._outbox: IO[bytes] = process.stdout  # type: ignore[assignment]

    def send(self, message: object) -> None:
        """Send one message; ``WorkerError`` if the worker is gone."""
        try:
            pickle.dump(message, self._inbox, protocol=pickle.HIGHEST_PROTOCOL)
            self._inbox.flush()
        except OSError as error:  # BrokenPipeError: it died
            raise self._gone(error) from None

    def receive(self) -> Any:
        """The next reply; ``WorkerError`` if the worker died first."""
        try:
            return pickle.load(self._outbox)
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            raise self._gone(error) from None

    def _gone(self, error: BaseException) -> WorkerError:
        try:
            code: int | None = self.process.wait(1.0)  # its pipe closed a moment before it became a zombie
        except subprocess.TimeoutExpired:
            code = None
        how = f"exited with code {code}" if code is not None else f"stopped answering ({error!r})"
        return WorkerError(f"shard worker process {self.pid} {how}; it will be replaced on the next step")

    def close(self, timeout: float = 5.0) -> None:
        """Ask it to quit, wait for it, close the pipes; kill it if it hangs. Again: nothing to do."""
        with _LOCK:
            _ALL.discard(self)
        if self._outbox.closed:
            return
        with contextlib.suppress(OSError, WorkerError, ValueError):  # a dead worker's pipe is broken
            self.send(("quit",))  # after the step it may be running (a forked child may hold the pipe)
        with contextlib.suppress(OSError):
            self._inbox.close()  # end of input: the worker's loop returns in any case
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._outbox.close()


def start_worker() -> Worker:
    """A new worker process, once it said it is ready; ``OSError`` if none can start here.

    Examples
    --------
    >>> worker = start_worker()
    >>> worker.pid > 0
    True
    >>> worker.close()
    """
    if sys.platform in ("emscripten", "wasi") or not sys.executable:
        raise OSError("this Python cannot start processes")
    env = worker_environment()
    process = subprocess.Popen(
        [sys.executable, "-P", "-m", "convscope.nn.shard_worker"],  # -P: not the working folder first
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    worker = Worker(process)
    _ALL.add(worker)
    try:
        if worker.receive()[0] != "ready":
            raise OSError("the shard worker sent no greeting")
    except (WorkerError, IndexError, TypeError) as error:
        close([worker])
        raise OSError(f"a shard worker could not start: {error}") from None
    return worker


_LOCK = threading.Lock()
_IDLE: list[Worker] = []  # started, not lent to any fit
_ALL: set[Worker] = set()  # every live worker, lent or not: closed at exit
_GENERATION = [0]  # close_workers() moves it on: workers lent before then are closed when returned


def acquire(count: int) -> tuple[list[Worker], int]:
    """``count`` workers for one ``fit`` (idle ones first), and the generation to return them under.

    ``OSError`` if a needed worker cannot start (those already lent stay in the pool).

    Examples
    --------
    >>> workers, generation = acquire(1)
    >>> len(workers)
    1
    >>> release(workers, generation)  # kept for the next fit
    >>> acquire(1)[0] == workers  # which gets the same process
    True
    >>> release(workers, generation)
    """
    with _LOCK:
        dead = [w for w in _IDLE if w.process.poll() is not None]  # killed while idle: replace it
        _IDLE[:] = [w for w in _IDLE if w not in dead]
        taken = [_IDLE.pop() for _ in range(min(count, len(_IDLE)))]
        generation = _GENERATION[0]
    close(dead)
    try:
        while len(taken) < count:
            taken.append(start_worker())
    except OSError:
        release(taken, generation)
        raise
    return taken, generation


def release(workers: list[Worker], generation: int) -> None:
    """Give workers back after a ``fit``: kept for the next one unless closed since, or dead.

    Examples
    --------
    >>> workers, generation = acquire(1)
    >>> release(workers, generation)
    """
    with _LOCK:
        keep = generation == _GENERATION[0]
        dead = [w for w in workers if not keep or w.process.poll() is not None]
        _IDLE.extend(w for w in workers if w not in dead)
    close(dead)


def close(workers: list[Worker]) -> None:
    """End these workers now: each finishes what it was doing, reads quit, and exits.

    Examples
    --------
    >>> workers, _ = acquire(1)
    >>> close(workers)  # not given back: the next fit starts another
    >>> workers[0].process.returncode
    0
    """
    for worker in workers:
        worker.close()


def close_workers() -> None:
    """End every shard worker process; the next ``fit`` with more than one shard starts new ones.

    Workers a running ``fit`` has borrowed end when it returns them.

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.nn import lenet
    >>> from convscope.train import TrainConfig, fit
    >>> x, y = np.zeros((64, 1, 32, 32), np.float32), np.arange(64) % 10
    >>> _ = fit(lenet(rng=np.random.default_rng(0)), TrainConfig(epochs=1), x, y, shards=2)
    >>> close_workers()
    """
    with _LOCK:
        _GENERATION[0] += 1
        idle, _IDLE[:] = list(_IDLE), []
    close(idle)


def _close_all() -> None:
    """At exit: end every worker, lent or not, so no process or pipe outlives the interpreter."""
    with _LOCK:
        _GENERATION[0] += 1
        lent = [w for w in _ALL if w not in _IDLE]
        _IDLE.clear()
    for worker in lent:
        worker.process.kill()  # a fit still running in a daemon thread owns it: do not wait for its step
    close(list(_ALL))


def _forget_in_child() -> None:
    """In a forked child the workers are the parent's: leave them to it, start afresh if needed.

    Their pipes stay open here (closing a file another thread may have held at the fork is unsafe), so
    the parent's ``close`` says quit in so many words rather than relying on the end of input alone.
    """
    _FORKED.extend(worker.process for worker in _ALL)  # never collected: it would warn about their pids
    _IDLE.clear()
    _ALL.clear()


_FORKED: list[subprocess.Popen[bytes]] = []
atexit.register(_close_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
