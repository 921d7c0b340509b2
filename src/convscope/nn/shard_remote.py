"""A ``fit``'s shards in worker processes, seen from the parent: hand each worker its rows, collect.

Once per ``fit`` (and again only if a batch outgrows the memory laid out), each worker gets the network
to train, pickled, and a ``SharedBuffer`` laid out for the parameters, one set of grads per shard it may
run, and its rows of images and labels (``setup``). Each step, the parent writes the current parameters
and the worker's rows into its buffer and sends it a tiny message (``start``), runs its own shards
meanwhile, then waits for every worker's losses and hits (``finish``); the worker's grads are then in
the buffer, ready to be summed in shard order (``grads``).

A worker's error comes back as the same exception, raised here with a note naming the worker and chained
to a ``WorkerError`` holding its traceback; a worker that dies raises ``WorkerError``. Its warnings are
issued again here, so this process's warning filters treat them as a thread's. Either way the
step ends with every worker idle again or marked ``broken`` (its pipe state unknown: the pool closes it).
"""

from __future__ import annotations

import math
import pickle
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from convscope.nn.layers import FloatArray
from convscope.nn.model import Sequential
from convscope.nn.shard_memory import SharedBuffer, Slot, lay_out
from convscope.nn.shard_pool import Worker, WorkerError
from convscope.nn.shards import replica

_WARNED: dict[Any, Any] = {}  # warnings re-issued from workers, as a module's registry ("default": once)


class _Seat:
    """One worker's side of a ``fit``: its buffer and the arrays laid over it."""

    def __init__(self, worker: Worker, buffer: SharedBuffer, slots: list[Slot], replicas: int) -> None:
        self.worker, self.buffer = worker, buffer
        self.slots = slots  # params, then grads replica by replica, then the x rows, then the y rows
        views = [buffer.array(slot) for slot in slots]
        count = (len(slots) - 2) // (replicas + 1)
        self.params = views[:count]
        self.grads = [views[count * (k + 1) : count * (k + 2)] for k in range(replicas)]
        self.x, self.y = views[-2], views[-1]

    def close(self) -> None:
        self.params, self.grads, self.x, self.y = [], [], np.empty(0), np.empty(0)
        self.buffer.close()


class RemoteShards:
    """Shards of each step on ``workers``, each with up to ``replicas`` shards, training ``net``.

    ``net`` is the calling thread's network in training order: its parameters (the model's) are what the
    workers get each step; ``network`` is what they train (``without_arrays(net)``, pickled).
    """

    def __init__(self, net: Sequential, network: bytes, workers: list[Worker], replicas: int) -> None:
        self.workers, self.replicas = workers, replicas
        self.params = list(net.parameters().values())  # their ``data`` is read afresh every step
        self._network = network  # ``without_arrays(net)``, pickled
        self._seats: list[_Seat] = []
        self._rows = 0  # images per worker the buffers hold
        self._kind: tuple[Any, ...] = ()  # (x's image shape and dtype, y's dtype) they were laid out for
        self._busy: list[tuple[_Seat, list[int]]] = []  # seats sent a step, with their shards' indexes
        self.broken = False  # a worker died or a step was interrupted: close the workers, do not reuse

    def setup(self, rows: int, x: FloatArray, y: np.ndarray) -> None:
        """Lay out (again) buffers for ``rows`` images per worker like ``x`` and ``y``, if needed."""
        kind = (x.shape[1:], x.dtype.str, y.dtype.str)
        if rows <= self._rows and kind == self._kind:
            return
        self._close_seats()
        specs = [(p.data.shape, p.data.dtype) for p in self.params] * (self.replicas + 1)
        specs += [((rows, *x.shape[1:]), x.dtype), ((rows,), y.dtype)]
        slots, size = lay_out(specs)
        count = len(self.params)
        grads = [slots[count * (k + 1) : count * (k + 2)] for k in range(self.replicas)]
        buffers: list[SharedBuffer] = []
        sent = 0
        try:
            for worker in self.workers:
                buffers.append(SharedBuffer.create(size))  # OSError if memory is short: threads instead
                worker.send(("setup", self._network, buffers[-1].name, size, slots[:count], grads))
                sent += 1
            replies = [self._receive(worker) for worker in self.workers]
        except BaseException as error:
            self.broken = sent > 0 or isinstance(error, WorkerError)  # a reply owed, or a worker dead
            for buffer in buffers:
                buffer.close()
            raise
        for buffer in buffers:
            buffer.unlink()  # both sides have it mapped now: the name can go
        self._seats = [_Seat(w, b, slots, self.replicas) for w, b in zip(self.workers, buffers, strict=True)]
        self._rows, self._kind = rows, kind
        for worker, reply in zip(self.workers, replies, strict=True):
            if reply[0] == "error":
                self._rows = 0
                raise WorkerError(f"shard worker process {worker.pid} could not take the network: {reply[2]}")

    def start(
        self,
        x: FloatArray,
        y: np.ndarray,
        loss: str,
        bounds: Sequence[tuple[int, int]],
        groups: list[list[int]],
    ) -> None:
        """Hand each worker its ``groups`` of shards (indexes into ``bounds``) and let it start."""
        self.setup(worker_rows(bounds, groups), x, y)
        for seat, group in zip(self._seats, groups, strict=False):
            start, stop = bounds[group[0]][0], bounds[group[-1]][1]
            for view, param in zip(seat.params, self.params, strict=True):
                np.copyto(view, param.data)
            np.copyto(seat.x[: stop - start], x[start:stop])
            np.copyto(seat.y[: stop - start], y[start:stop])
            rows = [_rows_of(slot, stop - start) for slot in seat.slots[-2:]]
            parts = [(bounds[i][0] - start, bounds[i][1] - start) for i in group]
            self._busy.append((seat, group))
            try:
                seat.worker.send(("step", *rows, parts, loss, len(y)))
            except BaseException:  # dead, or Ctrl-C mid-message: the pipe cannot be trusted
                self.broken = True
                raise

    def finish(self, count: int) -> dict[int, tuple[tuple[float, int], list[FloatArray]]]:
        """Each worker shard's (loss share, hits) and grads by shard index; its error, if one failed."""
        busy, self._busy = self._busy, []
        results: dict[int, tuple[tuple[float, int], list[FloatArray]]] = {}
        failed: tuple[Worker, list[int], Any] | None = None
        caught = []
        for seat, group in busy:
            reply = self._receive(seat.worker)
            if reply[0] == "error":
                failed = failed or (seat.worker, group, reply)
                continue
            for k, (index, result) in enumerate(zip(group, reply[1], strict=True)):
                results[index] = (result, seat.grads[k])
            caught += reply[2]
        for text, category, filename, lineno in caught:  # as a thread's shard would have warned
            warnings.warn_explicit(text, category, filename, lineno, registry=_WARNED)
        if failed is not None:
            _raise_remote(*failed, count)
        return results

    @property
    def usable(self) -> bool:
        """Whether the next step can use these workers (none died, no step was left unfinished)."""
        return not self.broken and not self._busy

    def _receive(self, worker: Worker) -> Any:
        """The worker's reply; any failure to read one (death, Ctrl-C) leaves the workers ``broken``."""
        try:
            return worker.receive()
        except BaseException:
            self.broken = True
            raise

    def _close_seats(self) -> None:
        for seat in self._seats:
            seat.close()
        self._seats, self._rows = [], 0

    def close(self) -> None:
        """Unmap the buffers (the workers drop theirs on their next setup, or when they exit)."""
        if self._busy:  # a step was interrupted before its replies were read
            self.broken = True
        self._close_seats()


