"""Loop twins of the pooling ops in ``convscope.ops.pool``: one window at a time.

They walk the windows in row-major order (the order the playground animates) and state the definition
that the fast, slice-per-offset versions are tested against.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from convscope.geometry import Window
from convscope.ops.pool_windows import Array, as_grad_output, as_input, check_norm_type, pool_windows

__all__ = [
    "avg_pool2d_backward_naive",
    "avg_pool2d_naive",
    "lp_pool2d_backward_naive",
    "lp_pool2d_naive",
    "max_pool2d_backward_naive",
    "max_pool2d_naive",
    "sum_pool2d_backward_naive",
    "sum_pool2d_naive",
]

Position = tuple[int, int] | None  # (row, col) in the unpadded input; None where the kernel is on padding


def _naive_windows(x: Array, win: Window) -> Iterator[tuple[tuple[int, int, int, int], list[Position]]]:
    """Yield each window's output index (n, c, r, q) and its kH*kW input positions, kernel row-major."""
    # The definition written out (not `AxisWindow.taps`, which the fast ops use and these loops check).
    n_, c_, h, w = x.shape
    (sh, sw), (dh, dw), (oh, ow) = win.stride, win.dilation, win.output_size
    (ph, _), (pw, _) = win.padding
    for n, c, r, q in itertools.product(range(n_), range(c_), range(oh), range(ow)):
        positions: list[Position] = []
        for i, j in win.offsets():
            row, col = r * sh - ph + i * dh, q * sw - pw + j * dw
            positions.append((row, col) if 0 <= row < h and 0 <= col < w else None)
        yield (n, c, r, q), positions


def _first_max(x: Array, n: int, c: int, positions: list[Position]) -> tuple[int, int]:
    """The first position (kernel row-major) holding the window's largest value."""
    real = [pos for pos in positions if pos is not None]
    values = [x[n, c, row, col] for row, col in real]
    return real[values.index(max(values))]  # index() finds the first of tied maxima


def max_pool2d_naive(
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    return_indices: bool = False,
) -> Array | tuple[Array, Array]:
    """Loop twin of ``max_pool2d``: look at every window and keep its largest value."""
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, dilation)
    out = np.zeros((*arr.shape[:2], *win.output_size), dtype=arr.dtype)
    indices = np.zeros(out.shape, dtype=np.int64)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        row, col = _first_max(arr, n, c, positions)
        out[n, c, r, q] = arr[n, c, row, col]
        indices[n, c, r, q] = row * arr.shape[3] + col
    return (out, indices) if return_indices else out


def max_pool2d_backward_naive(
    grad_output: Any,
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    return_indices: bool = False,
    indices: Any = None,
) -> Array:
    """Loop twin of ``max_pool2d_backward``: each window hands its gradient to its first maximum.

    Given the forward's ``indices``, each window hands it to the input its index names instead.
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, dilation)
    g = as_grad_output(grad_output, win, arr)
    grad = np.zeros_like(arr)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        if indices is None:
            row, col = _first_max(arr, n, c, positions)
        else:
            row, col = divmod(int(indices[n, c, r, q]), arr.shape[3])
        grad[n, c, row, col] += g[n, c, r, q]
    return grad


def _naive_sum(
    x: Any, kernel_size: Any, stride: Any, padding: Any, half_kernel: bool, count_include_pad: bool | None
) -> Array:
    """Loop window sums, divided by the window's count when count_include_pad is not None (averaging)."""
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, half_kernel=half_kernel)
    out = np.zeros((*arr.shape[:2], *win.output_size), dtype=arr.dtype)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        real = [pos for pos in positions if pos is not None]
        total = sum(arr[n, c, row, col] for row, col in real)
        if count_include_pad is not None:
            total /= len(positions) if count_include_pad else len(real)
        out[n, c, r, q] = total
    return out


def _naive_sum_backward(
    grad_output: Any,
    x: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    half_kernel: bool,
    count_include_pad: bool | None,
) -> Array:
    """Loop adjoint of _naive_sum: every input of a window receives the window's (divided) gradient."""
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, half_kernel=half_kernel)
    g = as_grad_output(grad_output, win, arr)
    grad = np.zeros_like(arr)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        real = [pos for pos in positions if pos is not None]
        share = g[n, c, r, q]
        if count_include_pad is not None:
            share /= len(positions) if count_include_pad else len(real)
        for row, col in real:
            grad[n, c, row, col] += share
    return grad


def avg_pool2d_naive(
    x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, count_include_pad: bool = True
) -> Array:
    """Loop twin of ``avg_pool2d``."""
    return _naive_sum(x, kernel_size, stride, padding, True, count_include_pad)


def avg_pool2d_backward_naive(
    grad_output: Any,
    x: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    count_include_pad: bool = True,
) -> Array:
    """Loop twin of ``avg_pool2d_backward``."""
    return _naive_sum_backward(grad_output, x, kernel_size, stride, padding, True, count_include_pad)


def sum_pool2d_naive(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Array:
    """Loop twin of ``sum_pool2d``."""
    return _naive_sum(x, kernel_size, stride, padding, False, None)


def sum_pool2d_backward_naive(
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0
) -> Array:
    """Loop twin of ``sum_pool2d_backward``."""
    return _naive_sum_backward(grad_output, x, kernel_size, stride, padding, False, None)


def lp_pool2d_naive(x: Any, norm_type: Any, kernel_size: Any, stride: Any = None) -> Array:
    """Loop twin of ``lp_pool2d``: (sum of x**p over the window) ** (1/p)."""
    arr = as_input(x)
    p = check_norm_type(norm_type)
    return np.power(_naive_sum(arr**p, kernel_size, stride, 0, False, None), 1 / p)


def lp_pool2d_backward_naive(
    grad_output: Any, x: Any, norm_type: Any, kernel_size: Any, stride: Any = None
) -> Array:
    """Loop twin of ``lp_pool2d_backward``, window by window."""
    arr = as_input(x)
    p = check_norm_type(norm_type)
    win = pool_windows(arr, kernel_size, stride, 0, half_kernel=False)
    g = as_grad_output(grad_output, win, arr)
    grad = np.zeros_like(arr)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        real = [pos for pos in positions if pos is not None]  # lp pooling has no padding: all real
        total = sum(arr[n, c, row, col] ** p for row, col in real)
        if total == 0:
            continue
        for row, col in real:
            grad[n, c, row, col] += g[n, c, r, q] * total ** (1 / p - 1) * arr[n, c, row, col] ** (p - 1)
    return grad
