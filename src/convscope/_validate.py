"""Argument checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind, wrong value)
whose message names the argument, what it got and what is allowed, so a learner knows what to change.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

Pair = tuple[int, int]


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
    x: Any, name: str, ndim: int | tuple[int, ...] | None = None, *, layout: str = ""
) -> npt.NDArray[np.floating[Any]]:
    """Return ``x`` as a floating-point array after checking its rank and that it holds no NaN or inf.

    ``layout`` (e.g. ``"(N, C, H, W)"``) is only used in the error message. Integer and boolean input
    becomes float64; float32 stays float32 so callers keep their precision.
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
    if not all_finite(arr):
        raise ValueError(f"{name} contains NaN or infinity; every value must be a finite number")
    return arr


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


def all_finite(a: npt.NDArray[np.floating[Any]]) -> bool:
    """Whether every value of a float array is finite; a large one is judged from its sum first.

    No NaN or infinity survives a sum, and a sum that overflows (finite values past the dtype's range) is
    checked value by value, so the answer is exact. The sum (one pass, no boolean array) only pays from
    ``SUM_FROM`` values on: below that ``np.isfinite(a).all()`` took half its time (LeNet's inputs, 28-30
    vs 51-57 us), above it the sum won (1.7 vs 2.1 ms at 32x32x64x64; CPU time, medians of 9). Every
    op checks its arrays with it (`as_array`): a 32->32 conv layer's forward and backward check 12.6 M
    values, all on the calling thread while the other cores wait (benchmarks/RESULTS_perf.md #111).

    Examples
    --------
    >>> all_finite(np.ones(3)), all_finite(np.array([1.0, np.nan])), all_finite(np.full(3, 3e38, np.float32))
    (True, False, True)
    """
    if a.size < SUM_FROM:
        return bool(np.isfinite(a).all())
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf, or an overflow: answered below
        total = np.add.reduce(a, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(a).all())
