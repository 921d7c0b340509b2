"""Pooling on NCHW arrays: max, average, Lp and sum, each with its backward and a naive loop twin.

The fast versions never build windows. For each of the kH*kW kernel offsets they take one strided slice
of the padded input, shape (N, C, H_out, W_out), holding that offset's element of every window, and
combine slices elementwise (maximum or sum). The loop twins in ``pool_naive.py`` walk the windows in
row-major order, the order the playground animates, and state the definition these are tested against.

Arguments mean what they mean in ``torch.nn.functional``: ``stride=None`` is ``stride=kernel_size``,
``dilation=1`` is no dilation, and max/average pooling refuse padding above half the kernel, as PyTorch does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convscope.geometry import Window
from convscope.ops.pool_helped import helped_max_pool, helped_max_pool_backward
from convscope.ops.pool_indices import check_indices, flat_indices, scatter, window_argmax
from convscope.ops.pool_offsets import offset_values, offset_views, window_max
from convscope.ops.pool_pairs import max_pool2d_pairs_backward, max_pool2d_pairs_maxima, takes_pairs
from convscope.ops.pool_windows import (
    Array,
    as_grad_output,
    as_input,
    check_norm_type,
    pad_with,
    pool_windows,
    spatial,
    unpad,
)
from convscope.ops.workspace import Workspace

# ---------------------------------------------------------------- max pooling


def max_pool2d(
    x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    return_indices: bool = False,
) -> Array | tuple[Array, Array]:
    """Maximum over each (dilated) kH x kW window, as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    x : array (N, C, H, W)
    kernel_size, stride, padding, dilation : int or (h, w)
        ``stride=None`` means ``stride=kernel_size``. Padding counts as -inf, so it is never the
        maximum; it may be at most ``kernel_size // 2``.
    return_indices : bool
        Also return, per output, the flat index ``row * W + col`` of the chosen input in its plane.

    Returns
    -------
    out : array (N, C, H_out, W_out), H_out = (H + 2*padding - dilation*(kernel_size - 1) - 1) // stride + 1
    indices : int64 array (N, C, H_out, W_out), only if ``return_indices``

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, dilation)
    settings = (kernel_size, stride, padding, dilation)
    halves = None if return_indices else helped_max_pool(arr, (*arr.shape[:2], *win.output_size), settings)
    if halves is not None:
        return halves  # the second half of the batch pooled in the helper process
    if not return_indices and takes_pairs(arr, win):
        return max_pool2d_pairs_maxima(arr)  # 2x2/2 windows: two rounds of pairs
    values = offset_views(pad_with(arr, win, -np.inf), win)
    if not return_indices:
        return window_max(values)
    out, offset = window_argmax(values)  # offset: the kernel offset of each window's first maximum
    return out, flat_indices(offset, arr.shape[3], win)