def without_arrays(net: Sequential) -> Sequential:
    """A ``replica`` of ``net`` whose parameters hold empty arrays: what a worker needs to be sent.

    The worker lays its parameters and grads over shared memory anyway, so the network travels in a
    few kB instead of twice its parameters (512 kB for LeNet: ~2 ms of each ``fit``'s first step).

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> net = lenet(rng=np.random.default_rng(0))
    >>> bare = without_arrays(net)
    >>> bare["conv1"].weight.data.shape, net["conv1"].weight.data.shape
    ((0,), (6, 1, 5, 5))
    """
    twin = replica(net)
    for param in twin.parameters().values():  # the twin's own Parameter objects: the model keeps its arrays
        param.data = param.grad = np.empty(0, param.data.dtype)
    return twin


def _rows_of(slot: Slot, rows: int) -> Slot:
    """The first ``rows`` rows of the array at ``slot``."""
    return Slot(slot.offset, (rows, *slot.shape[1:]), slot.dtype)


def _raise_remote(worker: Worker, group: list[int], reply: Any, count: int) -> None:
    """Raise the worker's error as its own type (so ``except ValueError`` works), naming the worker."""
    _, blob, summary, text = reply
    shards = f"shard {group[0] + 1}" if len(group) == 1 else f"shards {group[0] + 1}-{group[-1] + 1}"
    where = f"{shards} of {count} failed in shard worker process {worker.pid}"
    cause = WorkerError(f"{where}: {summary}\n\nThe worker's traceback:\n{text}")
    error = pickle.loads(blob) if blob is not None else None
    if not isinstance(error, Exception):
        raise cause
    error.add_note(f"({where}; its traceback is in the cause above)")
    raise error from cause


def worker_rows(bounds: Sequence[tuple[int, int]], groups: list[list[int]]) -> int:
    """Most images one worker gets: the longest run of shards in ``groups`` (indexes into ``bounds``).

    Examples
    --------
    >>> worker_rows([(0, 21), (21, 42), (42, 64)], [[1, 2]])
    43
    """
    return max(bounds[group[-1]][1] - bounds[group[0]][0] for group in groups)


def replicas_per_worker(shards: int, executors: int) -> int:
    """Most shards one executor runs in a step (see ``convscope.nn.parallel.shard_groups``).

    Examples
    --------
    >>> replicas_per_worker(8, 2), replicas_per_worker(2, 2), replicas_per_worker(3, 4)
    (4, 1, 1)
    """
    return math.ceil(shards / min(shards, executors))
