"""The transposed convolution's work a chunk of the batch at a time, the chunks spread over threads.

`convscope.ops.conv_transpose` checks a call and hands the arrays here. The chunks are the frame
convolution's (`ConvGeometry.batch_chunks`: fixed by the sizes alone); each block of chunks runs on a
thread of `convscope.ops.threads` with its own scratch, writes only its own images' part of the result and
its own partial weight gradient, and the partials are summed in chunk order after: the results are the
same bits whatever the number of threads, as `convscope.ops.conv_chunks`' are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from convscope.ops.im2col import Array, ConvGeometry, im2col
from convscope.ops.threads import run_blocks
from convscope.ops.workspace import Workspace, block_workspace

Chunk = tuple[slice, ConvGeometry]


def paint(x: Array, weight: Array, conv: ConvGeometry) -> Array:
    """The uncropped frame (F_h, F_w, N, C_out) of one group: each tap's products added at stride steps.

    col2im adds the same products in NCHW, where a tap's destination is strided along W and its innermost
    runs are W_in values long (16 on the decoder layer: NumPy's per-loop overhead dominated, 22 of 26 ms
    of the forward). With (F_h, F_w, N, C_out) every (h, w) receives one contiguous n*C_out block.
    """
    frame = np.zeros((*conv.input_size, conv.batch, conv.in_channels), dtype=x.dtype)  # (F_h, F_w, N, C_out)

    def block(chunks: Sequence[Chunk], index: int) -> None:
        scratch = block_workspace(None, index)
        for images, _ in chunks:
            _paint_chunk(x[images], weight, conv, frame[:, :, images], scratch)

    run_blocks(list(conv.batch_chunks()), block)
    return frame


def _paint_chunk(x: Array, weight: Array, conv: ConvGeometry, frame: Array, scratch: Workspace) -> None:
    """Add x's (n, C_in, H, W) painted kernels into its images' frame (F_h, F_w, n, C_out)."""
    n, c_in, h, w = x.shape
    (sh, sw), (dh, dw) = (a.stride for a in conv.window.axes), (a.dilation for a in conv.window.axes)
    rows = scratch.empty("paint_rows", (h, w, n, c_in), x.dtype)
    rows[...] = x.transpose(2, 3, 0, 1)
    rows2d = rows.reshape(h * w * n, c_in)  # (H*W*n, C_in)
    taps = scratch.empty("paint_taps", (h * w * n, weight.shape[1]), x.dtype)
    for i, j in np.ndindex(*weight.shape[2:]):
        np.matmul(rows2d, weight[:, :, i, j], out=taps)  # tap (i, j)'s products, (H*W*n, C_out)
        cells = (slice(i * dh, i * dh + (h - 1) * sh + 1, sh), slice(j * dw, j * dw + (w - 1) * sw + 1, sw))
        frame[cells] += taps.reshape(h, w, n, -1)


def frame_gradients(frame: Array, x: Array, weight: Array, conv: ConvGeometry) -> tuple[Array, Array]:
    """(grad_x (N, C_in, H, W), grad_weight (C_in, C_out/G, kH, kW)) from the frame's gradient.

    grad_x is conv2d of the frame and grad_weight conv2d's weight gradient with x as its output gradient:
    both multiply the frame's columns, built once per chunk (calling conv2d's two functions built them
    twice, a third of the backward: 31 of 107 ms on the decoder layer, benchmarks/RESULTS_conv_transpose.md).
    """
    g = conv.groups
    kernels = weight.reshape(g, conv.out_channels // g, -1)  # (G, C_in/G, C_out/G*kH*kW)
    chunks = list(conv.batch_chunks())
    grad_x = np.empty((conv.batch, conv.out_channels, *conv.output_size), dtype=frame.dtype)
    partials = np.empty((len(chunks), *kernels.shape), dtype=frame.dtype)

    def block(part: Sequence[tuple[int, Chunk]], index: int) -> None:
        scratch = block_workspace(None, index)
        for k, (images, chunk) in part:
            cols = im2col(frame[images], chunk, scratch).reshape(g, kernels.shape[2], -1)  # (G, .., n*H*W)
            shape = (g, kernels.shape[1], cols.shape[2])
            product = scratch.empty("product", shape, frame.dtype)
            np.matmul(kernels, cols, out=product)
            grad_x[images] = chunk.from_columns(product.reshape(conv.out_channels, *chunk.column_shape))
            x_rows = scratch.empty("x_rows", (conv.out_channels, *chunk.column_shape), frame.dtype)
            x_rows[...] = chunk.to_columns(x[images])
            np.matmul(x_rows.reshape(shape), cols.transpose(0, 2, 1), out=partials[k])

    run_blocks(list(enumerate(chunks)), block)
    return grad_x, partials.sum(axis=0).reshape(weight.shape)
