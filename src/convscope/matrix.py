"""A convolution as a matrix: `convolution_matrix` and `weight_index_matrix`, from the one window geometry.

A convolution is linear, so it is a matrix M acting on the flattened input: ``M @ x.ravel()`` is the
flattened cross-correlation (what `convscope.ops.conv2d` and the playground compute). Row r of M is
output r's window laid over the input: each tap's weight sits in the column of the pixel the tap
reads (`AxisWindow.taps`), and taps that read padding (`AxisWindow.reads_input`) leave no entry. Every
row repeats the same few weights shifted along, which is weight sharing: a 1-D M is Toeplitz (constant
along each diagonal, stride 1), a 2-D one doubly block Toeplitz. ``M.T`` is the transposed convolution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array
from convscope.geometry import Window, as_window

__all__ = ["convolution_matrix", "weight_index_matrix"]

IntArray = npt.NDArray[np.int64]


def convolution_matrix(
    kernel: Any, input_shape: Any, *, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> npt.NDArray[np.floating[Any]]:
    """The dense matrix of a 1-D or 2-D cross-correlation with ``kernel``: ``M @ x.ravel() == out.ravel()``.

    Parameters
    ----------
    kernel : array_like, (K,) or (kH, kW)
        The weights, unflipped (cross-correlation, as `convscope.ops.conv1d` / `conv2d` and the
        playground slide them).
    input_shape : (int,) or (int, int)
        ``(n,)`` for a 1-D kernel, ``(H, W)`` for a 2-D one.
    stride, dilation : int or (int, int), default 1
        Step between windows and spacing between taps, each >= 1.
    padding : int, (int, int), "valid" or "same", default 0
        Zeros on each side, as in `convscope.ops.conv2d`; padding adds no columns (its products are 0).

    Returns
    -------
    ndarray, (O, n) or (H_out * W_out, H * W)
        Row ``r * W_out + c`` is output (r, c)'s window; column ``i * W + j`` is pixel (i, j) (row-major
        ravel on both sides). Same float dtype as the kernel (integers become float64).

    See Also
    --------
    weight_index_matrix : which weight each entry is (-1 for the structural zeros).

    Examples
    --------
    >>> import numpy as np
    >>> convolution_matrix([1.0, 2.0, 3.0], (5,))  # Toeplitz: each row the kernel, one step along
    array([[1., 2., 3., 0., 0.],
           [0., 1., 2., 3., 0.],
           [0., 0., 1., 2., 3.]])
    >>> convolution_matrix([1.0, 2.0, 3.0], (5,), stride=2, padding=1)  # padding's taps leave no entry
    array([[2., 3., 0., 0., 0.],
           [0., 1., 2., 3., 0.],
           [0., 0., 0., 1., 2.]])
    >>> x = np.arange(16.0).reshape(4, 4)
    >>> m = convolution_matrix(np.ones((2, 2)), x.shape, stride=2)
    >>> m.shape, (m @ x.ravel()).reshape(2, 2)  # (H_out*W_out, H*W); the sums of each 2x2 block
    ((4, 16), array([[10., 18.],
           [42., 50.]]))
    """
    weights = as_array(kernel, "kernel", ndim=(1, 2), layout="(K,) or (kH, kW)")
    index = _index(_window(weights.shape, input_shape, stride, padding, dilation))
    flat = weights.reshape(-1)  # (kH*kW,): weight index i*kW + j
    return np.where(index >= 0, flat[index], 0).astype(weights.dtype)  # -1 picks a weight, then 0 hides it


def weight_index_matrix(
    kernel_size: Any, input_shape: Any, *, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> IntArray:
    """Which kernel weight each entry of `convolution_matrix` holds: its flat index, -1 for zeros.

    The same shape as the matrix; weight (i, j) of a (kH, kW) kernel has index ``i * kW + j``. Counting
    the distinct indices against the entries shows weight sharing: a dense layer would need every entry.

    Parameters
    ----------
    kernel_size : int or tuple of int
        ``K`` or ``(K,)`` in 1-D (``input_shape=(n,)``), ``(kH, kW)`` in 2-D.
    input_shape, stride, padding, dilation
        As in `convolution_matrix`.

    Returns
    -------
    ndarray of int64, (O, n) or (H_out * W_out, H * W)

    Examples
    --------
    >>> weight_index_matrix(2, (4,))
    array([[ 0,  1, -1, -1],
           [-1,  0,  1, -1],
           [-1, -1,  0,  1]])
    >>> index = weight_index_matrix((3, 3), (8, 8))
    >>> len(set(index[index >= 0].tolist())), index.size  # 9 shared weights; a dense layer needs 2304
    (9, 2304)
    """
    ndim = len(input_shape) if isinstance(input_shape, (tuple, list)) else 0
    size = (kernel_size,) * ndim if not isinstance(kernel_size, (tuple, list)) else tuple(kernel_size)
    return _index(_window(size, input_shape, stride, padding, dilation))


def _window(
    kernel_shape: tuple[Any, ...], input_shape: Any, stride: Any, padding: Any, dilation: Any
) -> Window:
    """Check the shapes and settings; the `Window` of a kernel of ``kernel_shape`` over ``input_shape``."""
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) not in (1, 2):
        raise ValueError(f"input_shape must be (n,) or (H, W), got {input_shape!r}")
    ndim = len(input_shape)
    if len(kernel_shape) != ndim:
        raise ValueError(
            f"the kernel must have one axis per input axis: input_shape {tuple(input_shape)} needs a "
            f"{ndim}-D kernel, got kernel shape {tuple(kernel_shape)}"
        )
    one = (lambda t: t[0]) if ndim == 1 else tuple  # as_window takes plain ints in 1-D
    return as_window(one(input_shape), one(kernel_shape), stride, padding, dilation, ndim=ndim).require_fit()


def _index(win: Window) -> IntArray:
    """The weight index matrix of a checked window: rows are outputs, columns inputs, both row-major."""
    n = win.ndim
    # Broadcast every axis over an (O_1, ..., O_n, K_1, ..., K_n) grid: output position, then kernel tap.
    taps, reads = [], []
    for a, axis in enumerate(win.axes):
        shape = [1] * (2 * n)
        shape[a], shape[n + a] = axis.output_size, axis.kernel_size
        taps.append(axis.taps().reshape(shape))  # (O_a, K_a) placed on its two grid axes
        reads.append(axis.reads_input().reshape(shape))
    grid = np.broadcast_shapes(*(t.shape for t in taps))
    valid = np.logical_and.reduce([np.broadcast_to(r, grid) for r in reads])
    row = np.broadcast_to(np.arange(np.prod(win.output_size)).reshape(*win.output_size, *[1] * n), grid)
    weight = np.broadcast_to(np.arange(np.prod(win.kernel_size)).reshape(*[1] * n, *win.kernel_size), grid)
    column = np.ravel_multi_index([np.broadcast_to(t, grid)[valid] for t in taps], win.input_size)
    index = np.full((int(np.prod(win.output_size)), int(np.prod(win.input_size))), -1, dtype=np.int64)
    index[row[valid], column] = weight[valid]  # taps of one window read distinct pixels: no collisions
    return index
