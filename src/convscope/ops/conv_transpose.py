"""Transposed convolution (NCHW): ``conv_transpose2d`` / ``conv_transpose1d`` and their backward passes.

A transposed convolution is the adjoint of a convolution: where `conv2d` gathers a window of pixels into
one output, its transpose spreads one input value over a window of the output, ``out[n, o, h*S + i*D,
w*S + j*D] += x[n, c, h, w] * weight[c, o, i, j]`` (overlaps add), then crops ``padding`` from each side.
That is exactly `conv2d`'s input gradient (col2im); the forward paints it in a channels-last layout
(`convscope.ops.transpose_chunks.paint`, col2im's NCHW for groups); the backward is `conv2d` forward
(for x) and its weight gradient (for weight), which share one im2col of the frame
(`convscope.ops.transpose_chunks.frame_gradients`); both run a chunk of the batch per thread. The work
happens on the *frame*: the uncropped output, ``F = (W - 1)S + D(K - 1) + 1`` long, where a convolution
without padding has exactly W windows. The arguments are checked as `conv2d`'s are, by the same
functions (`convscope.ops.conv_args`). The loop twins, which paint each input's kernel copy one at a
time, live in `convscope.ops.conv_transpose_naive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convscope.geometry import Sizes, Window, transposed_sizes
from convscope.ops.conv import input_gradient
from convscope.ops.conv_args import (
    TRANSPOSE_LAYOUTS,
    as_2d,
    as_grad,
    as_nchw,
    as_operands,
    check_groups,
    window_over,
)
from convscope.ops.im2col import Array, ConvGeometry
from convscope.ops.transpose_chunks import frame_gradients, paint

__all__ = ["conv_transpose1d", "conv_transpose1d_backward", "conv_transpose2d", "conv_transpose2d_backward"]

@dataclass(frozen=True)
class TransposeGeometry:
    """One transposed convolution: the convolution it transposes (on the frame) and the crop after it."""

    conv: ConvGeometry  # conv2d from the frame (N, C_out, F_h, F_w) to x (N, C_in, H, W), no padding
    output_size: Sizes  # (H_out, W_out)
    frame_cells: tuple[slice, ...]  # the frame cells the output keeps, per axis
    output_cells: tuple[slice, ...]  # where they land in the output; the rest is output_padding: zeros

    def crop(self, frame: Array) -> Array:
        """Output (N, C, H_out, W_out) from frame (N, C, F_h, F_w): crop padding, add output_padding."""
        out = np.zeros((*frame.shape[:2], *self.output_size), dtype=frame.dtype)
        every = (slice(None), slice(None))  # batch and channels
        out[(*every, *self.output_cells)] = frame[(*every, *self.frame_cells)]
        return out

    def uncrop(self, grad: Array) -> Array:
        """`crop`'s adjoint: grad (N, C, H_out, W_out) back on the frame, zeros where cells were cropped."""
        frame = np.zeros((*grad.shape[:2], *self.conv.input_size), dtype=grad.dtype)
        every = (slice(None), slice(None))  # batch and channels
        frame[(*every, *self.frame_cells)] = grad[(*every, *self.output_cells)]
        return frame


def transpose_geometry(
    x_shape: tuple[int, ...], weight_shape: tuple[int, ...], stride: Any, padding: Any,
    output_padding: Any, groups: Any, dilation: Any, ndim: int,
) -> TransposeGeometry:
    """Check a transposed convolution's shapes and settings (``ndim`` 1 or 2) and return its geometry."""
    groups = check_groups(x_shape, weight_shape, groups, TRANSPOSE_LAYOUTS[ndim])
    if weight_shape[0] != x_shape[1]:
        raise ValueError(f"weight must be {TRANSPOSE_LAYOUTS[ndim][1]} with C_in={x_shape[1]}, x's channels; "
                         f"got shape {weight_shape}")
    win = window_over(x_shape, weight_shape, stride, padding, dilation, named_padding=False)
    out_size = transposed_sizes(win, output_padding)
    # The frame: the shortest input on which an unpadded convolution of this window has W windows.
    frame = Window.of([(a.size - 1) * a.stride + a.span for a in win.axes], win.kernel_size, win.stride,
                      None, win.dilation)
    # Output cell t is frame cell t + padding; frame cells past the frame are output_padding's zeros.
    kept = [max(0, min(f.size - a.padding[0], o))
            for f, a, o in zip(frame.axes, win.axes, out_size, strict=True)]
    frame_cells = [slice(a.padding[0], a.padding[0] + k) for a, k in zip(win.axes, kept, strict=True)]
    output_cells = [slice(0, k) for k in kept]
    if ndim == 1:  # (N, C, L) is viewed as (N, C, 1, L)
        out_size = (1, *out_size)
        frame_cells, output_cells = [slice(None), *frame_cells], [slice(None), *output_cells]
    conv = ConvGeometry(x_shape[0], weight_shape[1] * groups, x_shape[1], groups, as_2d(frame))
    return TransposeGeometry(conv, out_size, tuple(frame_cells), tuple(output_cells))


