"""The helper process of `convscope.ops.helper`: ``python -m convscope.ops.helper_worker FD``.

It maps the memory file FD, says it is ready, then runs each task posted: spinning on the ``posted``
counter for `helper.SPIN_SECONDS` after each, parked on its stdin after that (a byte wakes it; end of
input, its parent gone, ends it). A task is a function of ``convscope.ops`` and its arguments; the
function writes its results into the shared arrays it was given. A task that raises sets ``failed`` (the
caller then works that half itself) and the helper goes on.
"""

from __future__ import annotations

import importlib
import mmap
import os
import pickle
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from convscope._validate import trusted_values
from convscope.ops import helper
from convscope.ops.helper import FAILED, FAILURES, FINISHED, PARKED, POSTED, READY, STOP
from convscope.ops.helper_memory import MESSAGE, SIZE, Shared, resolve
from convscope.ops.threads import single_threaded


def serve(fd: int) -> None:
    """Run tasks from the memory file ``fd`` until told to stop or the parent is gone."""
    memory = mmap.mmap(fd, SIZE)
    ctrl = memoryview(memory)[:64].cast("q")
    everything = np.frombuffer(memory, np.uint8)
    parent, seen, known = os.getppid(), 0, dict[bytes, Task]()
    views: dict[Shared, np.ndarray] = {}  # `resolve`'s: one view a place
    ctrl[READY] = 1
    with single_threaded(), trusted_values():  # the caller checked every value before posting
        while True:
            seen = _next_task(ctrl, seen, parent)
            if seen < 0 or ctrl[STOP]:
                return
            try:
                _run(memory, everything, known, views)
            except Exception:  # the caller works this half itself, and meets the error there if it is real
                ctrl[FAILED] = 1
                ctrl[FAILURES] += 1
            ctrl[FINISHED] = seen


def _next_task(ctrl: memoryview, seen: int, parent: int) -> int:
    """Wait for ``posted`` to move past ``seen``: spin, then park on stdin. -1 if the parent is gone."""
    while True:
        until = time.perf_counter() + helper.SPIN_SECONDS
        while ctrl[POSTED] == seen:
            if time.perf_counter() > until:
                break
        else:
            return int(ctrl[POSTED])
        ctrl[PARKED] = 1
        if ctrl[POSTED] == seen:  # nothing came while it said so: sleep until a byte (or end of input)
            woken = os.read(0, 1)
            if not woken or os.getppid() != parent:
                return -1
        ctrl[PARKED] = 0


def _run(
    memory: mmap.mmap, everything: np.ndarray, known: dict[bytes, Task], views: dict[Shared, np.ndarray]
) -> None:
    """Call the posted function of ``convscope.ops`` with its arguments resolved in the data region.

    ``known`` maps messages seen before to their function and resolved arguments: a training loop posts
    the same few messages step after step (its arrays in the same places), and unpickling one and making
    its views took ~10 us of the ~250 us a half of LeNet's conv2 takes at batch 64.
    """
    size = int.from_bytes(memory[MESSAGE : MESSAGE + 8], "little")
    body = memory[MESSAGE + 8 : MESSAGE + 8 + size]
    task = known.get(body)
    if task is None:
        module, name, arguments = pickle.loads(body)
        if not module.startswith("convscope.ops."):
            raise ValueError(f"the helper runs convscope.ops functions only, not {module}.{name}")
        if len(known) >= _KNOWN:
            known.clear()
            views.clear()
        function = getattr(importlib.import_module(module), name)
        known[body] = task = function, resolve(arguments, everything, views)
    function, arguments = task
    function(*arguments)


_KNOWN = 64  # messages remembered (a LeNet step posts 8)
Task = tuple[Callable[..., None], tuple[Any, ...]]


if __name__ == "__main__":
    serve(int(sys.argv[1]))
