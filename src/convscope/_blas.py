"""NumPy's BLAS held to one thread inside convscope's ops, which spread their own work over the cores.

An op runs its chunks on every core itself: in threads (`convscope.ops.threads`) or with the helper
process (`convscope.ops.helper`). OpenBLAS's own threads, one per core by default, would then fight them
for the same cores, and keep spinning for a while after each product, on the core the helper works on.
In a process that left OpenBLAS at its default (2 threads here), a 32->32 3x3 layer's step took 126 ms
where it took 64 with one BLAS thread, and a LeNet step of ops 16 ms where it took 4
(benchmarks/RESULTS_perf.md #178). So every place an op multiplies (a product, a NaN check's dot) runs
inside `blas_on_one_thread`, which gives the caller's thread counts back after: a user's own products
outside the ops keep theirs. convscope's CLI and `fit` set one BLAS thread for the whole process anyway.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

_LOCK = threading.Lock()
_LIBRARIES: list[list[Any]] = []  # threadpoolctl's BLAS controllers, found on first use


def blas_libraries() -> list[Any]:
    """threadpoolctl's controllers of NumPy's BLAS libraries, found on first use (~7 ms, once)."""
    if not _LIBRARIES:
        with _LOCK:
            if not _LIBRARIES:
                from threadpoolctl import ThreadpoolController

                _LIBRARIES.append(ThreadpoolController().select(user_api="blas").lib_controllers)
    return _LIBRARIES[0]


def blas_threads() -> int:
    """The most threads NumPy's BLAS runs a product on here and now (1 as convscope's CLI and fit set it).

    Examples
    --------
    >>> with blas_on_one_thread():
    ...     blas_threads()
    1
    """
    return max((library.get_num_threads() for library in blas_libraries()), default=1)


class blas_on_one_thread:  # noqa: N801 (used as a function: ``with blas_on_one_thread():``)
    """NumPy's BLAS on one thread while the block runs; its previous counts given back after.

    A class, not a generator: entered a dozen times a LeNet step, where BLAS is already on one thread it
    costs each library's count read (~1 us in all). The counts are process-wide, as OpenBLAS keeps them.

    Examples
    --------
    >>> from threadpoolctl import threadpool_limits
    >>> with threadpool_limits(limits=2, user_api="blas"):
    ...     with blas_on_one_thread():
    ...         inside = blas_threads()
    ...     inside, blas_threads()
    (1, 2)
    """

    __slots__ = ("_changed",)

    def __enter__(self) -> None:
        self._changed: list[tuple[Any, int]] = []  # (library, its count before) where it was not 1
        for library in blas_libraries():
            count = library.get_num_threads()
            if count != 1:
                library.set_num_threads(1)
                self._changed.append((library, count))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for library, count in self._changed:
            library.set_num_threads(count)