def prepare_transpose_args(
    x: Any, weight: Any, bias: Any, stride: Any, padding: Any, output_padding: Any, groups: Any,
    dilation: Any, ndim: int = 2,
) -> tuple[Array, Array, Array | None, TransposeGeometry]:
    """Check a conv_transpose2d (or ``ndim=1``) call: NCHW arrays of one float dtype, and their geometry.

    The checks are `conv2d`'s (`convscope.ops.conv_args`) with the transpose's weight layout and output
    size. In 1-D, x (N, C_in, L) comes back as (N, C_in, 1, L) and weight (C_in, C_out/G, K) as (.., 1, K).
    """
    x, weight = as_operands(x, weight, ndim, TRANSPOSE_LAYOUTS[ndim])
    geom = transpose_geometry(x.shape, weight.shape, stride, padding, output_padding, groups, dilation, ndim)
    return (*as_nchw(x, weight, bias, geom.conv.in_channels), geom)


def check_transpose_grad(grad_output: Any, geom: TransposeGeometry, dtype: np.dtype[Any], ndim: int) -> Array:
    """grad_output as a 4-D array of `dtype`, after checking it has the forward output's shape."""
    expected = (geom.conv.batch, geom.conv.in_channels, *geom.output_size[-ndim:])
    return as_grad(grad_output, expected, dtype, TRANSPOSE_LAYOUTS[ndim][2])


def conv_transpose2d(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
    groups: Any = 1, dilation: Any = 1,
) -> Array:
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d`` (same arguments, same order).

    Each input value paints a copy of its kernel, scaled by the value, into the output at ``stride``
    steps (overlaps add); ``padding`` then crops that many rows and columns from each side. It is the
    transpose (adjoint) of `conv2d` with the same settings: the shape it maps back to is x's.

    Parameters
    ----------
    x : array_like, (N, C_in, H, W)
        Input images.
    weight : array_like, (C_in, C_out / groups, kH, kW)
        Kernels, in PyTorch's layout for transposed convolutions (input channels first).
    bias : array_like, (C_out,), optional
        Added to every position of each output channel.
    stride, dilation : int or (int, int), default 1
        Step between painted copies and spacing between kernel taps, each >= 1.
    padding : int or (int, int), default 0
        Rows/columns cropped from each side of the painted output, >= 0.
    output_padding : int or (int, int), default 0
        Extra rows/columns at the bottom/right, smaller than the stride or the dilation: which of the
        input sizes a stride-S `conv2d` maps to (H, W) this produces.
    groups : int, default 1
        C_in and C_out split into this many independent groups.

    Returns
    -------
    ndarray, (N, C_out, H_out, W_out)
        ``H_out = (H - 1)*stride - 2*padding + dilation*(kH - 1) + output_padding + 1`` (same for W).

    See Also
    --------
    conv_transpose2d_backward : its gradients.
    convscope.ops.conv_transpose_naive.conv_transpose2d_naive : the same numbers, one painted copy at a time.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])[None, None]  # (1, 1, 2, 2)
    >>> conv_transpose2d(x, np.ones((1, 1, 2, 2)), stride=2)[0, 0]  # each value paints a 2x2 block
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    >>> conv_transpose2d(x, np.ones((1, 1, 3, 3)), stride=2, padding=1, output_padding=1).shape
    (1, 1, 4, 4)
    """
    return transpose_forward(*prepare_transpose_args(x, weight, bias, stride, padding, output_padding,
                                                     groups, dilation))


def transpose_forward(x: Array, weight: Array, bias: Array | None, geom: TransposeGeometry) -> Array:
    """`conv_transpose2d` on checked arrays x (N, C_in, H, W) and weight (C_in, C_out/G, kH, kW)."""
    if geom.conv.groups == 1:
        out = geom.crop(paint(x, weight, geom.conv).transpose(2, 3, 0, 1))  # (F_h, F_w, N, C_out) -> NCHW
    else:  # conv2d's input gradient (col2im) handles the groups
        out = geom.crop(input_gradient(x, weight, geom.conv))  # the frame (N, C_out, F_h, F_w), cropped
    if bias is not None:
        out += bias[:, None, None]
    return out


def conv_transpose2d_backward(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    output_padding: Any = 0, groups: Any = 1, dilation: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """Gradients of `conv_transpose2d` with respect to x, weight and bias, given dLoss/dOutput.

    Parameters
    ----------
    grad_output : array_like, (N, C_out, H_out, W_out)
        Gradient of the loss with respect to ``conv_transpose2d(x, weight, bias, ...)``.
    x, weight, bias, stride, padding, output_padding, groups, dilation
        The forward call's arguments (see `conv_transpose2d`).

    Returns
    -------
    grad_x : ndarray, (N, C_in, H, W)
        `conv2d` of the gradient with the same weight: each input gathers what its painted copy touched.
    grad_weight : ndarray, (C_in, C_out / groups, kH, kW)
    grad_bias : ndarray, (C_out,), or None when ``bias`` is None

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])[None, None]
    >>> w = np.ones((1, 1, 2, 2))
    >>> grad_x, grad_w, _ = conv_transpose2d_backward(np.ones((1, 1, 4, 4)), x, w, stride=2)
    >>> grad_x[0, 0]  # each input's copy covered four output cells
    array([[4., 4.],
           [4., 4.]])
    >>> grad_w[0, 0]  # every tap was painted once by each input value: 1 + 2 + 3 + 4
    array([[10., 10.],
           [10., 10.]])
    """
    x, weight, bias, geom = prepare_transpose_args(x, weight, bias, stride, padding, output_padding,
                                                   groups, dilation)
    return transpose_backward(check_transpose_grad(grad_output, geom, x.dtype, 2), x, weight, bias, geom)


def transpose_backward(
    grad: Array, x: Array, weight: Array, bias: Array | None, geom: TransposeGeometry
) -> tuple[Array, Array, Array | None]:
    """`conv_transpose2d_backward` on checked arrays: grad (N, C_out, H_out, W_out) and the forward's."""
    frame = geom.uncrop(grad)  # (N, C_out, F_h, F_w)
    grad_bias = None if bias is None else grad.sum(axis=(0, 2, 3))
    grad_x, grad_weight = frame_gradients(frame, x, weight, geom.conv)  # conv2d from the frame to x
    return grad_x, grad_weight, grad_bias


