"""dLoss/dx of a stride-1 convolution as another convolution: grad_output with the flipped kernels.

With stride 1, each input pixel's gradient is the sum, over the taps that read it, of the gradient of
the output that tap fed, times the tap's weight: a cross-correlation of grad_output (padded by the
window's span - 1 - padding on each side) with the kernels rotated 180 degrees and their channel axes
swapped. `convscope.ops.conv_chunks` computes it that way (im2col of grad_output and one matrix product,
as a forward) when those columns are no larger than the ones the col2im route would scatter back: a
32-channel 3x3 layer with padding 1 on 64x64 images, 150 -> 107 ms for its input gradient (CPU time,
one thread, under load; `benchmarks/RESULTS_perf.md` #27). LeNet's unpadded 5x5 layers keep col2im: their
grad_output padded by 4 would give 4-5x the columns.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from convscope.geometry import AxisWindow, Window
from convscope.ops.im2col import Array, ConvGeometry, batch_last_layout


def flipped_conv(weight: Array, geom: ConvGeometry) -> tuple[Array, ConvGeometry] | None:
    """(kernels, geometry) of the convolution of grad_output that gives dLoss/dx, or None.

    None when the stride is not 1, when the padding is wider than the window (no valid flipped
    padding), or when the flipped convolution's columns would outnumber col2im's.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> geom = conv_geometry((2, 4, 8, 8), (3, 4, 3, 3), 1, 1, 1, 1)  # 4 -> 3 channels, 3x3, padding 1
    >>> kernels, flipped = flipped_conv(np.ones((3, 4, 3, 3)), geom)
    >>> kernels.shape, flipped.input_size, flipped.output_size, flipped.padding
    ((4, 3, 3, 3), (8, 8), (8, 8), ((1, 1), (1, 1)))
    >>> flipped_conv(np.ones((3, 4, 3, 3)), conv_geometry((2, 4, 8, 8), (3, 4, 3, 3), 2, 1, 1, 1)) is None
    True
    """
    (h, w), (oh, ow) = geom.input_size, geom.output_size
    if geom.out_channels * h * w > geom.in_channels * oh * ow or geom.window.stride != (1, 1):
        return None
    axes = []
    for axis, out in zip(geom.window.axes, geom.output_size, strict=True):
        before, after = (axis.span - 1 - p for p in axis.padding)
        if before < 0 or after < 0:
            return None
        axes.append(AxisWindow(out, axis.kernel_size, 1, (before, after), axis.dilation))
    window = Window(tuple(axes))
    flipped = replace(
        geom, in_channels=geom.out_channels, out_channels=geom.in_channels, window=window,
        batch_last=batch_last_layout(w, geom.batch),
    )
    return _flip(weight, geom.groups), flipped


def _flip(weight: Array, groups: int) -> Array:
    """(C_out, C_in/G, kH, kW) kernels rotated 180 degrees, channels swapped: (C_in, C_out/G, kH, kW)."""
    c_out, c_per_group, kh, kw = weight.shape
    grouped = weight.reshape(groups, c_out // groups, c_per_group, kh, kw)  # (G, C_out/G, C_in/G, kH, kW)
    swapped = grouped[:, :, :, ::-1, ::-1].transpose(0, 2, 1, 3, 4)  # (G, C_in/G, C_out/G, kH, kW)
    return np.ascontiguousarray(swapped).reshape(groups * c_per_group, c_out // groups, kh, kw)
