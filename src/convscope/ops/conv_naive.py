"""Convolution stated as plain loops: the definition the fast `convscope.ops.conv` is tested against.

The loops visit output positions in row-major order (image, output channel, row, column), the order in
which the playground animates the sliding window. Each step is one window: the dot product of the
kernel with the pixels under it. They are slow by design and only meant for small inputs.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from convscope.ops.conv import check_grad_output, prepare_conv_args
from convscope.ops.conv1d import check_grad_output_1d
from convscope.ops.im2col import Array, ConvGeometry, pad_input

__all__ = ["conv1d_backward_naive", "conv1d_naive", "conv2d_backward_naive", "conv2d_naive"]


def conv2d_naive(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
    groups: Any = 1,
) -> Array:
    """`convscope.ops.conv.conv2d` as loops over output positions: same arguments, same result.

    ``out[n, o, r, c] = bias[o] + sum(window * weight[o])``, where ``window`` is the padded input under
    the kernel when it sits at output position (r, c), restricted to the channels of o's group.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d_naive(x, np.ones((1, 1, 2, 2)), stride=2)
    array([[[[10., 18.],
             [42., 50.]]]])
    """
    return _forward(*prepare_conv_args(x, weight, bias, stride, padding, dilation, groups))


def _forward(x: Array, weight: Array, bias: Array | None, geom: ConvGeometry) -> Array:
    """`conv2d_naive` on checked arrays (NCHW) of `geom`."""
    padded = pad_input(x, geom)  # (N, C_in, H_pad, W_pad)
    out = np.zeros((geom.batch, geom.out_channels, *geom.output_size), dtype=x.dtype)
    for n, o, r, c in _output_positions(geom):
        out[n, o, r, c] = np.sum(_window(padded, geom, n, o, r, c) * weight[o])
        if bias is not None:
            out[n, o, r, c] += bias[o]
    return out


def conv2d_backward_naive(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    dilation: Any = 1, groups: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """`convscope.ops.conv.conv2d_backward` as the same loop: each output's gradient flows back to its window.

    Output (n, o, r, c) was ``sum(window * weight[o])``, so its gradient g adds ``g * weight[o]`` to the
    pixels of the window and ``g * window`` to weight[o], and g to bias[o].

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> grad_x, grad_w, _ = conv2d_backward_naive(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))
    >>> grad_w[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    x, weight, bias, geom = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups)
    return _backward(check_grad_output(grad_output, geom, x.dtype), x, weight, bias, geom)


def _backward(
    grad: Array, x: Array, weight: Array, bias: Array | None, geom: ConvGeometry
) -> tuple[Array, Array, Array | None]:
    """`conv2d_backward_naive` on checked arrays (NCHW) of `geom`."""
    padded = pad_input(x, geom)  # (N, C_in, H_pad, W_pad)
    grad_padded = np.zeros_like(padded)
    grad_weight = np.zeros_like(weight)
    for n, o, r, c in _output_positions(geom):
        g = grad[n, o, r, c]
        _window(grad_padded, geom, n, o, r, c)[...] += g * weight[o]  # the window is a view: adds in place
        grad_weight[o] += g * _window(padded, geom, n, o, r, c)
    rows, columns = geom.window.unpadded_index()
    grad_x = grad_padded[:, :, rows, columns]  # drop the padding
    grad_bias = None if bias is None else grad.sum(axis=(0, 2, 3))
    return grad_x, grad_weight, grad_bias


def conv1d_naive(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
    groups: Any = 1,
) -> Array:
    """`convscope.ops.conv1d.conv1d` by the loops of `conv2d_naive` on one-pixel-tall images.

    Examples
    --------
    >>> import numpy as np
    >>> conv1d_naive(np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, -1.0]]]))
    array([[[-1., -1., -1.]]])
    """
    args = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups, ndim=1)
    return _forward(*args)[:, :, 0, :]  # (N, C_out, 1, L_out) -> (N, C_out, L_out)


def conv1d_backward_naive(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    dilation: Any = 1, groups: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """`convscope.ops.conv1d.conv1d_backward` by the loops of `conv2d_backward_naive`.

    Examples
    --------
    >>> import numpy as np
    >>> _, grad_w, _ = conv1d_backward_naive(
    ...     np.ones((1, 1, 3)), np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, -1.0]]]))
    >>> grad_w
    array([[[6., 9.]]])
    """
    x4, w4, b, geom = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups, ndim=1)
    grad_x, grad_w, grad_b = _backward(check_grad_output_1d(grad_output, geom, x4.dtype), x4, w4, b, geom)
    return grad_x[:, :, 0, :], grad_w[:, :, 0, :], grad_b  # drop the height-1 axis again


def _output_positions(geom: ConvGeometry) -> itertools.product[tuple[int, ...]]:
    """Every (n, o, r, c) of the output in row-major order: the order the playground animates."""
    return itertools.product(
        range(geom.batch), range(geom.out_channels), range(geom.output_size[0]), range(geom.output_size[1])
    )


def _window(padded: Array, geom: ConvGeometry, n: int, o: int, r: int, c: int) -> Array:
    """View of the padded input under output (n, o, r, c)'s window: (C_in/groups, kH, kW)."""
    per_group = geom.in_channels // geom.groups
    first = (o // (geom.out_channels // geom.groups)) * per_group  # first input channel of o's group
    rows, columns = geom.window.window_index((r, c))
    return padded[n, first : first + per_group, rows, columns]
