"""A helper process that works the second half of an op's batch, so ops called one at a time use two cores.

Threads cannot do this well for ops of a batch of 64 (`convscope.ops.threads`): waking a sleeping thread
costs 30-80 us on a virtual machine, and two threads working one op's halves fight for the GIL between
their NumPy calls, so LeNet's conv2 at 64 images ran no faster on two threads than on one. A process has
its own GIL; spinning on a counter in shared memory, it takes a task in about a microsecond.
``benchmarks/probe_op_workers.py`` measured it before this was built: conv2's forward at 64 images 533 ->
238 us, and the whole LeNet step of ops 4.46 -> 2.86 ms (RESULTS_perf #152).

How it works:

- One helper per process, started on first use (``python -m convscope.ops.helper_worker``, not a fork:
  forking a process with threads is unsafe), sharing an anonymous memory file (``memfd``) with it: a
  control block, a message slot, a data region, and the blocks `convscope.ops.recycle` hands op results
  out of from then on. Until the helper says it is ready, ops work alone.
- An op's arrays that are results of earlier ops already lie in the memory file, so the helper reads and
  writes them where they are; others (the caller's own arrays, weights) are copied into the data region
  (`Helper.share`, `Helper.target`). `Helper.post` pickles the task (a function of `convscope.ops` and
  its arguments, arrays replaced by their place, `Shared`) into the message slot and moves the ``posted``
  counter on. The helper runs the function and moves ``finished`` on; `Helper.wait` spins until it has
  (meanwhile the caller works its own half).
- A forked child maps the blocks again as its own private copy (`Helper.privatise`), so that a fork
  still keeps parent and child apart.
- The helper spins `SPIN_SECONDS` after each task, then parks: it blocks on its stdin, and a task posted
  while it is parked writes it a byte. A wake-up can race with parking, so the waiting side writes one
  again now and then: an extra byte only wakes it once more for nothing.
- If the helper dies, or fails a task, `wait` returns False and the caller works the half itself: the
  same function on the same numbers, so the same bits. A helper that died is started again on next use.
- Only where it can help: Linux (``memfd``), at least two cores, not within `threads.single_threaded`
  (work already spread over the cores, as ``fit``'s shards), one op at a time (others work alone).

Which work goes there is decided by sizes alone, never by whether the helper is there, so an op gives the
same bits with or without it (`convscope.ops.conv_chunks`).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import mmap
import os
import pickle
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any

from convscope._blas import blas_on_one_thread
from convscope._runtime import worker_environment
from convscope.ops import recycle
from convscope.ops.helper_memory import DATA, MESSAGE, SharedFile, map_privately
from convscope.ops.threads import available_cores, op_threads, single_threaded

SPIN_SECONDS = 0.005  # the helper spins this long after a task before parking
_MESSAGES = 64  # tasks whose pickled bytes `Helper._message` keeps (a LeNet step posts 8)
# The control block's int64 slots; FAILURES counts every task the helper failed (tests read it).
POSTED, FINISHED, PARKED, FAILED, READY, STOP, FAILURES = range(7)


class Helper(SharedFile):
    """The caller's side of one helper process and the memory it shares: `post` a task, work the other
    half, `wait`."""

    def __init__(self) -> None:
        super().__init__()
        try:
            self.process = subprocess.Popen(  # started as fit's workers are (`convscope.nn.shard_pool`)
                [sys.executable, "-P", "-m", "convscope.ops.helper_worker", str(self.fd)],
                stdin=subprocess.PIPE, pass_fds=(self.fd,), env=worker_environment(),
            )  # fmt: skip
        except OSError:
            self.release()
            raise
        assert self.process.stdin is not None
        os.set_blocking(self.process.stdin.fileno(), False)  # a full pipe of wake-ups is wake-up enough
        self.lock = threading.Lock()
        self._messages: dict[tuple[Callable[..., None], tuple[Any, ...]], bytes] = {}  # `_message`'s
        recycle.use_source(self.shared_block, self.give_back)  # op results in shared memory: no copies

    @property
    def ready(self) -> bool:
        """Started, and not dead (checked without waiting)."""
        return bool(self.ctrl[READY]) and self.process.poll() is None

    def run(self, function: Callable[..., None], arguments: tuple[Any, ...], here: Callable[[], None],
            there: Callable[[], None]) -> bool:  # fmt: skip
        """`post` ``function(*arguments)``, work ``here`` alone meanwhile (`single_threaded`), `wait`.

        True if the helper did its part. Where it could not take the task, failed it or died, ``there``
        (the same work as the helper's) runs here instead, after ``here``, and this is False.
        """
        posted, start = self.post(function, arguments), time.perf_counter()
        done = False
        try:
            # The other core is the helper's: neither this thread's op threads nor BLAS's may take it.
            with single_threaded(), blas_on_one_thread():
                here()
        finally:
            # The helper must be done with the shared arrays before anything goes on. Its half is as much
            # work as this one: long after this one ended, it is stuck (a stopped process), not slow.
            patience = 1.0 + 20 * (time.perf_counter() - start)
            done = posted and self.wait(patience)
        if not done:
            there()
        return done

    def post(self, function: Callable[..., None], arguments: tuple[Any, ...]) -> bool:
        """Have the helper call ``function(*arguments)``, `Shared` resolved; False if the message is too big.

        ``function`` must be a module-level function of ``convscope.ops``, and write its results into
        `Shared` arrays. The data region is reused from its start by the next task (`clear`).
        """
        body = self._message(function, arguments)
        if 8 + len(body) > DATA - MESSAGE:
            return False
        self._memory[MESSAGE : MESSAGE + 8] = len(body).to_bytes(8, "little")
        self._memory[MESSAGE + 8 : MESSAGE + 8 + len(body)] = body
        self.ctrl[FAILED] = 0
        self.ctrl[POSTED] += 1  # last: x86 keeps stores in order, so the helper sees the task whole
        if self.ctrl[PARKED]:
            self._wake()
        return True

    def _message(self, function: Callable[..., None], arguments: tuple[Any, ...]) -> bytes:
        """The task pickled, or the bytes of the same task posted before.

        A training loop posts the same few tasks step after step, their arrays in the same places:
        pickling one (a convolution's chunks, their geometries) took ~20 us of a ~250 us half of LeNet's
        conv1 at 64 images. Tasks with a list or an array among their arguments (unhashable) are pickled
        each time.
        """
        key, kept = (function, arguments), True
        try:
            body = self._messages.get(key)
        except TypeError:
            body, kept = None, False
        if body is None:
            body = pickle.dumps((function.__module__, function.__name__, arguments), pickle.HIGHEST_PROTOCOL)
            if kept:
                if len(self._messages) >= _MESSAGES:
                    self._messages.clear()
                self._messages[key] = body
        return body

    def wait(self, patience: float = 60.0) -> bool:
        """Spin until the helper has finished the task posted; False if it failed it, died or hung.

        A helper still at it ``patience`` seconds after this began waiting is killed (the caller then
        works its half). An interrupt (Ctrl-C) while waiting still waits for the helper, whose writes into
        shared results must end before anything else may use their memory, then goes on.
        """
        try:
            return self._wait(time.perf_counter() + patience)
        except BaseException:
            self._wait(time.perf_counter() + patience, interruptible=False)
            raise

    def _wait(self, deadline: float, interruptible: bool = True) -> bool:
        spins = 0
        while self.ctrl[FINISHED] != self.ctrl[POSTED]:
            spins += 1
            if spins % 4096 == 0:  # every ~0.5 ms: is it still there, awake, on time?
                try:
                    if self.process.poll() is not None:
                        return False
                    if self.ctrl[PARKED]:
                        self._wake()  # a wake-up lost to the race with parking
                    if time.perf_counter() > deadline:
                        self.process.kill()  # it can no longer write; the next op starts another
                        self.process.wait()
                        return False
                except KeyboardInterrupt:
                    if interruptible:
                        raise
        return not self.ctrl[FAILED]

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            os.write(self.process.stdin.fileno(), b"w")

    def close(self, timeout: float = 5.0) -> None:
        """Ask the helper to quit, wait for it (kill it if it hangs), free the memory file.

        Waits up to ``timeout`` for an op of another thread that has the helper to finish with it, and
        keeps its lock, so that no op can take it after.
        """
        self.lock.acquire(timeout=timeout)
        recycle.use_source(None)  # results already in shared memory stay valid: the mapping lives on
        self.ctrl[STOP] = 1
        self.ctrl[POSTED] += 1
        self._wake()
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()  # end of input: a parked helper returns in any case
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        retired = self.release()
        if retired is not None:  # still mapped: a child forked meanwhile must still get its own copy of it
            _RETIRED.append(retired)


_LOCK = threading.Lock()
_HELPER: list[Helper] = []  # the process's helper, once started
# Closed helpers' memory files (while mapped: arrays may still use them), their blocks' address and length.
_RETIRED: list[tuple[weakref.ref[mmap.mmap], int, int]] = []
_GIVEN_UP: list[object] = []  # why no helper starts in this process any more (`_helper`), if so


def _forget() -> None:
    """In a forked child: the parent's helper is not this process's to use, nor its memory to share."""
    while _HELPER:
        _HELPER.pop().privatise()
    for memory, start, length in _RETIRED:
        mapped = memory()
        if mapped is not None and not mapped.closed and length:  # a closed helper's blocks, still in use
            map_privately(start, length)
    _RETIRED.clear()
    recycle.use_source(None)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)


def usable() -> bool:
    """Whether a helper could work here: Linux's ``memfd``, two cores, a Python that starts processes."""
    return _platform_usable() and available_cores() >= 2


@functools.cache
def _platform_usable() -> bool:
    """`usable`'s part that cannot change while the process runs (the cores can: taskset)."""
    return hasattr(os, "memfd_create") and sys.platform == "linux" and bool(sys.executable)


class borrowed:  # noqa: N801 (used as a function: ``with borrowed() as helper:``)
    """The helper, ready and this caller's alone, for one task; None where the caller must work alone.

    None: where a helper cannot work (`usable`), within `threads.single_threaded`, while another thread
    has it, or while it is still starting (the first call starts it and does not wait for it). With
    ``start=False``, also where none runs yet: for ops that only share arrays already in its memory
    (results of ops it helped), which no helper means there are none of. A class, not a generator:
    every helped op enters one (RESULTS_perf #186).
    """

    __slots__ = ("_held", "_start")

    def __init__(self, start: bool = True) -> None:
        self._start = start
        self._held: Helper | None = None

    def __enter__(self) -> Helper | None:
        if op_threads(2) < 2 or not _platform_usable():  # op_threads(2) >= 2: two cores, as `usable` asks
            return None
        # `_helper` has just seen whether its process lives (a system call, as `Helper.ready` makes): an op
        # that starts none asks here instead.
        helper = _helper() if self._start else (_HELPER[0] if _HELPER else None)
        if helper is None or not helper.lock.acquire(blocking=False):  # closing takes the lock for good
            return None
        try:
            ready = bool(helper.ctrl[READY]) if self._start else helper.ready
        except BaseException:  # no block runs, so no __exit__: give the lock back here
            helper.lock.release()
            raise
        self._held = helper  # its lock is held until the block ends, ready or not
        if not ready:
            return None
        helper.clear()
        return helper

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._held is not None:
            self._held.lock.release()
            self._held = None


def _helper() -> Helper | None:
    """The process's helper: started on first use, and again after one died.

    None for good once one could not start, or died before it was ready (it would again: a Python that
    cannot import convscope.ops in a child, say): ops then work alone, without trying at every call.
    """
    with _LOCK:
        if _HELPER and _HELPER[0].process.poll() is not None:
            dead = _HELPER.pop()
            if not dead.ctrl[READY]:
                _GIVEN_UP.append(dead.process.returncode)
            dead.close()
        if not _HELPER and not _GIVEN_UP:
            try:
                _HELPER.append(Helper())
            except OSError as error:  # no processes, or no memory file, here: work alone
                _GIVEN_UP.append(error)
        return _HELPER[0] if _HELPER else None


def close_helper() -> None:
    """Stop the process's helper, if it has one (the next op that can use one starts another).

    Examples
    --------
    >>> close_helper()
    """
    with _LOCK:
        while _HELPER:
            _HELPER.pop().close()


atexit.register(close_helper)


def wait_until_ready(timeout: float = 30.0) -> bool:
    """Start the helper if it can work here and wait until it is ready; whether it is (tests, benchmarks).

    Examples
    --------
    >>> wait_until_ready() in (True, False)
    True
    """
    if not usable():
        return False
    helper = _helper()
    deadline = time.monotonic() + timeout
    while helper is not None and not helper.ready and time.monotonic() < deadline:
        if helper.process.poll() is not None:
            return False
        time.sleep(0.01)
    return helper is not None and helper.ready
