"""Pooling four ways on the same map (max, average, sum and L2), and where each sends the gradient back.

Every number comes from `convscope.ops`: the pooled maps from the forward passes, and each window's
shares from the backward passes. Output n's shares are the input gradient when output n's gradient is 1
and every other one 0. Outputs whose windows do not overlap cannot mix their gradients, so one backward
pass serves a whole group of them: with g = ceil(k / S), the outputs (i, j) with the same (i mod g,
j mod g) sit g*S >= k cells apart, and g*g groups (stacked along N, one copy of the map each) give every
window its shares (one pass for the usual 2x2/2 pooling instead of one per output). L2 pooling is
``ops.lp_pool2d`` with p = 2 on the map padded with zeros (PyTorch's ``lp_pool2d`` has no padding; zeros
add nothing to a sum of squares, so this is the padded L2 pooling).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from convscope import ops
from convscope.arithmetic import explain_convolution
from convscope.errors import SettingError
from convscope.geometry import Window, as_window
from convscope.lessons.layers_records import PoolingKind, PoolingLesson, PoolingWindow, PoolKind

Array = npt.NDArray[np.float64]

MAX_POOL_KERNEL_SIZE = 8
MAX_POOL_STRIDE = 4
MAX_POOL_PADDING = 4  # and at most half the pool kernel, PyTorch's rule for max and average pooling
# Windows x cells per window the page is sent (each cell: position, value and four shares). 16,384 is a
# 3x3 window at stride 1 over 32x32 (9,216) with room; an 8x8 window at stride 1 (69,696) was 3.8 MB of
# JSON and two seconds to compute, too slow for a page that answers every keystroke.
MAX_POOL_CELLS = 16_384

_RULES: dict[PoolKind, tuple[str, str]] = {
    "max": ("Max", "The largest value in the window. Back: the whole gradient goes to that one winner "
            "(the first, if tied); every other cell gets 0."),
    "avg": ("Average", "The mean of the k×k values, padding counted as 0. Back: every cell gets an equal "
            "share, 1/(k×k)."),
    "sum": ("Sum", "The sum of the values. Back: every cell gets the whole gradient, a share of 1."),
    "l2": ("L2", "The square root of the sum of squares. Back: each cell gets x / L2, its share in "
           "proportion to its value (a window of zeros sends nothing)."),
}
KINDS: tuple[PoolKind, ...] = ("max", "avg", "sum", "l2")


def pool_window(size: tuple[int, int], kernel_size: int, stride: int, padding: int) -> Window:
    """The checked pooling window on a map of ``size``; `SettingError` naming the field that must change."""
    if padding > kernel_size // 2:
        raise SettingError("pool_padding", f"must be at most half the pool kernel: 0..{kernel_size // 2} for "
                           f"pool_kernel_size {kernel_size} (got {padding})")
    win = as_window(size, kernel_size, stride, padding, named_padding=False)
    if not win.fits:
        axis = next(a for a in win.axes if not a.fits)
        raise SettingError("pool_kernel_size", f"must be at most {axis.largest_kernel_to_fit()} on this "
                           f"{size[0]}×{size[1]} map with pool_padding {padding} (got {kernel_size})")
    windows = win.axes[0].output_size * win.axes[1].output_size
    if windows * kernel_size**2 > MAX_POOL_CELLS:
        k = kernel_size
        raise SettingError("pool_stride", f"{windows} windows of {k}×{k} cells are too many to show (at most "
                           f"{MAX_POOL_CELLS:,} cells in all): use a larger pool_stride or a smaller "
                           "pool_kernel_size")
    return win


def _forward(kind: PoolKind, x: Array, win: Window) -> Array:
    """The pooled maps (N, 1, pH, pW) of x (N, 1, H, W) by ``kind``."""
    k, s, p = win.kernel_size, win.stride, win.padding[0][0]
    if kind == "max":
        return np.asarray(ops.max_pool2d(x, k, s, p))
    if kind == "avg":
        return ops.avg_pool2d(x, k, s, p)
    if kind == "sum":
        return ops.sum_pool2d(x, k, s, p)
    return ops.lp_pool2d(_zero_pad(x, p), 2, k, s)


def _backward(kind: PoolKind, g: Array, x: Array, win: Window) -> Array:
    """The gradient at the *padded* map (N, 1, H + 2p, W + 2p) for gradients g at the pooled outputs."""
    k, s, p = win.kernel_size, win.stride, win.padding[0][0]
    backward: dict[PoolKind, Callable[[], Array]] = {
        "max": lambda: _zero_pad(ops.max_pool2d_backward(g, x, k, s, p), p),
        "avg": lambda: _zero_pad(ops.avg_pool2d_backward(g, x, k, s, p), p),
        "sum": lambda: _zero_pad(ops.sum_pool2d_backward(g, x, k, s, p), p),
        "l2": lambda: ops.lp_pool2d_backward(g, _zero_pad(x, p), 2, k, s),
    }
    return backward[kind]()


def _zero_pad(x: Array, p: int) -> Array:
    """x (N, C, H, W) with p zeros on each side of H and W."""
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))


def _windows(plane: Array, win: Window) -> list[PoolingWindow]:
    """Each pooled cell's window: its positions in the map (row-major), padding flags and values."""
    height, width = win.axes
    p = win.padding[0][0]
    padded = _zero_pad(plane[None, None], p)[0, 0]
    height_in, width_in = plane.shape
    found: list[PoolingWindow] = []
    for i in range(height.output_size):
        for j in range(width.output_size):
            rows, cols = range(i * height.stride, i * height.stride + height.kernel_size), \
                range(j * width.stride, j * width.stride + width.kernel_size)
            cells = [(r, c) for r in rows for c in cols]  # padded coordinates
            found.append({
                "out": [i, j],
                "positions": [[r - p, c - p] for r, c in cells],
                "padding": [not (p <= r < p + height_in and p <= c < p + width_in) for r, c in cells],
                "values": [float(padded[r, c]) for r, c in cells],
            })
    return found


