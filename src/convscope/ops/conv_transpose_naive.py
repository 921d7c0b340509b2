"""Transposed convolution stated as plain loops: the *scatter* reading the fast op is tested against.

Each input value paints a copy of its kernel, scaled by the value, into the uncropped output (the
frame) where a convolution's window for that input position would sit; overlaps add. Cropping
``padding`` from each side (and adding ``output_padding``'s zeros) gives the output. The loops visit
inputs in row-major order (image, input channel, row, column). Slow by design, for small inputs.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from convscope.ops.conv_transpose import (
    TransposeGeometry,
    check_transpose_grad,
    prepare_transpose_args,
)
from convscope.ops.im2col import Array

__all__ = [
    "conv_transpose1d_backward_naive",
    "conv_transpose1d_naive",
    "conv_transpose2d_backward_naive",
    "conv_transpose2d_naive",
]


def conv_transpose2d_naive(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
    groups: Any = 1, dilation: Any = 1,
) -> Array:
    """`convscope.ops.conv_transpose.conv_transpose2d` as a loop over input values: same arguments, result.

    ``frame[n, group's channels, window of (h, w)] += x[n, c, h, w] * weight[c]``, then the crop.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])[None, None]  # (1, 1, 2, 2)
    >>> conv_transpose2d_naive(x, np.ones((1, 1, 2, 2)), stride=1)[0, 0]  # overlapping copies add
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])
    """
    args = prepare_transpose_args(x, weight, bias, stride, padding, output_padding, groups, dilation)
    return _forward(*args)


def _forward(x: Array, weight: Array, bias: Array | None, geom: TransposeGeometry) -> Array:
    """`conv_transpose2d_naive` on checked arrays (NCHW) of `geom`."""
    conv = geom.conv
    frame = np.zeros((conv.batch, conv.in_channels, *conv.input_size), dtype=x.dtype)  # (N, C_out, F_h, F_w)
    for n, c, h, w in itertools.product(*map(range, x.shape)):
        _copy(frame, geom, n, c, h, w)[...] += x[n, c, h, w] * weight[c]  # a view: paints in place
    out = geom.crop(frame)
    if bias is not None:
        out += bias[:, None, None]
    return out


def conv_transpose2d_backward_naive(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    output_padding: Any = 0, groups: Any = 1, dilation: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """`convscope.ops.conv_transpose.conv_transpose2d_backward` by the same loop.

    Input (n, c, h, w) painted ``x * weight[c]`` onto a window of the frame, so it receives the sum of
    that window's gradient times ``weight[c]``, and ``weight[c]`` receives the window's gradient times x.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])[None, None]
    >>> grad_x, _, _ = conv_transpose2d_backward_naive(np.ones((1, 1, 3, 3)), x, np.ones((1, 1, 2, 2)))
    >>> grad_x[0, 0]
    array([[4., 4.],
           [4., 4.]])
    """
    x, weight, bias, geom = prepare_transpose_args(x, weight, bias, stride, padding, output_padding,
                                                   groups, dilation)
    return _backward(check_transpose_grad(grad_output, geom, x.dtype, 2), x, weight, bias, geom)


def _backward(
    grad: Array, x: Array, weight: Array, bias: Array | None, geom: TransposeGeometry
) -> tuple[Array, Array, Array | None]:
    """`conv_transpose2d_backward_naive` on checked arrays (NCHW) of `geom`."""
    frame = geom.uncrop(grad)  # (N, C_out, F_h, F_w): the gradient of every painted cell
    grad_x, grad_weight = np.zeros_like(x), np.zeros_like(weight)
    for n, c, h, w in itertools.product(*map(range, x.shape)):
        window = _copy(frame, geom, n, c, h, w)  # (C_out/groups, kH, kW)
        grad_x[n, c, h, w] = np.sum(window * weight[c])
        grad_weight[c] += x[n, c, h, w] * window
    grad_bias = None if bias is None else grad.sum(axis=(0, 2, 3))
    return grad_x, grad_weight, grad_bias


def conv_transpose1d_naive(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
    groups: Any = 1, dilation: Any = 1,
) -> Array:
    """`convscope.ops.conv_transpose.conv_transpose1d` by the loop of `conv_transpose2d_naive`.

    Examples
    --------
    >>> import numpy as np
    >>> conv_transpose1d_naive(np.array([[[1.0, 10.0]]]), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    array([[[ 1.,  2., 13., 20., 30.]]])
    """
    args = prepare_transpose_args(x, weight, bias, stride, padding, output_padding, groups, dilation, ndim=1)
    return _forward(*args)[:, :, 0, :]  # (N, C_out, 1, L_out) -> (N, C_out, L_out)


def conv_transpose1d_backward_naive(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    output_padding: Any = 0, groups: Any = 1, dilation: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """`convscope.ops.conv_transpose.conv_transpose1d_backward` by the loop of the 2-D twin.

    Examples
    --------
    >>> import numpy as np
    >>> _, grad_w, _ = conv_transpose1d_backward_naive(
    ...     np.ones((1, 1, 5)), np.array([[[1.0, 10.0]]]), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    >>> grad_w
    array([[[11., 11., 11.]]])
    """
    x4, w4, b, geom = prepare_transpose_args(x, weight, bias, stride, padding, output_padding, groups,
                                             dilation, ndim=1)
    grad = check_transpose_grad(grad_output, geom, x4.dtype, 1)  # (N, C_out, 1, L_out)
    grad_x, grad_w, grad_b = _backward(grad, x4, w4, b, geom)
    return grad_x[:, :, 0, :], grad_w[:, :, 0, :], grad_b  # drop the height-1 axis again


def _copy(frame: Array, geom: TransposeGeometry, n: int, c: int, h: int, w: int) -> Array:
    """View of the frame input (n, c, h, w) paints: its group's output channels under window (h, w)."""
    conv = geom.conv
    per_group = conv.in_channels // conv.groups  # C_out / groups
    first = (c // (conv.out_channels // conv.groups)) * per_group  # first output channel of c's group
    rows, columns = conv.window.window_index((h, w))
    return frame[n, first : first + per_group, rows, columns]
