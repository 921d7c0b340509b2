"""Max pooling's backward for its commonest windows, 2x2 with stride 2 (LeNet's): two rounds of pairs.

``pool.py`` routes each window's gradient with one strided (N, C, H_out, W_out) slice per kernel offset.
For 2x2/2 windows those slices read every other element of rows only W_out long, and NumPy pays its
per-row overhead on each of a dozen passes (``benchmarks/RESULTS_perf.md``). Here the same windows are
taken in two rounds instead:

1. **Width pairs.** A C-contiguous input, read as (N*C*H*W_out, 2), holds each row's neighbours side by
   side: the left and right columns are two long 1-D runs, copied once into contiguous scratch and
   compared there (``left`` marks the pairs whose left element is the larger or equal one).
2. **Height pairs.** The pairs' maxima, read as (N*C*H_out, 2, W_out), hold each window's top and bottom
   row: one comparison of W_out-long rows (``top``) gives the window's maximum.

Ties go where ``pool.py`` (and PyTorch) sends them, to the first maximum in row-major order: the top row
wins a tie between the rows, the left element a tie within a row. The backward routes each window's
gradient through the same two choices: down to the chosen row (``top``), then to the chosen element of
that row (``left``). The result is a fresh array; scratch comes from ``workspace`` when given. (The
forward keeps ``pool.py``'s strided maxima: it reads each offset once, and the rounds measured no faster.)
"""

from __future__ import annotations

import numpy as np

from convscope.geometry import Window
from convscope.ops import recycle
from convscope.ops.pool_windows import Array
from convscope.ops.workspace import Workspace, scratch


def takes_pairs(x: Array, win: Window) -> bool:
    """Whether the 2x2/2 pair rounds apply: undilated, unpadded 2x2 windows, stride 2, even H and W.

    The input must also be C-contiguous (its rows are then read as pairs without a copy).

    Examples
    --------
    >>> from convscope.ops.pool_windows import pool_windows
    >>> x = np.zeros((1, 1, 4, 4))
    >>> takes_pairs(x, pool_windows(x, 2, None, 0)), takes_pairs(x, pool_windows(x, 2, 1, 0))
    (True, False)
    """
    return (
        x.flags.c_contiguous
        and all(a.kernel_size == 2 and a.stride == 2 and a.dilation == 1 for a in win.axes)
        and not any(before or after for before, after in win.padding)
        and x.shape[2] % 2 == 0
        and x.shape[3] % 2 == 0
    )


def _width_pairs(x: Array, workspace: Workspace | None) -> tuple[Array, Array, Array]:
    """(larger, other, left) of each row's neighbour pairs, each (N*C*H*W_out,), from contiguous x.

    ``larger`` holds each pair's maximum; ``other`` is scratch of the same size; ``left`` marks the pairs
    whose left element is the maximum (the first one on a tie).
    """
    pairs = x.reshape(-1, 2)  # (N*C*H*W_out, 2): a view, x being C-contiguous
    larger = scratch(workspace, "pairs.larger", pairs.shape[:1], x.dtype)
    other = scratch(workspace, "pairs.other", pairs.shape[:1], x.dtype)
    left = scratch(workspace, "pairs.left", pairs.shape[:1], np.bool_)
    np.copyto(larger, pairs[:, 0])  # two strided copies, then contiguous passes: faster than strided ones
    np.copyto(other, pairs[:, 1])
    np.greater_equal(larger, other, out=left)
    np.maximum(larger, other, out=larger)
    return larger, other, left


def max_pool2d_pairs_backward(grad_output: Array, x: Array, workspace: Workspace | None = None) -> Array:
    """``max_pool2d_backward(grad_output, x, 2)`` for x that ``takes_pairs``: dL/dx (N, C, H, W), fresh.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> max_pool2d_pairs_backward(np.ones((1, 1, 1, 1)), x)[0, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    w_out = x.shape[3] // 2
    larger, other, left = _width_pairs(x, workspace)
    rows = larger.reshape(-1, 2, w_out)  # (N*C*H_out, top/bottom, W_out)
    top = scratch(workspace, "pairs.top", (rows.shape[0], w_out), np.bool_)
    np.greater_equal(rows[:, 0], rows[:, 1], out=top)  # the top row holds the window's first maximum
    g = grad_output.reshape(-1, w_out)  # (N*C*H_out, W_out)
    per_pair = other.reshape(rows.shape)  # each width pair's gradient: the window's, or 0
    np.multiply(g, top, out=per_pair[:, 0])
    np.multiply(g, np.logical_not(top, out=top), out=per_pair[:, 1])
    grad = recycle.empty(x.shape, x.dtype)
    grad_pairs, pair_grad = grad.reshape(-1, 2), per_pair.reshape(-1)
    np.multiply(pair_grad, left, out=grad_pairs[:, 0])
    np.multiply(pair_grad, np.logical_not(left, out=left), out=grad_pairs[:, 1])
    return grad
