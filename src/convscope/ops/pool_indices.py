"""Max pooling's ``return_indices``, and its backward from those indices: a scatter, as PyTorch's.

The forward keeps, beside each window's running maximum, the kernel offset that first held it (one small
integer a window), then turns offsets into PyTorch's indices, ``row * W + col`` of the unpadded input,
with two lookups: a window's index is its top-left tap's index (``base``, one per window position) plus
the chosen tap's distance from it (``taps``, one per kernel offset).

The backward given those indices need not find the maxima again: each window's gradient is written to
its index (``scatter``). Windows that share no input (stride at least the dilated kernel, LeNet's 2x2/2)
take one fancy assignment; overlapping windows add up in order with ``np.add.at``, since two windows can
pick the same input. A caller who keeps the forward's indices (as PyTorch's autograd does) so pays one
pass over the gradient instead of a dozen over the input (``benchmarks/RESULTS_perf.md`` #148).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from convscope.geometry import Window
from convscope.ops import recycle
from convscope.ops.pool_windows import Array
from convscope.ops.threads import halves, run_blocks


def window_argmax(values: Sequence[Array]) -> tuple[Array, Array]:
    """Each window's maximum and the kernel offset (row-major) of its first maximum, from `offset_views`.

    ``values`` holds kH*kW arrays (N, C, H_out, W_out), offset k's input in every window. Returns
    (best, offset), both (N, C, H_out, W_out); offset is uint8 (int32 past 255 offsets). A later offset
    takes a window only when strictly larger, so among tied maxima the first wins, as in PyTorch. A large
    batch goes in two halves (`halves`), one a thread: each window reads its own inputs only, so the
    bits do not depend on the split.

    Examples
    --------
    >>> best, offset = window_argmax([np.array([1.0, 5.0]), np.array([3.0, 5.0])])
    >>> best, offset
    (array([3., 5.]), array([1, 0], dtype=uint8))
    """
    shape, kind = values[0].shape, np.uint8 if len(values) <= 256 else np.int32
    best, offset = recycle.empty(shape, values[0].dtype), np.zeros(shape, dtype=kind)
    larger, taken = recycle.empty(shape, np.bool_), recycle.empty(shape, kind)

    def work(part: Sequence[slice], index: int) -> None:
        for images in part:
            np.copyto(best[images], values[0][images])
            for k in range(1, len(values)):
                np.greater(values[k][images], best[images], out=larger[images])
                np.maximum(best[images], values[k][images], out=best[images])
                # Offsets come in increasing order, so a window that offset k takes gets max(offset, k):
                # two plain passes, where a masked copy (np.copyto's where=) ran 30x slower per value.
                np.multiply(larger[images], kind(k), out=taken[images])
                np.maximum(offset[images], taken[images], out=offset[images])

    run_blocks(halves(len(best), best.size * len(values)), work)
    return best, offset


def flat_indices(offset: Array, width: int, win: Window) -> Array:
    """PyTorch's indices (N, C, H_out, W_out), ``row * W + col`` in the unpadded input, from kernel offsets.

    ``offset`` is `window_argmax`'s; ``width`` is the input's W.

    Examples
    --------
    >>> win = Window.of((4, 4), (2, 2), (2, 2), (0, 0), (1, 1))
    >>> flat_indices(np.array([[[[0, 3], [1, 2]]]]), 4, win)[0, 0]  # 0 the top left tap, 3 the bottom right
    array([[ 0,  7],
           [ 9, 14]])
    """
    along_h, along_w = win.axes
    base = along_h.starts()[:, None] * width + along_w.starts()[None, :]  # (H_out, W_out)
    rows, cols = np.divmod(np.arange(along_h.kernel_size * along_w.kernel_size), along_w.kernel_size)
    taps = np.zeros(max(rows.size, 256), dtype=np.int64)  # a whole uint8's worth: no index is out of range
    taps[: rows.size] = rows * along_h.dilation * width + cols * along_w.dilation  # from the top-left tap
    indices = np.take(taps, offset, mode="clip")  # "clip" skips the bounds check: 4x faster here
    planes = indices.reshape(-1, base.size)  # (N*C, H_out*W_out): whole planes, not rows W_out long
    planes += base.reshape(-1)
    return indices


def scatter(grad_output: Array, indices: Array, x_shape: tuple[int, ...], win: Window) -> Array:
    """dL/dx (N, C, H, W): each window's gradient, grad_output (N, C, H_out, W_out), to its index.

    ``indices`` are `flat_indices` of the forward on an input of ``x_shape`` (checked by the caller).

    Examples
    --------
    >>> win = Window.of((2, 4), (2, 2), (2, 2), (0, 0), (1, 1))
    >>> scatter(np.array([[[[5.0, 7.0]]]]), np.array([[[[4, 3]]]]), (1, 1, 2, 4), win)[0, 0]
    array([[0., 0., 0., 7.],
           [5., 0., 0., 0.]])
    """
    n, c, h, w = x_shape
    grad = recycle.empty(x_shape, grad_output.dtype)
    grad.fill(0)
    planes = np.arange(n * c, dtype=np.int64)[:, None] * (h * w)  # (N*C, 1): each plane's first element
    where = indices.reshape(n * c, -1) + planes  # (N*C, H_out*W_out): indices into the flat grad
    flat, values = grad.reshape(-1), grad_output.reshape(-1)
    if all(a.stride >= a.dilation * (a.kernel_size - 1) + 1 for a in win.axes):
        flat[where.reshape(-1)] = values  # no two windows share an input: each index is written once
    else:
        np.add.at(flat, where.reshape(-1), values)  # overlapping windows can choose the same input
    return grad


def check_indices(indices: object, shape: tuple[int, ...], plane: int) -> Array:
    """``indices`` as an integer array of the forward's output ``shape``, each in ``range(plane)``.

    Raises ValueError (TypeError for a non-integer array) saying what to pass instead.

    Examples
    --------
    >>> check_indices([[[[3]]]], (1, 1, 1, 1), 4)
    array([[[[3]]]])
    >>> try:
    ...     check_indices([[[[4]]]], (1, 1, 1, 1), 4)
    ... except ValueError as error:
    ...     print(str(error)[:62])
    indices must lie in 0 .. 3 (row * W + col of the input), got 4
    """
    arr = np.asarray(indices)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"indices must be integers (max_pool2d(..., return_indices=True)'s), got dtype {arr.dtype}"
        )
    if arr.shape != shape:
        raise ValueError(f"indices must have the output's shape {shape}, got {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= plane):
        raise ValueError(
            f"indices must lie in 0 .. {plane - 1} (row * W + col of the input), got {arr.min()} .. "
            f"{arr.max()}; pass the indices that max_pool2d(..., return_indices=True) gave for this x"
        )
    return arr
