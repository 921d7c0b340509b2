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
op's forward keeps ``pool.py``'s strided maxima: it reads each offset once, and the rounds measured no
faster.) A layer, which keeps what its forward found for its backward, pools with `max_pool2d_pairs`
instead: the same maxima, and the two choices (`Winners`), so that its backward only routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from convscope.geometry import Window
from convscope.ops import recycle
from convscope.ops.pool_windows import Array
from convscope.ops.threads import halves, run_blocks
from convscope.ops.workspace import Workspace, scratch


class Winners(NamedTuple):
    """Where each 2x2 window's first maximum is: the pair (``left``) and row (``top``) it sits in.

    ``left`` (N*C*H*W_out,) marks the width pairs whose left element is the larger (or tied);
    ``top`` (N*C*H_out, W_out) marks the windows whose top pair holds the maximum (or ties).
    """

    left: Array
    top: Array


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


def max_pool2d_pairs(x: Array) -> tuple[Array, Winners]:
    """``max_pool2d(x, 2)`` (N, C, H/2, W/2) for x that ``takes_pairs``, and each window's `Winners`.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> out, winners = max_pool2d_pairs(x)
    >>> out[0, 0], winners.left, winners.top  # 3 in the right of the top pair
    (array([[3.]]), array([False,  True]), array([[ True]]))
    """
    n, c, h, w = x.shape
    larger, _, left = _width_pairs(x, None)  # fresh arrays: the winners outlive the call
    rows = larger.reshape(-1, 2, w // 2)  # (N*C*H_out, top/bottom, W_out)
    top = np.greater_equal(rows[:, 0], rows[:, 1])
    out = recycle.empty((n, c, h // 2, w // 2), x.dtype)
    np.maximum(rows[:, 0], rows[:, 1], out=out.reshape(-1, w // 2))
    return out, Winners(left, top)


def max_pool2d_pairs_backward(grad_output: Array, x: Array, workspace: Workspace | None = None) -> Array:
    """``max_pool2d_backward(grad_output, x, 2)`` for x that ``takes_pairs``: dL/dx (N, C, H, W), fresh.

    From ``threads.SPLIT_FROM`` input values on, the windows' rows are worked in two runs (`halves`):
    each window's gradient depends on its own four inputs alone, so the bits do not depend on the split.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> max_pool2d_pairs_backward(np.ones((1, 1, 1, 1)), x)[0, 0]
    array([[0., 1.],
           [0., 0.]])
    """
    n, c, h, w = x.shape
    rows = n * c * h // 2  # rows of windows, each two rows of x: (N*C*H_out)
    g = grad_output.reshape(rows, w // 2)  # (N*C*H_out, W_out)
    grad = recycle.empty(x.shape, grad_output.dtype)
    spans = halves(rows, x.size)

    x_rows, grad_rows = x.reshape(rows, 2 * w), grad.reshape(rows, 2 * w)  # (N*C*H_out, 2*W): views

    def block(part: Sequence[slice], index: int) -> None:
        scratch_of = None if workspace is None else workspace.part(index)
        for span in part:
            _backward_rows(g[span], x_rows[span], grad_rows[span], scratch_of)

    run_blocks(spans, block)
    return grad


def _backward_rows(g: Array, x_rows: Array, grad_rows: Array, workspace: Workspace | None) -> None:
    """Write the gradient of R rows of windows into grad_rows (R, 2*W): g (R, W_out), x_rows (R, 2*W)."""
    w_out = g.shape[1]
    larger, other, left = _width_pairs(x_rows, workspace)
    rows = larger.reshape(-1, 2, w_out)  # (R, top/bottom, W_out)
    top = scratch(workspace, "pairs.top", (rows.shape[0], w_out), np.bool_)
    np.greater_equal(rows[:, 0], rows[:, 1], out=top)  # the top row holds the window's first maximum
    _route(g, Winners(left, top), grad_rows, workspace, other)


def route_pairs(
    grad_output: Array, winners: Winners, x_shape: tuple[int, ...], workspace: Workspace | None = None,
    spare: Array | None = None,
) -> Array:
    """dL/dx (N, C, H, W) of 2x2/2 max pooling: each window's gradient down to its `Winners`' element.

    ``spare`` is scratch of ``winners.left``'s size (made if not given); ``winners`` is left unchanged.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> route_pairs(np.full((1, 1, 1, 1), 5.0), max_pool2d_pairs(x)[1], x.shape)[0, 0]
    array([[0., 5.],
           [0., 0.]])
    """
    grad = recycle.empty(x_shape, grad_output.dtype)
    w_out = x_shape[3] // 2
    out_rows = grad.reshape(-1, 2 * x_shape[3])  # (N*C*H_out, 2*W): each window row's two rows of x
    _route(grad_output.reshape(-1, w_out), winners, out_rows, workspace, spare)
    return grad


def _route(
    g: Array, winners: Winners, out_rows: Array, workspace: Workspace | None, spare: Array | None
) -> None:
    """Write each window's gradient, g (R, W_out), to its winner in out_rows (R, 2*W); 0 elsewhere."""
    w_out = g.shape[1]
    if spare is None:
        spare = scratch(workspace, "pairs.other", winners.left.shape, g.dtype)
    per_pair = spare.reshape(-1, 2, w_out)  # each width pair's gradient: the window's, or 0
    losers = scratch(workspace, "pairs.losers", winners.left.shape, np.bool_)
    np.multiply(g, winners.top, out=per_pair[:, 0])
    np.multiply(g, np.logical_not(winners.top, out=losers[: winners.top.size].reshape(-1, w_out)),
                out=per_pair[:, 1])  # fmt: skip
    grad_pairs, pair_grad = out_rows.reshape(-1, 2), per_pair.reshape(-1)  # (R*W_out*2, 2), (R*W_out*2,)
    np.multiply(pair_grad, winners.left, out=grad_pairs[:, 0])
    np.multiply(pair_grad, np.logical_not(winners.left, out=losers), out=grad_pairs[:, 1])
