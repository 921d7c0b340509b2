"""Process-wide settings that convscope's own entry points (``convscope train``, ``convscope serve``) apply.

The library never changes global state by itself; these are for processes convscope starts and owns.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def one_blas_thread() -> None:
    """Run BLAS (NumPy's matrix products) on one thread for the rest of the process.

    LeNet's matrix products are small. With OpenBLAS's default of one thread per core, its threads
    spin between products and take the CPU the rest of the step needs: on the 2-core machine in
    ``benchmarks/RESULTS.md`` one training step ran 2-3x faster on one thread (and 10x faster when
    another process was busy). The server also trains in a background thread while answering the page,
    which a second spinning BLAS thread would starve.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info, threadpool_limits
    >>> with threadpool_limits(limits=None):  # restores the original limits on exit
    ...     one_blas_thread()
    ...     sorted({pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"})
    [1]
    """
    threadpool_limits(limits=1, user_api="blas")
