"""Fresh results in memory the process already holds: large arrays recycled once nothing refers to them.

An op's result is the caller's: it must never change behind the caller's back, so results cannot live in
a `convscope.ops.workspace.Workspace`. But a training step makes the same results every time (each
layer's output, each gradient), and the caller drops last step's before asking for the next. glibc hands
large freed blocks back to the operating system, and the next step's arrays of the same size are faulted
in again page by page: 1,318 page faults (~5 ms, a fifth of the step) in a batch-64 LeNet step written
with the ops (``benchmarks/RESULTS_perf.md``).

`empty` therefore keeps the block behind each large result it hands out. A block is handed out again only
when no array refers to it any more: every NumPy view of a result (slices, reshapes, transposes, a view
of a view) holds a reference to the block that owns the memory, so the block's reference count says
whether anything still sees it. At most `_MOST_BYTES` are kept; past that, results are plain fresh
arrays. `release` gives the kept blocks that nothing uses back to the allocator.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

# Where arrays start: on a cache line, where malloc gives 16 bytes past one. OpenBLAS's SkylakeX sgemm read
# LeNet conv2's width columns, (16 x 150) @ (150 x 320) a piece, in 185-206 us from a 64-byte-aligned start
# and 247-263 from one 16 or 32 bytes past it (ten rows, a 64-image chunk); in the ops-level step LeNet's
# convolutions took 7-14 % less at 256 images (benchmarks/RESULTS_perf.md #190).
ALIGN = 64
_LEAST_BYTES = 2**18  # smaller arrays come from malloc's own free lists, without page faults
_MOST_BYTES = 2**27  # 128 MB of blocks kept in all, in use or not
_LOCK = threading.Lock()  # threads of one op (`convscope.ops.threads`) take results at the same time
_KEPT: dict[int, list[Array]] = {}  # bytes -> blocks (1-D uint8 arrays) of that size
# Where new blocks come from, if not malloc, and where they go back (`use_source`).
_SOURCE: list[tuple[Callable[[int], Array | None], Callable[[Array], None]]] = []
_SOURCED: set[int] = set()  # ids of the kept blocks that came from the source


def _after_fork() -> None:
    """A forked child starts with a lock no thread of its own can release: it takes a new one."""
    global _LOCK
    _LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _count(blocks: list[Array], i: int) -> int:
    """References to ``blocks[i]``, read in one way so that `_UNUSED` is measured the same way."""
    return sys.getrefcount(blocks[i])


def _unused_count() -> int:
    """What `_count` reads for a block only the list holds: measured, as interpreters count differently."""
    blocks = [np.empty(1, dtype=np.uint8)]
    return _count(blocks, 0)


_UNUSED = _unused_count()


def empty(shape: tuple[int, ...], dtype: npt.DTypeLike) -> Array:
    """An uninitialised C-contiguous array, like ``np.empty``, in a block no other array refers to.

    Examples
    --------
    >>> a = empty((512, 512), np.float32)
    >>> b = empty((512, 512), np.float32)
    >>> np.shares_memory(a, b)  # ``a`` is still held: its block is not handed out again
    False
    """
    kind = np.dtype(dtype)
    size = math.prod(shape) * kind.itemsize  # math.prod: np.prod's ~3 us a call, ~30 calls a LeNet step
    if size < _LEAST_BYTES or size > _MOST_BYTES or kind.hasobject:
        return np.empty(shape, dtype=kind)
    with _LOCK:
        block = _free_block(size)
        # The block's bytes read as this dtype and shape: a view, so the block stays its owner.
        return block.view(kind).reshape(shape)


def use_source(
    source: Callable[[int], Array | None] | None, give_back: Callable[[Array], None] | None = None
) -> None:
    """Take new blocks from ``source(size)`` (where it gives None, from malloc); None: malloc's only.

    The ops' helper process (`convscope.ops.helper`) gives blocks of the memory it shares with this
    process, so the results of one op reach the helper's half of the next without a copy. A block of the
    source that recycle lets go (unused, past the budget, or at `release`) goes to ``give_back(block)``.
    Kept blocks from elsewhere are not handed out again while a source is set (they go once nothing uses
    them), and the last source's blocks never are (arrays still using them keep their memory).

    Examples
    --------
    >>> use_source(lambda size: None)  # every block from malloc, as without a source
    >>> use_source(None)
    """
    with _LOCK:
        _SOURCE[:] = [] if source is None else [(source, give_back or (lambda block: None))]
        for size, blocks in list(_KEPT.items()):  # the last source's blocks: never handed out again
            _KEPT[size] = [block for block in blocks if id(block) not in _SOURCED]
        _SOURCED.clear()
        _drop_unused()


def _free_block(size: int) -> Array:
    """A kept block of ``size`` bytes that nothing uses, or a new one (kept if the budget allows).

    A new block comes from the source (`use_source`) only if it is kept, so that the source gets every
    one of its blocks back.
    """
    blocks = _KEPT.get(size, [])
    for i in range(len(blocks)):
        if _count(blocks, i) == _UNUSED and (not _SOURCE or id(blocks[i]) in _SOURCED):
            return blocks[i]
    if _kept_bytes() + size > _MOST_BYTES:
        _drop_unused()  # may forget this size's list too, when it was empty: look it up again below
    kept = _kept_bytes() + size <= _MOST_BYTES
    block = _SOURCE[0][0](size) if _SOURCE and kept else None
    if block is None:
        block = aligned_bytes(size)
    else:
        _SOURCED.add(id(block))
    if kept:
        _KEPT.setdefault(size, []).append(block)
    return block


def aligned_bytes(size: int) -> Array:
    """``size`` uninitialised bytes starting on a cache line (`ALIGN`): a 1-D uint8 array.

    Views of it refer to it, not to the larger array it lies in (its base is a memoryview), so that
    a block's reference count says whether anything still sees it.

    Examples
    --------
    >>> block = aligned_bytes(1000)
    >>> block.shape, block.ctypes.data % ALIGN, block.flags.writeable
    ((1000,), 0, True)
    """
    if size == 0:
        return np.empty(0, dtype=np.uint8)
    raw = np.empty(size + ALIGN, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGN
    return np.frombuffer(raw.data[start : start + size], dtype=np.uint8)  # raw.data: its memoryview


def _kept_bytes() -> int:
    return sum(size * len(blocks) for size, blocks in _KEPT.items())


def _drop_unused() -> None:
    """Forget every kept block that nothing uses (the allocator, or the source, gets it back)."""
    for size, blocks in list(_KEPT.items()):
        used = [_count(blocks, i) != _UNUSED for i in range(len(blocks))]
        for block, kept in zip(blocks, used, strict=True):
            if not kept and id(block) in _SOURCED:
                _SOURCED.discard(id(block))
                _SOURCE[0][1](block)  # a source's block: back to it
        blocks[:] = [block for block, kept in zip(blocks, used, strict=True) if kept]
        if not blocks:
            del _KEPT[size]


def release() -> int:
    """Give every kept block that no array uses back to the allocator; returns the bytes still kept.

    Examples
    --------
    >>> a = empty((1024, 1024), np.float32)
    >>> del a  # nothing uses its block now: release gives it back
    >>> release() <= 2**27  # what stays: blocks that arrays elsewhere still use
    True
    """
    with _LOCK:
        _drop_unused()
        return _kept_bytes()
