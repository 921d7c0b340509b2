"""Convolution layers' maths (NCHW): ``conv2d`` and its backward passes, built on im2col.

Like every deep-learning framework, these compute *cross-correlation*: the kernel slides over the input
unflipped, ``out[n, o, r, c] = b[o] + sum_{ci, i, j} x_pad[n, ci, r*s + i*d, c*s + j*d] * w[o, ci, i, j]``
(within o's group). True (mathematical) convolution flips the kernel first: see `flip_kernel`.
The loop versions that state this definition plainly live in `convscope.ops.conv_naive`; `conv1d` in
`convscope.ops.conv1d`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convscope._validate import NonFiniteChunkError, as_array, values_trusted
from convscope.ops.conv_args import CONV_LAYOUTS, as_grad, as_nchw, as_operands
from convscope.ops.conv_chunks import forward as forward  # re-exported: conv1d and trace call it
from convscope.ops.conv_chunks import gradients
from convscope.ops.im2col import Array, ConvGeometry, conv_geometry
from convscope.ops.workspace import Workspace

__all__ = [
    "conv2d", "conv2d_backward", "conv2d_backward_input", "conv2d_backward_weight", "flip_kernel",
]


def conv2d(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
    groups: Any = 1, *, workspace: Workspace | None = None,
) -> Array:
    """2-D cross-correlation of a batch of images with a bank of kernels, as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    x : array_like, (N, C_in, H, W)
        Input images.
    weight : array_like, (C_out, C_in / groups, kH, kW)
        Kernels; output channel ``o`` sees input channels of its group only.
    bias : array_like, (C_out,), optional
        Added to every position of each output channel.
    stride : int or (int, int), default 1
        Step between windows, >= 1.
    padding : int, (int, int), "valid" or "same", default 0
        Zeros added on each side. "valid" is 0; "same" keeps H and W (needs stride 1; an odd total
        padding puts the extra row/column at the bottom/right, as PyTorch does).
    dilation : int or (int, int), default 1
        Spacing between kernel taps (1 = no dilation).
    groups : int, default 1
        Channels split into this many independent groups (C_in and C_out must both divide).
    workspace : Workspace, optional
        Scratch memory kept between calls (a layer's): the columns are written there, not allocated.

    Returns
    -------
    ndarray, (N, C_out, H_out, W_out)
        ``H_out = (H + pad_top + pad_bottom - dilation*(kH - 1) - 1) // stride + 1`` (same for W).
        float32 in gives float32 out; float64 gives float64.

    See Also
    --------
    conv2d_backward : its gradients (`conv2d_backward_input`, `conv2d_backward_weight`: one part each).
    convscope.ops.conv_naive.conv2d_naive : the same numbers from plain loops.
    flip_kernel : turns cross-correlation into true convolution.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.ones((1, 1, 2, 2))
    >>> conv2d(x, w, stride=2)  # the sum of each 2x2 block
    array([[[[10., 18.],
             [42., 50.]]]])
    >>> conv2d(x, w, padding="same").shape
    (1, 1, 4, 4)
    """
    settings = (stride, padding, dilation, groups)
    x, weight, bias, geom = prepare_conv_args(x, weight, bias, *settings, x_values=False)
    try:  # x's values checked a chunk at a time, as each is worked (`convscope._validate.check_chunk`)
        return forward(x, weight, bias, geom, workspace, check=not values_trusted())
    except NonFiniteChunkError:
        as_array(x, "x")  # raises as the up-front check did
        raise


def conv2d_backward(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    dilation: Any = 1, groups: Any = 1, *, workspace: Workspace | None = None,
) -> tuple[Array, Array, Array | None]:
    """Gradients of `conv2d` with respect to x, weight and bias, given dLoss/dOutput.

    Parameters
    ----------
    grad_output : array_like, (N, C_out, H_out, W_out)
        Gradient of the loss with respect to ``conv2d(x, weight, bias, ...)``.
    x, weight, bias, stride, padding, dilation, groups, workspace
        The forward call's arguments (see `conv2d`).

    Returns
    -------
    grad_x : ndarray, (N, C_in, H, W)
        Each output's gradient times its weights, added back onto the pixels its window covered.
    grad_weight : ndarray, (C_out, C_in / groups, kH, kW)
        Each tap's gradient: the sum over every window of gradient times the pixel under the tap.
    grad_bias : ndarray, (C_out,), or None
        The sum of grad_output over batch and positions; None when ``bias`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> w = np.ones((1, 1, 2, 2))
    >>> grad_x, grad_w, grad_b = conv2d_backward(np.ones((1, 1, 2, 2)), x, w, bias=np.zeros(1))
    >>> grad_x[0, 0]  # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> grad_w[0, 0]  # the sum of the pixels each tap saw
    array([[ 8., 12.],
           [20., 24.]])
    >>> grad_b
    array([4.])
    """
    settings = (stride, padding, dilation, groups)
    x, weight, bias, geom = prepare_conv_args(x, weight, bias, *settings, x_values=False)
    grad = check_grad_output(grad_output, geom, x.dtype, values=False)
    try:  # x's and grad's values checked a chunk at a time (`convscope._validate.check_chunk`)
        return backward(grad, x, weight, bias, geom, workspace, check=not values_trusted())
    except NonFiniteChunkError:  # the checks in the order they were made up front, each raising as it did
        as_array(x, "x")
        as_array(grad_output, "grad_output")  # as given: its cast to x's dtype may overflow, as before
        return backward(grad, x, weight, bias, geom, workspace)


def backward(
    grad: Array, x: Array, weight: Array, bias: Array | None, geom: ConvGeometry,
    workspace: Workspace | None = None, check: bool = False,
) -> tuple[Array, Array, Array | None]:
    """`conv2d_backward` on checked arrays: grad (N, C_out, H_out, W_out) and the forward's, of `geom`.

    ``check``: grad's and x's values are not checked yet; each chunk checks its own (`NonFiniteChunkError`).
    """
    grad_x, grad_weight, grad_bias = gradients(
        grad, x, weight, bias, geom, for_input=True, for_weight=True, workspace=workspace, check=check
    )
    assert grad_x is not None
    assert grad_weight is not None
    return grad_x, grad_weight, grad_bias


def conv2d_backward_input(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    dilation: Any = 1, groups: Any = 1,
) -> Array:
    """The input gradient of `conv2d` alone, as ``torch.nn.grad.conv2d_input``.

    Takes the forward's arguments, like `conv2d_backward` (``bias`` is checked but does not enter), and
    skips the weight and bias gradients, which a frozen layer does not need.

    Returns
    -------
    grad_x : ndarray, (N, C_in, H, W)

    Examples
    --------
    >>> import numpy as np
    >>> x, w = np.arange(9.0).reshape(1, 1, 3, 3), np.ones((1, 1, 2, 2))
    >>> conv2d_backward_input(np.ones((1, 1, 2, 2)), x, w)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    x, weight, bias, geom = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups)
    return input_gradient(check_grad_output(grad_output, geom, x.dtype), weight, geom)


def conv2d_backward_weight(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    dilation: Any = 1, groups: Any = 1, *, workspace: Workspace | None = None,
) -> tuple[Array, Array | None]:
    """The weight and bias gradients of `conv2d` alone, as ``torch.nn.grad.conv2d_weight``.

    A network's first convolution has no layer below it to receive dLoss/dx, and building that
    gradient (a matrix product and a col2im scatter) is about half of the full backward's work.
    Takes the forward's arguments, like `conv2d_backward`.

    Returns
    -------
    grad_weight : ndarray, (C_out, C_in / groups, kH, kW)
    grad_bias : ndarray, (C_out,), or None when ``bias`` is None

    Examples
    --------
    >>> import numpy as np
    >>> x, w = np.arange(9.0).reshape(1, 1, 3, 3), np.ones((1, 1, 2, 2))
    >>> grad_w, grad_b = conv2d_backward_weight(np.ones((1, 1, 2, 2)), x, w, bias=np.zeros(1))
    >>> grad_w[0, 0], grad_b
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))
    """
    x, weight, bias, geom = prepare_conv_args(x, weight, bias, stride, padding, dilation, groups)
    return weight_gradient(check_grad_output(grad_output, geom, x.dtype), x, weight, bias, geom, workspace)


def input_gradient(grad: Array, weight: Array, geom: ConvGeometry) -> Array:
    """dLoss/dx (N, C_in, H, W) of `conv2d` on checked arrays; what a transposed convolution computes."""
    grad_x, _, _ = gradients(grad, None, weight, None, geom, for_input=True, for_weight=False)
    assert grad_x is not None
    return grad_x


def weight_gradient(
    grad: Array, x: Array, weight: Array, bias: Array | None, geom: ConvGeometry,
    workspace: Workspace | None = None,
) -> tuple[Array, Array | None]:
    """(dLoss/dweight, dLoss/dbias or None) of `conv2d` on checked arrays of `geom`."""
    _, grad_weight, grad_bias = gradients(
        grad, x, weight, bias, geom, for_input=False, for_weight=True, workspace=workspace
    )
    assert grad_weight is not None
    return grad_weight, grad_bias


def flip_kernel(weight: Any) -> Array:
    """Rotate kernels by 180 degrees, so `conv2d` / `conv1d` compute true convolution.

    Frameworks slide the kernel unflipped (cross-correlation). Convolution in the signal-processing
    sense, ``(f * g)(t) = sum_a f(a) g(t - a)``, reads the kernel backwards; flipping it first (its
    last axes, kH and kW for conv2d, K for conv1d) turns one into the other. Learned kernels don't care
    which you use: a network simply learns the flipped kernel.

    Parameters
    ----------
    weight : array_like, (..., kH, kW) or (..., K)
        Kernels; for a conv2d weight (rank 4) both spatial axes flip, for a conv1d weight (rank 3) or a
        single 1-D kernel, the last axis.

    Returns
    -------
    ndarray
        The flipped copy, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.ops import conv1d
    >>> signal = np.array([[[0.0, 1.0, 0.0, 0.0]]])  # (N=1, C=1, L=4): an impulse at position 1
    >>> kernel = np.array([[[1.0, 2.0, 3.0]]])       # (C_out=1, C_in=1, K=3)
    >>> conv1d(signal, kernel, padding=1)  # cross-correlation: the kernel appears reversed
    array([[[3., 2., 1., 0.]]])
    >>> conv1d(signal, flip_kernel(kernel), padding=1)  # true convolution: the impulse response
    array([[[1., 2., 3., 0.]]])
    """
    w = as_array(weight, "weight", ndim=(1, 2, 3, 4))
    axes = (-2, -1) if w.ndim in (2, 4) else (-1,)
    return np.ascontiguousarray(np.flip(w, axis=axes))


def prepare_conv_args(
    x: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any, groups: Any, ndim: int = 2,
    x_values: bool = True,
) -> tuple[Array, Array, Array | None, ConvGeometry]:
    """Check a conv2d (or ``ndim=1`` conv1d) call: NCHW arrays of one float dtype, and their geometry.

    The one place a convolution's arguments are checked (`convscope.ops.conv_args`, as its transpose's
    are); everything after trusts what it returns. In 1-D, x (N, C_in, L) comes back as (N, C_in, 1, L)
    and weight (C_out, C_in/G, 1, K). ``x_values=False`` leaves x's values to the caller's chunks.
    """
    x, weight = as_operands(x, weight, ndim, CONV_LAYOUTS[ndim], x_values)
    geom = conv_geometry(x.shape, weight.shape, stride, padding, dilation, groups, ndim)
    return (*as_nchw(x, weight, bias, geom.out_channels), geom)


def check_grad_output(
    grad_output: Any, geom: ConvGeometry, dtype: np.dtype[Any], ndim: int = 2, values: bool = True
) -> Array:
    """grad_output as a 4-D array of `dtype`, after checking it has the forward output's shape.

    ``ndim=1``: grad_output is (N, C_out, L_out), returned one pixel tall as the 2-D backward takes it.
    ``values=False`` leaves its values to the caller's chunks.
    """
    expected = (geom.batch, geom.out_channels, *geom.output_size[-ndim:])
    return as_grad(grad_output, expected, dtype, CONV_LAYOUTS[ndim][2], values)
