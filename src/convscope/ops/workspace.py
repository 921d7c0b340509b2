"""Scratch memory kept between calls: ``Workspace`` hands out the same arrays for the same shapes.

A training step builds the same temporaries every time (a convolution's im2col columns, its matrix
products, the scattered input gradient). Freed, large arrays go back to the operating system, and the
next step's identical arrays are faulted in again page by page: about half of a batch-64 LeNet step in
``benchmarks/RESULTS_perf.md``. A layer that keeps a ``Workspace`` and passes it to the ops has them
write into memory it already owns. The ops never return a workspace array (results are fresh arrays),
so nothing a caller holds is overwritten by the next call.

A workspace also remembers what an array was last filled from (``note`` / ``holding``): a convolution's
backward, given the forward's workspace and the same input object, reuses the forward's im2col columns
instead of building them again. That assumes the input was not changed in place in between, as a
layer's cached input never is (a workspace made with ``trusts=False`` checks it).

A workspace is not thread-safe: one per thread (``convscope.nn.parallel`` gives each shard's layer
replica its own). An op that runs its chunks in threads (`convscope.ops.threads`) gives each thread
its own ``part``, the same one for the same block of chunks forward and backward.

An op called without a workspace takes its calling thread's own (`thread_workspace`), so repeated calls
stop faulting the same pages in. It trusts no caller (``trusts=False``): it keeps a copy of what each
noted array was built from and reuses the array only if those numbers are still bit for bit the same,
so a caller who changes an input in place between a forward and a backward still gets its gradients.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.ops import recycle

Array = npt.NDArray[Any]


class Workspace:
    """Arrays by (role, shape, dtype), created on first use and reused after; at most ``limit`` kept.

    Examples
    --------
    >>> ws = Workspace()
    >>> a = ws.empty("cols", (2, 3), np.float32)
    >>> ws.empty("cols", (2, 3), np.float32) is a, ws.empty("cols", (3, 2), np.float32) is a
    (True, False)
    """

    def __init__(self, limit: int = 16, *, trusts: bool = True, most_bytes: int | None = None) -> None:
        self.limit = limit  # a new batch size or chunk shape adds entries; past this, start afresh
        self.trusts = trusts  # False: ``holding`` also compares the noted ``content`` with a copy
        self.most_bytes = most_bytes  # kept in all; past this, start afresh (larger arrays: never kept)
        self._arrays: dict[tuple[str, tuple[int, ...], str], Array] = {}
        self._sources: dict[tuple[str, tuple[int, ...], str], tuple[object, object, Array | None]] = {}
        self._parts: dict[int, Workspace] = {}

    def part(self, index: int) -> Workspace:
        """The workspace of an op's ``index``-th thread (`convscope.ops.threads`); part 0 is this one.

        Examples
        --------
        >>> ws = Workspace()
        >>> ws.part(0) is ws, ws.part(1) is ws.part(1), ws.part(1) is ws
        (True, True, False)
        """
        if index == 0:
            return self
        if index not in self._parts:
            self._parts[index] = Workspace(self.limit, trusts=self.trusts, most_bytes=self.most_bytes)
        return self._parts[index]

    def empty(self, role: str, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Array:
        """An uninitialised array of this shape and dtype, the same one each time for this role.

        The caller is about to overwrite it, so what it held (``note``) is forgotten.
        """
        key = (role, tuple(shape), np.dtype(dtype).str)
        self._sources.pop(key, None)
        array = self._arrays.get(key)
        if array is None:
            size = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
            most = self.most_bytes
            if most is not None and size > most:
                return _aligned(shape, dtype, size)  # handed out, not kept
            if len(self._arrays) >= self.limit or (most is not None and size + self._bytes() > most):
                self._arrays.clear()
                self._sources.clear()
            array = self._arrays[key] = _aligned(shape, dtype, size)
        return array

    def _bytes(self) -> int:
        """Bytes of the arrays kept."""
        return sum(a.nbytes for a in self._arrays.values())

    def note(self, array: Array, role: str, source: object, detail: object, content: Array) -> None:
        """Record that ``array`` (this role's) now holds what was computed from ``source`` and ``detail``.

        ``source`` is compared by identity (and kept alive, so its id is never reused), ``detail`` by
        ``==``; ``content`` is the part of ``source`` the array was built from, copied unless trusted.
        """
        copy = None if self.trusts else np.array(content, copy=True)
        self._sources[(role, array.shape, array.dtype.str)] = (source, detail, copy)

    def holding(
        self, role: str, shape: tuple[int, ...], dtype: npt.DTypeLike, source: object, detail: object,
        content: Array,
    ) -> Array | None:
        """This role's array if ``note`` said it holds what ``source``, ``detail`` and ``content`` give.

        Examples
        --------
        >>> ws, x = Workspace(trusts=False), np.ones(3)
        >>> cols = ws.empty("cols", (2,), np.float32)
        >>> ws.note(cols, "cols", x, 0, x)
        >>> ws.holding("cols", (2,), np.float32, x, 0, x) is cols
        True
        >>> ws.holding("cols", (2,), np.float32, x, 1, x) is None  # another detail
        True
        >>> x[0] = -1.0  # changed in place: a workspace that trusts no one sees it
        >>> ws.holding("cols", (2,), np.float32, x, 0, x) is None
        True
        """
        key = (role, tuple(shape), np.dtype(dtype).str)
        held = self._sources.get(key)
        if held is None or held[0] is not source or held[1] != detail:
            return None
        if held[2] is not None and not _same_bits(held[2], content):
            return None
        return self._arrays.get(key)

    def __repr__(self) -> str:
        megabytes = self._bytes() / 2**20
        return f"Workspace({len(self._arrays)} arrays, {megabytes:.1f} MB)"


def _aligned(shape: tuple[int, ...], dtype: npt.DTypeLike, size: int) -> Array:
    """An uninitialised array of ``size`` bytes that starts on a cache line, where BLAS reads a product's
    operand faster (`convscope.ops.recycle.ALIGN`): the columns products read are workspace arrays."""
    if np.dtype(dtype).hasobject:  # bytes cannot be read as objects
        return np.empty(shape, dtype=dtype)
    return recycle.aligned_bytes(size).view(dtype).reshape(shape)


def scratch(workspace: Workspace | None, role: str, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Array:
    """``workspace.empty(role, shape, dtype)``, or a fresh array (`convscope.ops.recycle`) without one.

    Examples
    --------
    >>> scratch(None, "cols", (2,), np.float64).shape
    (2,)
    """
    return recycle.empty(shape, dtype) if workspace is None else workspace.empty(role, shape, dtype)


_PER_THREAD = threading.local()


def thread_workspace() -> Workspace:
    """The calling thread's own scratch `Workspace`, for ops called without one; it trusts no caller.

    Examples
    --------
    >>> thread_workspace() is thread_workspace(), thread_workspace().trusts
    (True, False)
    """
    workspace: Workspace | None = getattr(_PER_THREAD, "workspace", None)
    if workspace is None:
        # It serves whatever the thread's calls bring (a network's layers one after the other), in every
        # thread that calls an op, a server's too: so at most 64 MB, and nothing larger is kept.
        workspace = _PER_THREAD.workspace = Workspace(limit=32, trusts=False, most_bytes=2**26)
    return workspace


def block_workspace(workspace: Workspace | None, index: int) -> Workspace:
    """The scratch of an op's ``index``-th block of chunks: ``workspace``'s part, or this thread's own.

    Examples
    --------
    >>> ws = Workspace()
    >>> block_workspace(ws, 0) is ws, block_workspace(None, 0) is thread_workspace()
    (True, True)
    """
    return thread_workspace() if workspace is None else workspace.part(index)


def _same_bits(a: Array, b: Array) -> bool:
    """Whether a and b hold the same bits (0.0 and -0.0 differ; a NaN matches only its own bits).

    Compared as unsigned integers of the same width: one NumPy pass where comparing the floats and then
    their sign bits took four (28 against 62 us for a 64-image chunk of LeNet's conv2 input).

    Examples
    --------
    >>> a = np.array([0.0, np.nan])
    >>> _same_bits(a, a.copy()), _same_bits(a, np.array([-0.0, np.nan]))
    (True, False)
    """
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.itemsize not in (1, 2, 4, 8):  # no unsigned integer as wide: compare the bytes
        return a.tobytes() == b.tobytes()
    as_bits = np.dtype(f"u{a.itemsize}")
    return bool(np.array_equal(a.view(as_bits), b.view(as_bits)))
