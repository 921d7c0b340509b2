"""1-D convolution on (N, C, L): a 2-D convolution on images one pixel tall.

Its arguments are checked as 1-D (``convscope.geometry`` with ``ndim=1``: errors speak of the length), then
the work is `conv2d`'s on an (N, C, 1, L) view: one implementation for both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convscope.ops.conv import backward, check_grad_output, forward, prepare_conv_args
from convscope.ops.im2col import Array, ConvGeometry

__all__ = ["conv1d", "conv1d_backward"]


def conv1d(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
    groups: Any = 1,
) -> Array:
    """1-D cross-correlation of a batch of signals, as ``torch.nn.functional.conv1d``.

    A 1-D convolution is a 2-D one on images one pixel tall, so this runs `conv2d` on an
    (N, C_in, 1, L) view with a (C_out, C_in/groups, 1, K) kernel.

    Parameters
    ----------
    x : array_like, (N, C_in, L)
        Input signals.
    weight : array_like, (C_out, C_in / groups, K)
        Kernels.
    bias : array_like, (C_out,), optional
    stride, dilation : int, default 1
        Step between windows and spacing between taps, each >= 1.
    padding : int, "valid" or "same", default 0
        Zeros added at each end ("same" needs stride 1; an odd total puts the extra zero at the end).
    groups : int, default 1

    Returns
    -------
    ndarray, (N, C_out, L_out)
        ``L_out = (L + pad_start + pad_end - dilation*(K - 1) - 1) // stride + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> conv1d(np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, -1.0]]]))  # differences
    array([[[-1., -1., -1.]]])
    """
    args = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups, ndim=1)
    return forward(*args)[:, :, 0, :]  # (N, C_out, 1, L_out) -> (N, C_out, L_out)


def conv1d_backward(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    dilation: Any = 1, groups: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """Gradients of `conv1d` with respect to x (N, C_in, L), weight (C_out, C_in/groups, K) and bias.

    Examples
    --------
    >>> import numpy as np
    >>> grad_x, grad_w, grad_b = conv1d_backward(
    ...     np.ones((1, 1, 3)), np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.array([[[1.0, -1.0]]]))
    >>> grad_x
    array([[[ 1.,  0.,  0., -1.]]])
    >>> grad_w
    array([[[6., 9.]]])
    """
    x4, w4, b, geom = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups, ndim=1)
    grad = check_grad_output_1d(grad_output, geom, x4.dtype)
    grad_x, grad_w, grad_b = backward(grad, x4, w4, b, geom)
    return grad_x[:, :, 0, :], grad_w[:, :, 0, :], grad_b  # drop the height-1 axis again


def check_grad_output_1d(grad_output: Any, geom: ConvGeometry, dtype: np.dtype[Any]) -> Array:
    """grad_output (N, C_out, L_out) as the one-pixel-tall (N, C_out, 1, L_out) the 2-D backward takes."""
    return check_grad_output(grad_output, geom, dtype, ndim=1)