def conv_transpose1d(
    x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, output_padding: Any = 0,
    groups: Any = 1, dilation: Any = 1,
) -> Array:
    """1-D transposed convolution, as ``torch.nn.functional.conv_transpose1d``: one-pixel-tall images.

    x is (N, C_in, L), weight (C_in, C_out / groups, K), bias (C_out,); the settings are ints. Returns
    (N, C_out, L_out), ``L_out = (L - 1)*stride - 2*padding + dilation*(K - 1) + output_padding + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> conv_transpose1d(np.array([[[1.0, 10.0]]]), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    array([[[ 1.,  2., 13., 20., 30.]]])
    """
    args = prepare_transpose_args(x, weight, bias, stride, padding, output_padding, groups, dilation, ndim=1)
    return transpose_forward(*args)[:, :, 0, :]  # (N, C_out, 1, L_out) -> (N, C_out, L_out)


def conv_transpose1d_backward(
    grad_output: Any, x: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
    output_padding: Any = 0, groups: Any = 1, dilation: Any = 1,
) -> tuple[Array, Array, Array | None]:
    """Gradients of `conv_transpose1d` with respect to x (N, C_in, L), weight (C_in, C_out/groups, K), bias.

    Examples
    --------
    >>> import numpy as np
    >>> grad_x, grad_w, _ = conv_transpose1d_backward(
    ...     np.ones((1, 1, 5)), np.array([[[1.0, 10.0]]]), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    >>> grad_x, grad_w
    (array([[[6., 6.]]]), array([[[11., 11., 11.]]]))
    """
    x4, w4, b, geom = prepare_transpose_args(x, weight, bias, stride, padding, output_padding, groups,
                                             dilation, ndim=1)
    grad = check_transpose_grad(grad_output, geom, x4.dtype, 1)  # (N, C_out, 1, L_out)
    grad_x, grad_w, grad_b = transpose_backward(grad, x4, w4, b, geom)
    return grad_x[:, :, 0, :], grad_w[:, :, 0, :], grad_b  # drop the height-1 axis again
