"""A worker process that trains shards: ``python -m convscope.nn.shard_worker``, started by ``shard_pool``.

Threads in one process cannot run a step's shards at once: between NumPy's kernels each shard runs Python,
and only one thread holds the GIL at a time. A worker process has a GIL of its own. It runs the very
``shard_step`` a thread would (one BLAS thread: its parent sets ``OPENBLAS_NUM_THREADS=1`` and the like
before NumPy loads), so a shard's gradients are the same bits wherever it ran.

The parent talks to it in pickles over its stdin and stdout (``serve``); the arrays themselves lie in a
``SharedBuffer`` both map. The messages, each answered with one reply:

- ``("setup", network, name, size, params, grads)``: train a pickled network (in training order) whose
  parameters' ``data`` lie at the ``params`` slots of the buffer ``name``, with one replica per list of
  ``grads`` slots (a worker may run several shards a step, each on its own replica). Reply ``("ok",)``.
- ``("step", x, y, parts, loss, total)``: run shard ``k`` on rows ``parts[k]`` of the arrays at slots
  ``x`` and ``y`` on replica ``k``; its grads land in its slots. Reply ``("done", [(loss, hits), ...],
  warnings)``: the warnings the step raised (``portable``), for the parent to issue under its filters.
- ``("quit",)``, or the pipe closing: exit.

Any error is answered with ``("error", pickled exception or None, summary, traceback)``, and the worker
waits for the next message. Ctrl-C reaches the whole terminal's process group; the worker ignores it and
lets its parent decide (a stopped ``fit`` keeps its workers for the next one).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
import warnings
from typing import IO, Any

from threadpoolctl import threadpool_limits

from convscope.nn.model import Sequential
from convscope.nn.shard_memory import SharedBuffer, Slot
from convscope.nn.shards import replica, shard_step
from convscope.ops.workspace import Workspace


class Session:
    """One ``fit``'s network in this worker: its replicas, their parameters and grads in shared memory."""

    def __init__(
        self,
        network: bytes,
        name: str,
        size: int,
        params: list[Slot],
        grads: list[list[Slot]],
        previous: Session | None = None,
    ) -> None:
        self.buffer = SharedBuffer.attach(name, size)
        net: Sequential = pickle.loads(network)
        for param, slot in zip(net.parameters().values(), params, strict=True):
            param.data = self.buffer.array(slot)  # the parent writes the current values before each step
        self.replicas: list[Sequential] = []
        for k, slots in enumerate(grads):
            twin = net if k == 0 else replica(net)  # replicas share the data views
            for param, slot in zip(twin.parameters().values(), slots, strict=True):
                param.grad = self.buffer.array(slot)  # the backward overwrites them in place
            if previous is not None and k < len(previous.replicas):
                reuse_scratch(twin, previous.replicas[k])
            self.replicas.append(twin)

    def step(self, x: Slot, y: Slot, parts: list[tuple[int, int]], loss: str, total: int) -> list[Any]:
        """Each part's (loss share, hits), its grads left in the buffer."""
        images, labels = self.buffer.array(x), self.buffer.array(y)
        nets = self.replicas
        return [shard_step(nets[k], images[a:b], labels[a:b], loss, total) for k, (a, b) in enumerate(parts)]

    def close(self) -> None:
        """Drop the arrays over the buffer, then unmap it."""
        self.replicas = []
        self.buffer.close()


def reuse_scratch(net: Sequential, old: Sequential) -> None:
    """Give ``net``'s layers the scratch ``Workspace`` of ``old``'s, if the two have the same layer types.

    The next ``fit`` of the same network then starts with its scratch pages already faulted in (a cold
    first step cost about one step more). A workspace hands out arrays by shape, so a layer of other
    sizes simply gets new ones.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> import numpy as np
    >>> a, b = lenet(rng=np.random.default_rng(0)), lenet(rng=np.random.default_rng(1))
    >>> reuse_scratch(a, b)
    >>> a["conv1"]._workspace is b["conv1"]._workspace
    True
    """
    if [type(layer) for _, layer in net] != [type(layer) for _, layer in old]:
        return
    for (_, layer), (_, before) in zip(net, old, strict=True):
        for key, value in vars(before).items():
            if isinstance(value, Workspace) and isinstance(vars(layer).get(key), Workspace):
                setattr(layer, key, value)


def error_reply(error: BaseException) -> tuple[str, bytes | None, str, str]:
    """The reply for an error: the exception pickled (None if it cannot be), a summary, the traceback.

    Examples
    --------
    >>> kind, blob, summary, text = error_reply(ValueError("bad label"))
    >>> kind, summary, type(pickle.loads(blob)).__name__
    ('error', 'ValueError: bad label', 'ValueError')
    """
    blob: bytes | None = None
    try:
        pickled = pickle.dumps(error)
        pickle.loads(pickled)  # some exceptions pickle but cannot be rebuilt
        blob = pickled
    except Exception:
        pass
    summary = f"{type(error).__name__}: {error}"
    return "error", blob, summary, "".join(traceback.format_exception(error))


def portable(caught: warnings.WarningMessage) -> tuple[str, type[Warning], str, int]:
    """A warning as (text, category, file, line), for the parent to issue again under its own filters.

    Examples
    --------
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("overflow", RuntimeWarning)
    >>> portable(caught[0])[:2]
    ('overflow', <class 'RuntimeWarning'>)
    """
    category = caught.category
    try:
        pickle.loads(pickle.dumps(category))
    except Exception:  # a class the parent could not import by name: keep its text
        category = UserWarning
    return str(caught.message), category, caught.filename, caught.lineno


def serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """Answer the parent's messages until it says quit or closes the pipe.

    Examples
    --------
    >>> import io
    >>> outbox = io.BytesIO()
    >>> serve(io.BytesIO(pickle.dumps(("step",)) + pickle.dumps(("quit",))), outbox)
    >>> outbox.seek(0)
    0
    >>> pickle.load(outbox)[0], pickle.load(outbox)[2]
    ('ready', "RuntimeError: a 'step' message before any setup")
    """
    session: Session | None = None
    _send(outbox, ("ready", os.getpid()))
    try:
        while True:
            try:
                message = pickle.load(inbox)
            except (EOFError, pickle.UnpicklingError):  # closed, or cut off mid-message: the parent is gone
                return
            if message[0] == "quit":
                return
            try:
                if message[0] == "setup":
                    old, session = session, None
                    try:
                        network, name, size, params, grads = message[1:]
                        session = Session(network, name, size, params, grads, previous=old)
                    finally:
                        if old is not None:
                            old.close()
                    reply: Any = ("ok",)
                elif session is None:
                    raise RuntimeError(f"a {message[0]!r} message before any setup")
                else:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")  # the parent's filters decide (re-issued there)
                        results = session.step(*message[1:])
                    reply = ("done", results, [portable(w) for w in caught])
            except Exception as error:
                reply = error_reply(error)
            _send(outbox, reply)
    finally:
        if session is not None:
            session.close()


def _send(outbox: IO[bytes], reply: object) -> None:
    pickle.dump(reply, outbox, protocol=pickle.HIGHEST_PROTOCOL)
    outbox.flush()


def main() -> None:
    """The worker's entry point: serve the parent over stdin/stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C; see the module docstring
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not land in the replies
    threadpool_limits(limits=1, user_api="blas")  # as the environment asks; also if started by hand
    serve(inbox, outbox)


if __name__ == "__main__":
    main()
