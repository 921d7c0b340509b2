"""Argument checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind, wrong value)
whose message names the argument, what it got and what is allowed, so a learner knows what to change.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from convscope._blas import blas_on_one_thread
from convscope._thread_flag import switched_on

if TYPE_CHECKING:
    from convscope._thread_flag import Switch

Pair = tuple[int, int]
_TRUST = threading.local()  # .on: whether this thread's float arrays are taken as finite (`trusted_values`)


def check_int(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer within [minimum, maximum]."""
    # bool is an int subclass; `stride=True` is almost certainly a mistake, so refuse it.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {result}")
    if maximum is not None and result > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {result}")
    return result


def as_pair(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> Pair:
    """Return an int or an (h, w) pair of ints as an (h, w) tuple, each checked like `check_int`.

    Examples
    --------
    >>> as_pair(3, "kernel_size")
    (3, 3)
    >>> as_pair((3, 5), "kernel_size")
    (3, 5)
    """
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {len(value)} values")
        h = check_int(value[0], f"{name}[0]", minimum, maximum)
        w = check_int(value[1], f"{name}[1]", minimum, maximum)
        return (h, w)
    v = check_int(value, name, minimum, maximum)
    return (v, v)


def as_array(
    x: Any, name: str, ndim: int | tuple[int, ...] | None = None, *, layout: str = "", values: bool = True
) -> npt.NDArray[np.floating[Any]]:
    """Return ``x`` as a floating-point array after checking its rank and that it holds no NaN or inf.

    ``layout`` (e.g. ``"(N, C, H, W)"``) is only used in the error message. Integer and boolean input
    becomes float64; float32 stays float32 so callers keep their precision. ``values=False`` leaves the
    NaN check to the caller, which reads the array in chunks anyway (`check_chunk`).
    """
    # A float array (every call inside a training step) needs none of the dtype checks below: about
    # 60 calls a LeNet step, whose Python-level checks were a measurable part of a small batch's step.
    arr = x if type(x) is np.ndarray and x.dtype.kind == "f" else _as_float_array(x, name)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            shape = f" {layout}" if layout else ""
            raise ValueError(f"{name} must be {want}{shape}, got shape {arr.shape}")
    if values and not finite(arr):
        raise ValueError(f"{name} contains NaN or infinity; every value must be a finite number")
    return arr


class NonFiniteChunkError(ValueError):
    """A chunk of an op's input holds NaN or infinity (`check_chunk`).

    The op that checks its inputs chunk by chunk catches it and checks them whole, in the order of its
    arguments (`as_array`), for the error an up-front check gives.
    """


def check_chunk(a: npt.NDArray[np.floating[Any]]) -> None:
    """Raise `NonFiniteChunkError` unless every value of ``a``, a chunk of an op's input, is finite.

    An op whose chunks are large reads each one's values as it starts on it, while they are in its
    core's cache for the work, on whichever core works it, instead of once more up front on one core:
    one large image a chunk on the 32->32 layer (benchmarks/RESULTS_perf.md #172).
    """
    if not all_finite(a):
        raise NonFiniteChunkError("an input holds NaN or infinity")


def values_trusted() -> bool:
    """Whether this thread is inside `trusted_values` (its ops take float inputs as finite)."""
    return bool(getattr(_TRUST, "on", False))


def trusted_values() -> Switch:
    """Within it, on this thread, every op takes its float inputs as finite without reading them.

    For a caller that checks what goes in and what comes out itself, as a training shard does
    (`convscope.nn.shards.shard_step`: its input and the parameters before, the network's output and the
    gradients after): every op in between would otherwise read each activation and gradient once more
    only to find it finite, ~5.5 M values and 8-10 % of a 128-image LeNet shard (RESULTS_perf #138).
    Every other check (types, ranks, shapes) still runs. Public as ``convscope.ops.trusted_values``.
    A NaN that gets in is then not refused: it flows on into the results, as in PyTorch.

    Examples
    --------
    >>> from convscope import ops
    >>> nan = np.array([[np.nan, 1.0]])
    >>> with ops.trusted_values():
    ...     ops.relu(nan)
    array([[nan,  1.]])
    >>> ops.relu(nan)
    Traceback (most recent call last):
    ...
    ValueError: x contains NaN or infinity; every value must be a finite number
    """
    return switched_on(_TRUST, "on")


def finite(a: npt.NDArray[np.floating[Any]]) -> bool:
    """`all_finite`, except inside `trusted_values`, where it is True without reading ``a``."""
    return values_trusted() or all_finite(a)


def _as_float_array(x: Any, name: str) -> npt.NDArray[np.floating[Any]]:
    """``x`` as a real floating-point array (integers and booleans as float64), or a clear TypeError."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


SUM_FROM = 1 << 20  # values; see all_finite
DOT_FROM = 1 << 17  # values: below, np.errstate's ~3 us (the dot warns on an overflow) outweighs the gain
_BLAS_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def all_finite(a: npt.NDArray[np.floating[Any]]) -> bool:
    """Whether every value of a float array is finite, judged from one reduction first.

    No NaN or infinity survives a sum or a dot product, and one that overflows (finite values past the
    dtype's range) is checked value by value, so the answer is exact. A contiguous float32 or float64
    array of ``DOT_FROM`` values or more is judged by BLAS's dot product with itself, which reads it
    once and writes nothing: 0.10 ms for LeNet's 1.2 M conv1 activations where ``np.isfinite(a).all()``
    took 0.16-0.19 and a sum 0.26-0.42 (benchmarks/RESULTS_perf.md #118). Every op checks its arrays
    with it (`as_array`), about 12 M values in a batch-256 LeNet step. Other large arrays: a sum from
    ``SUM_FROM`` values on (no boolean array; #111); the rest value by value (``np.isfinite``).

    Examples
    --------
    >>> all_finite(np.ones(3)), all_finite(np.array([1.0, np.nan])), all_finite(np.full(3, 3e38, np.float32))
    (True, False, True)
    """
    blas = a.size >= DOT_FROM and a.dtype in _BLAS_FLOATS and a.flags.c_contiguous
    if not blas and a.size < SUM_FROM:
        # the ufunc's own reduce: ndarray.all() adds ~1 us of Python, on ~60 mostly small checks a step
        return bool(np.logical_and.reduce(np.isfinite(a), axis=None))
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf, or an overflow: answered below
        if blas:
            flat = a.reshape(-1)  # (size,): a view of contiguous memory
            with blas_on_one_thread():  # OpenBLAS splits a long dot over its threads (`convscope._blas`)
                total = np.dot(flat, flat)
        else:
            total = np.add.reduce(a, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(a).all())


def all_finite_together(arrays: Sequence[npt.NDArray[np.floating[Any]]]) -> bool:
    """Whether every value of every array is finite: `all_finite` of each, judged from one total first.

    Each contiguous float32 or float64 array adds its dot product with itself to one total, all under one
    ``np.errstate``, where `all_finite` takes two ufunc calls for each small array and an errstate for
    each large one: a network's 10 parameters and its input, 16 against 25 us (benchmarks/RESULTS_perf.md
    #167). A NaN, an infinity or an overflow makes the total non-finite, and then each array is judged
    alone, so the answer is exact. Other arrays are judged alone.

    Examples
    --------
    >>> all_finite_together([np.ones(3), np.zeros((2, 2), np.float32)])
    True
    >>> all_finite_together([np.ones(3), np.array([1.0, np.inf])]), all_finite_together([np.full(3, 3e38)])
    (False, True)
    """
    total, alone = 0.0, []
    with np.errstate(over="ignore", invalid="ignore"), blas_on_one_thread():  # an overflow: see below
        for a in arrays:
            if a.dtype in _BLAS_FLOATS and a.flags.c_contiguous:
                flat = a.reshape(-1)  # (size,): a view of contiguous memory
                total += float(np.dot(flat, flat))
            else:
                alone.append(a)
    if not math.isfinite(total):
        return all(all_finite(a) for a in arrays)
    return all(all_finite(a) for a in alone)
