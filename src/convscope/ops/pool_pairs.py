"""Max pooling's backward for its commonest windows, 2x2 with stride 2 (LeNet's): two rounds of pairs.

``pool.py`` routes each window's gradient with one strided (N, C, H_out, W_out) slice per kernel offset.
For 2x2/2 windows those slices read every other element of rows only W_out long, and NumPy pays its
per-row overhead on each of a dozen passes (``benchmarks/RESULTS_perf.md``). Here the same windows are
taken in two rounds instead:

1. **Width pairs.** A C-contiguous input, read as (N*C*H*W_out, 2), holds each row's neighbours side by
   side: the left and right columns are two long 1-D runs (every other number), compared where they lie
   (``left`` marks the pairs whose left element is the larger or equal one).
2. **Height pairs.** The pairs' maxima, read as (N*C*H_out, 2, W_out), hold each window's top and bottom
   row, W_out apart. Rather than compare the rows as (N*C*H_out, W_out) views, whose short rows NumPy
   pays for one by one, the whole 1-D run is compared with itself shifted by W_out, both ways, and a
   fixed pattern keeps the top rows' forward comparison and the bottom rows' backward one (``rows``).

Ties go where ``pool.py`` (and PyTorch) sends them, to the first maximum in row-major order: the top row
wins a tie between the rows, the left element a tie within a row. The backward routes each window's
gradient through the same two choices: down to the chosen row (``rows``), then to the chosen element of
that row (``left``). The result is a fresh array; scratch comes from ``workspace`` when given. The
op's forward takes the same two rounds for its maxima alone (`max_pool2d_pairs_maxima`). A layer,
which keeps what its forward found for its backward, pools with `max_pool2d_pairs` instead: the same
maxima, and the two choices (`Winners`), so that its backward only routes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from convscope.geometry import Window
from convscope.ops import recycle
from convscope.ops.pool_windows import Array
from convscope.ops.threads import halves, run_blocks
from convscope.ops.workspace import Workspace, scratch

_KEPT_PATTERN = 1 << 22  # most marks (bytes) in a kept row pattern: LeNet's pool1 at 256 images has 1.2 M


class Winners(NamedTuple):
    """Where each 2x2 window's first maximum is: the row (``rows``) and the element (``left``) of it.

    Both are (N*C*H*W_out,), one mark per width pair of x. ``left`` marks the pairs whose left element is
    the larger (or tied); ``rows`` marks the pairs in their window's winning row (the top one on a tie).
    """

    left: Array
    rows: Array


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


def _width_pairs(x: Array, workspace: Workspace | None) -> tuple[Array, Array]:
    """(larger, left) of each row's neighbour pairs, each (N*C*H*W_out,), from contiguous x.

    ``larger`` holds each pair's maximum; ``left`` marks the pairs whose left element is the maximum
    (the first one on a tie).
    """
    pairs = x.reshape(-1, 2)  # (N*C*H*W_out, 2): a view, x being C-contiguous
    larger = scratch(workspace, "pairs.larger", pairs.shape[:1], x.dtype)
    left = scratch(workspace, "pairs.left", pairs.shape[:1], np.bool_)
    # Both read the pairs where they lie (every other number): with numpy 2.4 that beat copying each
    # side into contiguous scratch first and comparing there (LeNet's pool1 at 128 images, 388 -> 272 us).
    np.greater_equal(pairs[:, 0], pairs[:, 1], out=left)
    np.maximum(pairs[:, 0], pairs[:, 1], out=larger)
    return larger, left


def max_pool2d_pairs(x: Array) -> tuple[Array, Winners]:
    """``max_pool2d(x, 2)`` (N, C, H/2, W/2) for x that ``takes_pairs``, and each window's `Winners`.

    Examples
    --------
    >>> x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    >>> out, winners = max_pool2d_pairs(x)
    >>> out[0, 0], winners.left, winners.rows  # 3 in the right of the top pair
    (array([[3.]]), array([False,  True]), array([ True, False]))
    """
    n, c, h, w = x.shape
    larger, left = _width_pairs(x, None)  # fresh arrays: the winners outlive the call
    out = _row_maxima(larger, (n, c, h // 2, w // 2))
    return out, Winners(left, _winning_rows(larger, w // 2, None))


def max_pool2d_pairs_maxima(x: Array, out: Array | None = None) -> Array:
    """``max_pool2d(x, 2)`` (N, C, H/2, W/2) for x that ``takes_pairs``: the maxima of the pairs' maxima.

    `convscope.ops.pool.max_pool2d` takes it for such x: one pass over every other number of x and one
    over the pairs' maxima, where the four strided offsets of each window took nearly twice as long
    (LeNet's pool1 at 128 images, one thread: 479-493 -> 257-267 us, numpy 2.4). ``out``, C-contiguous,
    takes the result (a half of the batch's, `convscope.ops.pool_helped`); else it is fresh.

    Examples
    --------
    >>> max_pool2d_pairs_maxima(np.array([[[[1.0, 3.0], [3.0, 2.0]]]]))
    array([[[[3.]]]])
    """
    n, c, h, w = x.shape
    pairs = x.reshape(-1, 2)  # (N*C*H*W_out, 2): a view, x being C-contiguous
    larger = recycle.empty(pairs.shape[:1], x.dtype)  # scratch, handed out again once this call drops it
    np.maximum(pairs[:, 0], pairs[:, 1], out=larger)
    return _row_maxima(larger, (n, c, h // 2, w // 2), out)


# Rows of windows shorter than this take `_row_maxima`'s shifted comparison.
_SHORT_ROWS = 8


def _row_maxima(larger: Array, shape: tuple[int, int, int, int], out: Array | None = None) -> Array:
    """Each window's maximum (N, C, H_out, W_out), from its pairs' maxima ``larger`` (N*C*H*W_out,).

    Rows shorter than `_SHORT_ROWS`: as for the winning rows, the whole run is compared with itself
    shifted by W_out (a top row's result is its window's maximum), then the top rows are copied out, where
    a maximum over (N*C*H_out, W_out) views pays NumPy's cost for each short row (pool2, W_out = 5, the op
    with the helper at 256 images: 199-212 -> 166-172 us). Longer rows keep the one maximum: pool1's
    (W_out = 14) forward at 256 images read 352-368 us so and 374-383 with the shifted scratch, which
    outgrows L2 (benchmarks/RESULTS_perf.md #170).
    """
    w_out = shape[3]
    rows = larger.reshape(-1, 2, w_out)  # (N*C*H_out, top/bottom, W_out): a window's two pair maxima
    out = recycle.empty(shape, larger.dtype) if out is None else out
    if w_out >= _SHORT_ROWS:
        np.maximum(rows[:, 0], rows[:, 1], out=out.reshape(-1, w_out))  # (N*C*H_out, W_out): a view
        return out
    shifted = recycle.empty(larger.shape, larger.dtype)  # scratch, handed out again once this call drops it
    np.maximum(larger[:-w_out], larger[w_out:], out=shifted[:-w_out])
    out.reshape(-1, w_out)[...] = shifted.reshape(rows.shape)[:, 0]  # each window's top row
    return out


def max_pool2d_pairs_backward(
    grad_output: Array, x: Array, workspace: Workspace | None = None, out: Array | None = None
) -> Array:
    """``max_pool2d_backward(grad_output, x, 2)`` for x that ``takes_pairs``: dL/dx (N, C, H, W).

    From ``threads.SPLIT_FROM`` input values on, the windows' rows are worked in two runs (`halves`):
    each window's gradient depends on its own four inputs alone, so the bits do not depend on the split.
    ``out``, C-contiguous, takes the result; else it is fresh.

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
    grad = recycle.empty(x.shape, grad_output.dtype) if out is None else out
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
    larger, left = _width_pairs(x_rows, workspace)
    winners = Winners(left, _winning_rows(larger, g.shape[1], workspace))
    spent = scratch(workspace, "pairs.behind", left.shape, np.bool_)  # `_winning_rows`'s, free again
    _route(g, winners, grad_rows, spent)


def _winning_rows(larger: Array, w_out: int, workspace: Workspace | None) -> Array:
    """Marks (L,) for the width pairs in their window's winning row, from the pairs' maxima ``larger`` (L,).

    ``larger`` reads as (R, top/bottom, W_out): a top pair's partner lies W_out ahead, a bottom pair's
    W_out behind. The top row wins a tie, so a top pair needs ``>=`` its partner, a bottom pair ``>``.
    """
    top_rows, bottom_rows = _row_pattern(larger.size, w_out)
    ahead = scratch(workspace, "pairs.rows", larger.shape, np.bool_)  # fresh without a workspace
    behind = scratch(workspace, "pairs.behind", larger.shape, np.bool_)
    np.greater_equal(larger[:-w_out], larger[w_out:], out=ahead[:-w_out])
    np.greater(larger[w_out:], larger[:-w_out], out=behind[w_out:])
    # the pattern keeps each comparison where it means something (and clears the unwritten ends)
    np.logical_and(ahead, top_rows, out=ahead)
    np.logical_and(behind, bottom_rows, out=behind)
    return np.logical_or(ahead, behind, out=ahead)


def _row_pattern(size: int, w_out: int) -> tuple[Array, Array]:
    """Read-only marks (size,) of the pairs in top rows and in bottom rows, for rows W_out long.

    The marks repeat every 2*W_out pairs, so one run per W_out, a power of two long, serves every size up
    to it (a prefix of the marks is the marks of the shorter array). Runs past ``_KEPT_PATTERN`` marks are
    made for the call and not kept: they would outlive it at the size of the input's own scratch.
    """
    if size > _KEPT_PATTERN:  # size is whole rows (R * 2 * W_out): the run is exactly this long
        return _row_pattern_run.__wrapped__(w_out, size)
    top, bottom = _row_pattern_run(w_out, 1 << (size - 1).bit_length())
    return top[:size], bottom[:size]


@functools.lru_cache(maxsize=8)
def _row_pattern_run(w_out: int, length: int) -> tuple[Array, Array]:
    """`_row_pattern`'s marks for ``length`` pairs (rounded up to whole rows), made once."""
    marks = np.zeros((-(-length // (2 * w_out)), 2, w_out), dtype=np.bool_)  # (rows, top/bottom, W_out)
    marks[:, 0] = True
    top = marks.reshape(-1)  # (rows * 2 * W_out,)
    bottom = ~top
    top.flags.writeable = bottom.flags.writeable = False
    return top, bottom


def route_pairs(
    grad_output: Array, winners: Winners, x_shape: tuple[int, ...], workspace: Workspace | None = None
) -> Array:
    """dL/dx (N, C, H, W) of 2x2/2 max pooling: each window's gradient down to its `Winners`' element.

    ``winners`` is left unchanged.

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
    chosen = scratch(workspace, "pairs.chosen", winners.left.shape, np.bool_)
    _route(grad_output.reshape(-1, w_out), winners, out_rows, chosen)
    return grad


def _route(g: Array, winners: Winners, out_rows: Array, chosen: Array) -> None:
    """Write each window's gradient, g (R, W_out), to its winner in out_rows (R, 2*W); 0 elsewhere.

    ``chosen`` (R*2*W_out,) bool is scratch; ``winners`` is left unchanged.
    """
    # Each window's gradient to both of its rows ((R, W_out) -> (R*2, W_out): np.repeat copies whole
    # rows, where a broadcast copy pays for each short row), then to the one element of the pair in the
    # winning row: the row's mark folded into each element's first (a bool pass, a quarter of the bytes
    # of a float one), so each number is multiplied once (pool1 at 128 images: 518 -> 431 us).
    repeated = np.repeat(g, 2, axis=0).reshape(-1)  # (R*2*W_out,)
    grad_pairs = out_rows.reshape(-1, 2)  # (R*W_out*2, 2): x's width pairs
    np.multiply(repeated, np.logical_and(winners.left, winners.rows, out=chosen), out=grad_pairs[:, 0])
    np.multiply(repeated, np.greater(winners.rows, winners.left, out=chosen), out=grad_pairs[:, 1])