def max_pool2d_backward(
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    return_indices: bool = False, output: Any = None, workspace: Workspace | None = None,
    indices: Any = None,
) -> Array:
    """Gradient of ``max_pool2d`` w.r.t. x (N, C, H, W): each window's gradient goes to its first maximum.

    ``indices``, what the forward returned for this x with ``return_indices=True`` (PyTorch's autograd
    keeps them so), makes the backward a scatter (``pool_indices.py``): the maxima are not looked for
    again, and x only gives the shape. Otherwise ``output``, the forward's result for this x if the caller
    kept it (as ``nn.MaxPool2d`` does), spares recomputing each window's maximum; the offsets are then
    compared where they lie (strided views). 2x2/2 windows take two rounds of pairs instead
    (``pool_pairs.py``), with scratch from ``workspace``.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> max_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2)[0, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, dilation)
    g = as_grad_output(grad_output, win, arr)
    plain = indices is None and output is None and workspace is None  # what the helper takes
    halves = helped_max_pool_backward(g, arr, (kernel_size, stride, padding, dilation)) if plain else None
    if halves is not None:
        return halves
    if indices is not None:
        return scatter(g, check_indices(indices, g.shape, arr.shape[2] * arr.shape[3]), arr.shape, win)
    if takes_pairs(arr, win):  # finds each window's maximum on the way: ``output`` is not read
        if output is not None and np.shape(output) != g.shape:
            as_grad_output(output, win, arr, "output")  # raises, naming the expected shape
        return max_pool2d_pairs_backward(g, arr, workspace)
    xp = pad_with(arr, win, -np.inf)
    if output is None:
        values = offset_values(xp, win)
        best = window_max(values)
    else:
        values, best = offset_views(xp, win), as_grad_output(output, win, arr, "output")
    # Windows that step exactly their own size, undilated and reaching the far edge, cover every input
    # once: each offset's share is assigned (no read-back of the strided destination) into memory that
    # needs no zeroing first (LeNet's 2x2/2 pools; benchmarks/RESULTS_perf.md).
    disjoint = win.dilation == (1, 1) and all(a.stride >= a.kernel_size for a in win.axes)
    covered = disjoint and all(a.stride == a.kernel_size and a.dropped == range(0) for a in win.axes)
    grad = np.empty_like(xp) if covered else np.zeros_like(xp)
    # Offsets in row-major order; a window's gradient goes to the first offset holding its maximum and
    # is then used up, so tied maxima after it get nothing (PyTorch's rule).
    unrouted, share, hit = g.copy(), np.empty_like(g), np.empty(g.shape, dtype=bool)
    for k, offset in enumerate(win.offsets()):
        np.multiply(unrouted, np.equal(values[k], best, out=hit), out=share)
        where = spatial(win.offset_index(offset))
        if disjoint:
            grad[where] = share
        else:
            cells = grad[where]
            np.add(cells, share, out=cells)  # into the view: no copy of the sum onto itself
        unrouted -= share
    return unpad(grad, win)


# ---------------------------------------------------------------- average, sum and Lp pooling


def _window_sum(xp: Array, win: Window) -> Array:
    """Sum over each window of the padded input: (N, C, Hp, Wp) -> (N, C, H_out, W_out)."""
    total: Array | None = None
    for offset in win.offsets():
        part = xp[spatial(win.offset_index(offset))]
        total = part.copy() if total is None else np.add(total, part, out=total)
    assert total is not None
    return total


def _window_sum_backward(g: Array, padded_shape: tuple[int, ...], win: Window) -> Array:
    """Adjoint of _window_sum: each window's gradient g (N, C, H_out, W_out) goes to all its inputs."""
    grad = np.zeros(padded_shape, dtype=g.dtype)
    for offset in win.offsets():
        cells = grad[spatial(win.offset_index(offset))]
        np.add(cells, g, out=cells)  # into the view: ``grad[...] += g`` would copy the sum onto itself
    return grad


def _padded_shape(x: Array, win: Window) -> tuple[int, ...]:
    return (*x.shape[:2], *win.padded_size)


def _divisor(x: Array, win: Window, count_include_pad: bool) -> Array:
    """How many inputs each window averages: kH*kW, or (H_out, W_out) counts of non-padding inputs."""
    if count_include_pad:
        return np.asarray(np.prod(win.kernel_size), dtype=x.dtype)
    counts = [axis.reads_input().sum(axis=1) for axis in win.axes]  # (H_out,), (W_out,)
    divisor: Array = counts[0][:, None] * counts[1][None, :]  # (H_out, W_out)
    return divisor.astype(x.dtype)


def avg_pool2d(
    x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, count_include_pad: bool = True
) -> Array:
    """Mean over each kH x kW window, as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    x : array (N, C, H, W)
    kernel_size, stride, padding : int or (h, w)
        ``stride=None`` means ``stride=kernel_size``; padding (zeros) is at most ``kernel_size // 2``.
    count_include_pad : bool
        Divide by kH*kW (True) or by the number of non-padding inputs in the window (False).

    Returns
    -------
    array (N, C, H_out, W_out), H_out = (H + 2*padding - kernel_size) // stride + 1

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> avg_pool2d(x, 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding)
    return _window_sum(pad_with(arr, win, 0.0), win) / _divisor(arr, win, count_include_pad)


def avg_pool2d_backward(
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
    count_include_pad: bool = True,
) -> Array:
    """Gradient of ``avg_pool2d`` w.r.t. x (N, C, H, W): each window shares its gradient equally.

    Examples
    --------
    >>> avg_pool2d_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 2, 2)), 2)[0, 0]
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding)
    g = as_grad_output(grad_output, win, arr) / _divisor(arr, win, count_include_pad)
    return unpad(_window_sum_backward(g, _padded_shape(arr, win), win), win)


