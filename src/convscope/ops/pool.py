"""Pooling on NCHW arrays: max, average, Lp and sum, each with its backward and a naive loop twin.

The fast versions never build windows. For each of the kH*kW kernel offsets they take one strided slice
of the padded input, shape (N, C, H_out, W_out), holding that offset's element of every window, and
combine slices elementwise (maximum or sum). The naive twins walk the windows in row-major order, the
order the playground animates, and state the definition the fast versions are tested against.

Arguments mean what they mean in ``torch.nn.functional``: ``stride=None`` is ``stride=kernel_size``,
``dilation=1`` is no dilation, and max/average pooling refuse padding above half the kernel, as PyTorch does.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import Pair, as_array, as_pair

Array = npt.NDArray[Any]


@dataclass(frozen=True)
class _Windows:
    """Geometry of the pooling windows over a padded input (all pairs are (height, width))."""

    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    out: Pair

    def offsets(self) -> Iterator[tuple[int, int, int]]:
        """Yield (k, i, j): kernel offset k = i*kW + j in row-major order."""
        for i in range(self.kernel[0]):
            for j in range(self.kernel[1]):
                yield i * self.kernel[1] + j, i, j

    def slices(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input that kernel offset (i, j) reads, one per window."""
        (sh, sw), (dh, dw), (oh, ow) = self.stride, self.dilation, self.out
        return slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


