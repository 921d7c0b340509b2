"""Process-wide settings that convscope's own entry points (``convscope train``, ``convscope serve``) apply.

The library never changes global state by itself; these are for processes convscope starts and owns:
its entry points, ``fit``'s shard workers (`convscope.nn.shard_pool`) and the ops' helper process
(`convscope.ops.helper`).
"""

from __future__ import annotations

import os
import sys

from threadpoolctl import threadpool_limits

import convscope

# A worker process runs on one core: its BLAS must not start threads of its own.
ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def import_path() -> list[str]:
    """Where a worker looks for modules: this convscope's folder, then this process's own ``sys.path``.

    So the worker imports the same convscope, and the modules of any layer class a user's network uses.

    Examples
    --------
    >>> import_path()[0] == os.path.dirname(os.path.dirname(convscope.__file__))
    True
    """
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(convscope.__file__)))
    return [package_root, *(os.path.abspath(p) for p in sys.path if isinstance(p, str))]


def worker_environment() -> dict[str, str]:
    """The environment a worker process starts with: this one, one BLAS thread, `import_path` first.

    Examples
    --------
    >>> worker_environment()["OPENBLAS_NUM_THREADS"]
    '1'
    """
    return {**os.environ, **dict.fromkeys(ONE_THREAD, "1"), "PYTHONPATH": os.pathsep.join(import_path())}


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