def _kind(kind: PoolKind, x: Array, win: Window, windows: list[PoolingWindow]) -> PoolingKind:
    """One kind's pooled map, each window's shares (backward of 1 at it alone) and the backward of ones."""
    p = win.padding[0][0]
    out = _forward(kind, x, win)[0, 0]  # (pH, pW)
    g = -(-win.kernel_size[0] // win.stride[0])  # ceil(k / S): group outputs g apart
    rows, cols = np.indices(out.shape)  # (pH, pW) each
    group = (rows % g) * g + cols % g  # (pH, pW): which backward pass serves each output
    onehots = (group[None] == np.arange(g * g)[:, None, None]).astype(np.float64)[:, None]  # (g*g, 1, pH, pW)
    routed = _backward(kind, onehots, np.repeat(x, g * g, axis=0), win)[:, 0]  # (g*g, H + 2p, W + 2p)
    where = np.asarray([w["positions"] for w in windows]) + p  # (n, k*k, 2): padded coordinates
    shares = routed[group.reshape(-1)[:, None], where[..., 0], where[..., 1]].tolist()  # (n, k*k)
    total = _backward(kind, np.ones((1, 1, *out.shape)), x, win)[0, 0]
    label, rule = _RULES[kind]
    return {"kind": kind, "label": label, "rule": rule, "output": out.tolist(), "shares": shares,
            "gradient": total[p:p + x.shape[2], p:p + x.shape[3]].tolist()}


def pooling_lesson(plane: Array, kernel_size: int, stride: int, padding: int) -> PoolingLesson:
    """Max, average, sum and L2 pooling of one (H, W) map, with every window and its gradient shares.

    Parameters
    ----------
    plane : (H, W) array, the map to pool
    kernel_size, stride, padding : int
        Square pooling window; padding at most ``kernel_size // 2``.

    Returns
    -------
    PoolingLesson

    Raises
    ------
    SettingError
        ``pool_padding`` above half the kernel, ``pool_kernel_size`` larger than the padded map.

    Examples
    --------
    >>> lesson = pooling_lesson(np.array([[3.0, 0.0], [0.0, 4.0]]), 2, 2, 0)
    >>> [(k["kind"], k["output"]) for k in lesson["kinds"]]
    [('max', [[4.0]]), ('avg', [[1.75]]), ('sum', [[7.0]]), ('l2', [[5.0]])]
    >>> [round(v, 9) for v in lesson["kinds"][3]["shares"][0]]  # 3/5 and 4/5: in proportion to each value
    [0.6, 0.0, 0.0, 0.8]
    """
    win = pool_window((plane.shape[0], plane.shape[1]), kernel_size, stride, padding)
    x = np.asarray(plane, dtype=np.float64)[None, None]  # (1, 1, H, W)
    windows = _windows(x[0, 0], win)
    return {
        "kernel_size": kernel_size, "stride": stride, "padding": padding,
        "explanation": explain_convolution(plane.shape, kernel_size, padding, stride),
        "windows": windows,
        "kinds": [_kind(kind, x, win, windows) for kind in KINDS],
    }