def sum_pool2d(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Array:
    """Sum over each kH x kW window: average pooling without the division (PyTorch has no twin).

    Parameters
    ----------
    x : array (N, C, H, W)
    kernel_size, stride, padding : int or (h, w)
        ``stride=None`` means ``stride=kernel_size``. Padding is zeros; unlike max/avg pooling any
        padding is allowed as long as the kernel fits (a window of only padding sums to 0).

    Returns
    -------
    array (N, C, H_out, W_out), H_out = (H + 2*padding - kernel_size) // stride + 1

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> sum_pool2d(x, 2)[0, 0]
    array([[10., 18.],
           [42., 50.]])
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, half_kernel=False)
    return _window_sum(pad_with(arr, win, 0.0), win)


def sum_pool2d_backward(
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0
) -> Array:
    """Gradient of ``sum_pool2d`` w.r.t. x (N, C, H, W): each input collects the gradient of its windows.

    Examples
    --------
    >>> sum_pool2d_backward(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 3, 3)), 2, stride=1)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    arr = as_input(x)
    win = pool_windows(arr, kernel_size, stride, padding, half_kernel=False)
    g = as_grad_output(grad_output, win, arr)
    return unpad(_window_sum_backward(g, _padded_shape(arr, win), win), win)


def _lp_window_sums(arr: Array, p: float, win: Window) -> Array:
    """Sum of x**p over each window (N, C, H_out, W_out), refusing inputs with no real p-th root."""
    if not p.is_integer() and np.any(arr < 0):
        raise ValueError(f"x must be non-negative when norm_type ({p}) is not a whole number: "
                         "negative numbers have no real fractional power")
    sums = _window_sum(arr**p, win)
    if p != 1 and np.any(sums < 0):
        raise ValueError(f"a window's sum of x**{p:g} is negative, which has no real {p:g}-th root; "
                         "use an even norm_type or non-negative x")
    return sums


def lp_pool2d(x: Any, norm_type: Any, kernel_size: Any, stride: Any = None) -> Array:
    """Power-average pooling (sum of x**p over each window) ** (1/p), as ``torch.nn.functional.lp_pool2d``.

    ``norm_type=2`` is L2 pooling; ``norm_type=1`` is sum pooling (of x, not of |x|, like PyTorch).

    Parameters
    ----------
    x : array (N, C, H, W)
    norm_type : float >= 1
        The power p. A fractional p needs non-negative x; an odd p needs non-negative window sums.
    kernel_size, stride : int or (h, w)
        ``stride=None`` means ``stride=kernel_size``. There is no padding, as in PyTorch.

    Returns
    -------
    array (N, C, H_out, W_out), H_out = (H - kernel_size) // stride + 1

    Examples
    --------
    >>> x = np.array([[[[3.0, 0.0], [0.0, 4.0]]]])
    >>> lp_pool2d(x, 2, 2)
    array([[[[5.]]]])
    """
    arr = as_input(x)
    p = check_norm_type(norm_type)
    win = pool_windows(arr, kernel_size, stride, 0, half_kernel=False)
    return np.power(_lp_window_sums(arr, p, win), 1 / p)


def lp_pool2d_backward(
    grad_output: Any, x: Any, norm_type: Any, kernel_size: Any, stride: Any = None
) -> Array:
    """Gradient of ``lp_pool2d`` w.r.t. x (N, C, H, W): g * S**(1/p - 1) * x**(p - 1), S the window sum.

    A window whose sum S is exactly 0 (all zeros, for even p) passes no gradient: the derivative is
    infinite or undefined there, and 0 is what PyTorch's autograd returns too.

    Examples
    --------
    >>> x = np.array([[[[3.0, 0.0], [0.0, 4.0]]]])
    >>> lp_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2, 2)[0, 0]
    array([[0.6, 0. ],
           [0. , 0.8]])
    """
    arr = as_input(x)
    p = check_norm_type(norm_type)
    win = pool_windows(arr, kernel_size, stride, 0, half_kernel=False)
    g = as_grad_output(grad_output, win, arr)
    sums = _lp_window_sums(arr, p, win)
    nonzero = sums != 0
    scale = np.where(nonzero, g * np.power(np.where(nonzero, sums, 1), 1 / p - 1), 0)
    return _window_sum_backward(scale.astype(arr.dtype), arr.shape, win) * np.power(arr, p - 1)