def _windows(
    x: Array, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1, half_kernel: bool = True
) -> _Windows:
    """Check the pooling arguments against x (N, C, H, W) and return the window geometry."""
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    step = kernel if stride is None else as_pair(stride, "stride", minimum=1)
    pad = as_pair(padding, "padding", minimum=0)
    dil = as_pair(dilation, "dilation", minimum=1)
    out = []
    for axis, size, k, s, p, d in zip(("height", "width"), x.shape[2:], kernel, step, pad, dil, strict=True):
        if half_kernel and p > k // 2:
            raise ValueError(f"padding must be at most half of kernel_size ({k // 2} for a kernel of {k}), "
                             f"got {p} on the {axis} axis")
        span = d * (k - 1) + 1
        if span > size + 2 * p:
            dilated = f" (dilated to {span})" if d > 1 else ""
            raise ValueError(f"kernel_size {k}{dilated} is larger than the padded input on the {axis} axis: "
                             f"{size} + 2*{p} = {size + 2 * p}")
        out.append((size + 2 * p - span) // s + 1)
        if half_kernel:  # max/avg pooling; sum pooling lets a window of padding sum to 0
            _check_touches_input(axis, size, k, s, p, d, out[-1])
    return _Windows(kernel, step, pad, dil, (out[0], out[1]))


def _check_touches_input(axis: str, size: int, k: int, s: int, p: int, d: int, o: int) -> None:
    """Refuse dilated windows that see only padding: PyTorch returns -inf there and corrupts memory."""
    taps = (np.arange(o) * s - p)[:, None] + np.arange(k) * d  # (out, kernel): input index of each tap
    empty = ~np.any((taps >= 0) & (taps < size), axis=1)
    if np.any(empty):
        raise ValueError(f"padding {p} with dilation {d} leaves window {int(np.argmax(empty))} on the {axis} "
                         "axis covering only padding; use less padding or dilation")


def _input(x: Any) -> Array:
    return as_array(x, "x", 4, layout="(N, C, H, W)")


def _grad(grad_output: Any, win: _Windows, x: Array) -> Array:
    """Check grad_output has the forward's output shape (N, C, H_out, W_out)."""
    g = as_array(grad_output, "grad_output")
    expected = (*x.shape[:2], *win.out)
    if g.shape != expected:
        raise ValueError(f"grad_output must have the output's shape {expected}, got {g.shape}")
    return g.astype(x.dtype, copy=False)


def _pad(x: Array, padding: Pair, value: float) -> Array:
    """x (N, C, H, W) -> (N, C, H + 2pH, W + 2pW), border filled with value."""
    ph, pw = padding
    if ph == pw == 0:
        return x
    h, w = x.shape[2:]
    out = np.full((*x.shape[:2], h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
    out[:, :, ph : ph + h, pw : pw + w] = x
    return out


def _unpad(grad_padded: Array, padding: Pair) -> Array:
    """Drop the border _pad added; the gradient that fell on padding goes nowhere."""
    ph, pw = padding
    h, w = grad_padded.shape[2:]
    return grad_padded[:, :, ph : h - ph, pw : w - pw]


# ---------------------------------------------------------------- max pooling


def _window_max(xp: Array, win: _Windows) -> Array:
    """Maximum over each window of the padded input: (N, C, Hp, Wp) -> (N, C, H_out, W_out)."""
    best: Array | None = None
    for _, i, j in win.offsets():
        part = xp[(..., *win.slices(i, j))]
        best = part.copy() if best is None else np.maximum(best, part, out=best)
    assert best is not None
    return best


def _first_max_hits(xp: Array, best: Array, win: _Windows) -> Iterator[tuple[int, int, int, Array]]:
    """Yield (k, i, j, hit) per kernel offset; hit (N, C, H_out, W_out) marks windows whose max it holds.

    Offsets come in row-major order and a window stops matching once hit, so among tied maxima the
    first one wins, as in PyTorch. (Boolean masks and multiplication: much faster than np.where here.)
    """
    taken = np.zeros(best.shape, dtype=bool)
    for k, i, j in win.offsets():
        hit = (xp[(..., *win.slices(i, j))] == best) & ~taken
        taken |= hit
        yield k, i, j, hit


def _flat_indices(offset: Array, x_shape: tuple[int, ...], win: _Windows) -> Array:
    """Turn each window's kernel offset into PyTorch's index: row * W + col in the unpadded input."""
    kw, (sh, sw), (ph, pw), (dh, dw), (oh, ow) = win.kernel[1], win.stride, win.padding, win.dilation, win.out
    rows: Array = (np.arange(oh) * sh - ph)[:, None] + (offset // kw) * dh  # (N, C, H_out, W_out)
    cols: Array = (np.arange(ow) * sw - pw)[None, :] + (offset % kw) * dw
    return rows * x_shape[3] + cols


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
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, dilation)
    xp = _pad(arr, win.padding, -np.inf)
    out = _window_max(xp, win)
    if not return_indices:
        return out
    offset = np.zeros(out.shape, dtype=np.int64)  # kernel offset k of each window's first maximum
    for k, _, _, hit in _first_max_hits(xp, out, win):
        offset += k * hit
    return out, _flat_indices(offset, arr.shape, win)


def max_pool2d_backward(
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    return_indices: bool = False,
) -> Array:
    """Gradient of ``max_pool2d`` w.r.t. x (N, C, H, W): each window's gradient goes to its first maximum.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> max_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2)[0, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, dilation)
    g = _grad(grad_output, win, arr)
    xp = _pad(arr, win.padding, -np.inf)
    grad = np.zeros_like(xp)
    for _, i, j, hit in _first_max_hits(xp, _window_max(xp, win), win):
        grad[(..., *win.slices(i, j))] += g * hit
    return _unpad(grad, win.padding)


# ---------------------------------------------------------------- average, sum and Lp pooling


def _window_sum(xp: Array, win: _Windows) -> Array:
    """Sum over each window of the padded input: (N, C, Hp, Wp) -> (N, C, H_out, W_out)."""
    total: Array | None = None
    for _, i, j in win.offsets():
        part = xp[(..., *win.slices(i, j))]
        total = part.copy() if total is None else np.add(total, part, out=total)
    assert total is not None
    return total


def _window_sum_backward(g: Array, padded_shape: tuple[int, ...], win: _Windows) -> Array:
    """Adjoint of _window_sum: each window's gradient g (N, C, H_out, W_out) goes to all its inputs."""
    grad = np.zeros(padded_shape, dtype=g.dtype)
    for _, i, j in win.offsets():
        grad[(..., *win.slices(i, j))] += g
    return grad


def _padded_shape(x: Array, win: _Windows) -> tuple[int, ...]:
    return (*x.shape[:2], x.shape[2] + 2 * win.padding[0], x.shape[3] + 2 * win.padding[1])


def _divisor(x: Array, win: _Windows, count_include_pad: bool) -> Array:
    """How many inputs each window averages: kH*kW, or (H_out, W_out) counts of non-padding inputs."""
    if count_include_pad:
        return np.asarray(win.kernel[0] * win.kernel[1], dtype=x.dtype)
    counts: list[Array] = []
    for size, k, s, p, o in zip(x.shape[2:], win.kernel, win.stride, win.padding, win.out, strict=True):
        first = np.arange(o) * s - p  # first input row (or column) of each window
        last = first + k - 1
        counts.append(np.minimum(last, size - 1) - np.maximum(first, 0) + 1)
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
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding)
    return _window_sum(_pad(arr, win.padding, 0.0), win) / _divisor(arr, win, count_include_pad)


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
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding)
    g = _grad(grad_output, win, arr) / _divisor(arr, win, count_include_pad)
    return _unpad(_window_sum_backward(g, _padded_shape(arr, win), win), win.padding)


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
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, half_kernel=False)
    return _window_sum(_pad(arr, win.padding, 0.0), win)


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
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, half_kernel=False)
    g = _grad(grad_output, win, arr)
    return _unpad(_window_sum_backward(g, _padded_shape(arr, win), win), win.padding)


def _norm_type(norm_type: Any) -> float:
    """Check norm_type is a finite real p >= 1 (below 1 it is not a norm and its gradient blows up at 0)."""
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real):
        raise TypeError(f"norm_type must be a real number, got {norm_type!r} ({type(norm_type).__name__})")
    p = float(norm_type)
    if not (np.isfinite(p) and p >= 1):
        raise ValueError(f"norm_type must be a finite number >= 1, got {norm_type!r}")
    return p


