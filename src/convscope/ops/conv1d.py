"""1-D convolution on (N, C, L): a 2-D convolution on images one pixel tall.

Writing it as `conv2d` on an (N, C, 1, L) view keeps one implementation (and one set of checks) for both.
"""

from __future__ import annotations

from typing import Any

from convscope._validate import as_array, check_int
from convscope.ops.conv import conv2d, conv2d_backward
from convscope.ops.im2col import Array

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
    args = conv1d_as_conv2d(x, weight, stride, padding, dilation)
    return conv2d(*args[:2], bias, *args[2:], groups)[:, :, 0, :]  # (N, C_out, 1, L_out) -> (N, C_out, L_out)


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
    x4, w4, stride2, padding2, dilation2 = conv1d_as_conv2d(x, weight, stride, padding, dilation)
    grad = as_array(grad_output, "grad_output", ndim=3, layout="(N, C_out, L_out)")
    grad_x, grad_w, grad_b = conv2d_backward(
        grad[:, :, None, :], x4, w4, bias, stride2, padding2, dilation2, groups  # (N, C_out, 1, L_out)
    )
    return grad_x[:, :, 0, :], grad_w[:, :, 0, :], grad_b  # drop the height-1 axis again


def conv1d_as_conv2d(
    x: Any, weight: Any, stride: Any, padding: Any, dilation: Any
) -> tuple[Array, Array, tuple[int, int], Any, tuple[int, int]]:
    """conv1d's arguments as conv2d's: one-pixel-tall images and kernels, settings on the width only."""
    x = as_array(x, "x", ndim=3, layout="(N, C_in, L)")
    weight = as_array(weight, "weight", ndim=3, layout="(C_out, C_in/groups, K)")
    s = check_int(stride, "stride", minimum=1)
    d = check_int(dilation, "dilation", minimum=1)
    if padding == "same" and s != 1:
        raise ValueError(f"padding='same' needs stride 1 (as in PyTorch), got {s}")
    pad = padding if isinstance(padding, str) else (0, check_int(padding, "padding", minimum=0))
    # (N, C_in, L) -> (N, C_in, 1, L) and (C_out, C_in/groups, K) -> (C_out, C_in/groups, 1, K)
    return x[:, :, None, :], weight[:, :, None, :], (1, s), pad, (1, d)
