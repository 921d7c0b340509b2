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
layer's cached input never is.

A workspace is not thread-safe: one per thread (``convscope.nn.parallel`` gives each shard's layer
replica its own).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

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

    def __init__(self, limit: int = 16) -> None:
        self.limit = limit  # a new batch size or chunk shape adds entries; past this, start afresh
        self._arrays: dict[tuple[str, tuple[int, ...], str], Array] = {}
        self._sources: dict[tuple[str, tuple[int, ...], str], tuple[object, object]] = {}

    def empty(self, role: str, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Array:
        """An uninitialised array of this shape and dtype, the same one each time for this role.

        The caller is about to overwrite it, so what it held (``note``) is forgotten.
        """
        key = (role, tuple(shape), np.dtype(dtype).str)
        self._sources.pop(key, None)
        array = self._arrays.get(key)
        if array is None:
            if len(self._arrays) >= self.limit:
                self._arrays.clear()
                self._sources.clear()
            array = self._arrays[key] = np.empty(shape, dtype=dtype)
        return array

    def note(self, array: Array, role: str, source: object, detail: object) -> None:
        """Record that ``array`` (this role's) now holds what was computed from ``source`` and ``detail``.

        ``source`` is compared by identity (and kept alive, so its id is never reused), ``detail`` by ``==``.
        """
        self._sources[(role, array.shape, array.dtype.str)] = (source, detail)

    def holding(
        self, role: str, shape: tuple[int, ...], dtype: npt.DTypeLike, source: object, detail: object
    ) -> Array | None:
        """This role's array if ``note`` said it holds what ``source`` and ``detail`` give; else None.

        Examples
        --------
        >>> ws, x = Workspace(), np.ones(3)
        >>> cols = ws.empty("cols", (2,), np.float32)
        >>> ws.note(cols, "cols", x, 0)
        >>> ws.holding("cols", (2,), np.float32, x, 0) is cols, ws.holding("cols", (2,), np.float32, x, 1)
        (True, None)
        """
        key = (role, tuple(shape), np.dtype(dtype).str)
        held = self._sources.get(key)
        if held is None or held[0] is not source or held[1] != detail:
            return None
        return self._arrays.get(key)

    def __repr__(self) -> str:
        megabytes = sum(a.nbytes for a in self._arrays.values()) / 2**20
        return f"Workspace({len(self._arrays)} arrays, {megabytes:.1f} MB)"


def scratch(workspace: Workspace | None, role: str, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Array:
    """``workspace.empty(role, shape, dtype)``, or a fresh ``np.empty`` without a workspace.

    Examples
    --------
    >>> scratch(None, "cols", (2,), np.float64).shape
    (2,)
    """
    return np.empty(shape, dtype=dtype) if workspace is None else workspace.empty(role, shape, dtype)