def _lp_window_sums(arr: Array, p: float, win: _Windows) -> Array:
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
    arr = _input(x)
    p = _norm_type(norm_type)
    win = _windows(arr, kernel_size, stride, 0, half_kernel=False)
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
    arr = _input(x)
    p = _norm_type(norm_type)
    win = _windows(arr, kernel_size, stride, 0, half_kernel=False)
    g = _grad(grad_output, win, arr)
    sums = _lp_window_sums(arr, p, win)
    nonzero = sums != 0
    scale = np.where(nonzero, g * np.power(np.where(nonzero, sums, 1), 1 / p - 1), 0)
    return _window_sum_backward(scale.astype(arr.dtype), arr.shape, win) * np.power(arr, p - 1)


# ---------------------------------------------------------------- naive twins: one window at a time

Position = tuple[int, int] | None  # (row, col) in the unpadded input; None where the kernel is on padding


def _naive_windows(x: Array, win: _Windows) -> Iterator[tuple[tuple[int, int, int, int], list[Position]]]:
    """Yield each window's output index (n, c, r, q) and its kH*kW input positions, kernel row-major."""
    n_, c_, h, w = x.shape
    (sh, sw), (ph, pw), (dh, dw), (oh, ow) = win.stride, win.padding, win.dilation, win.out
    for n in range(n_):
        for c in range(c_):
            for r in range(oh):
                for q in range(ow):
                    positions: list[Position] = []
                    for _, i, j in win.offsets():
                        row, col = r * sh - ph + i * dh, q * sw - pw + j * dw
                        positions.append((row, col) if 0 <= row < h and 0 <= col < w else None)
                    yield (n, c, r, q), positions


def _first_max(x: Array, n: int, c: int, positions: list[Position]) -> tuple[int, int]:
    """The first position (kernel row-major) holding the window's largest value."""
    real = [pos for pos in positions if pos is not None]
    values = [x[n, c, row, col] for row, col in real]
    return real[values.index(max(values))]  # index() finds the first of tied maxima


def max_pool2d_naive(
    x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    return_indices: bool = False,
) -> Array | tuple[Array, Array]:
    """Loop twin of ``max_pool2d``: look at every window and keep its largest value."""
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, dilation)
    out = np.zeros((*arr.shape[:2], *win.out), dtype=arr.dtype)
    indices = np.zeros(out.shape, dtype=np.int64)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        row, col = _first_max(arr, n, c, positions)
        out[n, c, r, q] = arr[n, c, row, col]
        indices[n, c, r, q] = row * arr.shape[3] + col
    return (out, indices) if return_indices else out


def max_pool2d_backward_naive(
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
    return_indices: bool = False,
) -> Array:
    """Loop twin of ``max_pool2d_backward``: each window hands its gradient to its first maximum."""
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, dilation)
    g = _grad(grad_output, win, arr)
    grad = np.zeros_like(arr)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        row, col = _first_max(arr, n, c, positions)
        grad[n, c, row, col] += g[n, c, r, q]
    return grad


def _naive_sum(x: Any, kernel_size: Any, stride: Any, padding: Any, half_kernel: bool,
               count_include_pad: bool | None) -> Array:
    """Loop window sums, divided by the window's count when count_include_pad is not None (averaging)."""
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, half_kernel=half_kernel)
    out = np.zeros((*arr.shape[:2], *win.out), dtype=arr.dtype)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        real = [pos for pos in positions if pos is not None]
        total = sum(arr[n, c, row, col] for row, col in real)
        if count_include_pad is not None:
            total /= len(positions) if count_include_pad else len(real)
        out[n, c, r, q] = total
    return out


def _naive_sum_backward(grad_output: Any, x: Any, kernel_size: Any, stride: Any, padding: Any,
                        half_kernel: bool, count_include_pad: bool | None) -> Array:
    """Loop adjoint of _naive_sum: every input of a window receives the window's (divided) gradient."""
    arr = _input(x)
    win = _windows(arr, kernel_size, stride, padding, half_kernel=half_kernel)
    g = _grad(grad_output, win, arr)
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
    grad_output: Any, x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
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
    arr = _input(x)
    p = _norm_type(norm_type)
    return np.power(_naive_sum(arr**p, kernel_size, stride, 0, False, None), 1 / p)


def lp_pool2d_backward_naive(
    grad_output: Any, x: Any, norm_type: Any, kernel_size: Any, stride: Any = None
) -> Array:
    """Loop twin of ``lp_pool2d_backward``, window by window."""
    arr = _input(x)
    p = _norm_type(norm_type)
    win = _windows(arr, kernel_size, stride, 0, half_kernel=False)
    g = _grad(grad_output, win, arr)
    grad = np.zeros_like(arr)
    for (n, c, r, q), positions in _naive_windows(arr, win):
        real = [pos for pos in positions if pos is not None]  # lp pooling has no padding: all real
        total = sum(arr[n, c, row, col] ** p for row, col in real)
        if total == 0:
            continue
        for row, col in real:
            grad[n, c, row, col] += g[n, c, r, q] * total ** (1 / p - 1) * arr[n, c, row, col] ** (p - 1)
    return grad
