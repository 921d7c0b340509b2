"""One large image's convolution in blocks of output rows: cache-sized columns, products straight into NCHW.

A chunk of one image (`ConvGeometry.batch_chunks` gives those once an image's columns hold >= 2^19
numbers: a 32-channel 3x3 layer on 64x64 images has 4.7 MB of them) is worked a block of output rows at
a time: the block's im2col columns (every input channel and tap, for those rows) hold at most
`_ROW_BUDGET` numbers, so the product reads them back from the core's own cache rather than from L3 or
memory. The forward product is written straight into the output's rows of that image, which are
contiguous in NCHW (``out[n, :, r0:r1]`` is a (C_out, rows*W_out) matrix with a row stride), so there is
no reorder pass; the weight gradient reads grad_output's rows in place the same way and adds each
block's partial product in block order. The blocks are those of one chunk, which one thread runs, so the
sums do not depend on the number of threads.
"""

from __future__ import annotations

import numpy as np

from convscope.ops.im2col import Array, ConvGeometry, padded_input
from convscope.ops.tap_views import copy_taps, strided, tap_view
from convscope.ops.weight_products import block_length, blocked_products
from convscope.ops.workspace import Workspace

# 1 MB of float32 columns per block: measured against whole-image columns on a 32->32 3x3 layer
# (benchmarks/RESULTS_perf.md #71).
_ROW_BUDGET = 2**18

# Most numbers one image's kW copies of its rows may hold (16 MB of float32): width columns and
# `weight_kernel_rows` copy the whole image kW times, where row blocks stay within `_ROW_BUDGET`. A
# larger image keeps row blocks, so scratch memory stays bounded whatever the image's size.
_KW_COPIES_MOST = 2**22


def kw_copies_fit(chunk: ConvGeometry) -> bool:
    """Whether one image's kW copies of its padded rows, (C, kW, H_pad, W_out), fit `_KW_COPIES_MOST`.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> kw_copies_fit(conv_geometry((1, 32, 64, 64), (32, 32, 3, 3), 1, 1, 1, 1))  # 405,504 numbers
    True
    >>> kw_copies_fit(conv_geometry((1, 3, 2000, 3000), (8, 3, 3, 3), 1, 1, 1, 1))  # 54 M
    False
    """
    (h_pad, _), ow = chunk.window.padded_size, chunk.output_size[1]
    return chunk.batch * chunk.in_channels * chunk.kernel_size[1] * h_pad * ow <= _KW_COPIES_MOST


def row_blocks(chunk: ConvGeometry) -> list[slice] | None:
    """Output-row blocks of a one-image, batch-first chunk whose columns outgrow `_ROW_BUDGET`, or None.

    The rows split into (nearly) equal blocks, each block's columns within the budget.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> row_blocks(conv_geometry((1, 32, 64, 64), (32, 32, 3, 3), 1, 1, 1, 1))  # 18,432 numbers a row
    [slice(0, 12, None), slice(12, 25, None), slice(25, 38, None), slice(38, 51, None), slice(51, 64, None)]
    >>> row_blocks(conv_geometry((1, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1, 1)) is None  # small: one product
    True
    """
    if chunk.batch != 1 or chunk.batch_last:
        return None
    (kh, kw), (oh, ow) = chunk.kernel_size, chunk.output_size
    per_row = chunk.in_channels * kh * kw * ow
    count = min(oh, -(-per_row * oh // _ROW_BUDGET))
    if count < 2:
        return None
    return [slice(oh * k // count, oh * (k + 1) // count) for k in range(count)]


def forward_rows(
    x: Array, kernels: Array, out: Array, image: int, chunk: ConvGeometry, blocks: list[slice],
    scratch: Workspace,
) -> None:
    """Write conv2d of ``x[image]`` into ``out[image]`` (C_out, H_out, W_out), one row block at a time.

    kernels is the weight as (G, C_out/G, C_in/G*kH*kW); the bias is the caller's.
    """
    padded = padded_input(x[image : image + 1], chunk, scratch)
    g, per_group = kernels.shape[0], kernels.shape[1]
    for rows in blocks:
        cols = _block_columns(padded, chunk, rows, scratch)  # (G, C_in/G*kH*kW, rows*W_out)
        target = out[image, :, rows].reshape(g, per_group, cols.shape[2])  # a view: NCHW rows are contiguous
        np.matmul(kernels, cols, out=target)


def weight_rows(
    grad: Array, x: Array, grad_weight: Array, image: int, chunk: ConvGeometry, blocks: list[slice],
    scratch: Workspace,
) -> None:
    """Write dLoss/dweight of one image, (G, C_out/G, C_in/G*kH*kW), into ``grad_weight``: blocks in order.

    Each block's product is worked as columns @ grad_rows^T, (C_in/G*kH*kW, C_out/G), and the sum
    transposed into place at the end: BLAS ran that arrangement ~30% faster than grad_rows @ columns^T
    on the same numbers (`benchmarks/RESULTS_perf.md` #127).
    """
    padded = padded_input(x[image : image + 1], chunk, scratch)
    g, per_group = grad_weight.shape[0], grad_weight.shape[1]
    shape = (g, grad_weight.shape[2], per_group)  # (G, C_in/G*kH*kW, C_out/G)
    total = scratch.empty("row_total", shape, grad_weight.dtype)
    part = scratch.empty("row_part", shape, grad_weight.dtype)
    for k, rows in enumerate(blocks):
        cols = _block_columns(padded, chunk, rows, scratch)
        grad_rows = grad[image, :, rows].reshape(g, per_group, cols.shape[2])  # a view, as in the forward
        np.matmul(cols, grad_rows.transpose(0, 2, 1), out=part if k else total)
        if k:
            total += part
    grad_weight[...] = total.transpose(0, 2, 1)


def weight_kernel_rows(
    grad: Array, x: Array, grad_weight: Array, image: int, chunk: ConvGeometry, scratch: Workspace
) -> None:
    """Write dLoss/dweight of one image, stride 1 along H, into ``grad_weight`` (G, C_out/G, C_in/G*kH*kW).

    The image's rows are copied kW times, ``P (C, kW, H_pad, W_out)``, straight from x (`copy_taps`);
    kernel row i then reads rows i*d .. i*d + H_out of every (c, j), one (C/G*kW, H_out*W_out) matrix
    with a fixed row stride, so the gradient is kH products as long as the image (K = H_out*W_out), not
    one per row block (each made in blocks of K where that pays, `convscope.ops.weight_products`). Three
    times fewer numbers copied than im2col's row blocks for a 3x3 kernel (`benchmarks/RESULTS_perf.md`
    #133).
    """
    g, cog, cg = chunk.groups, grad_weight.shape[1], chunk.in_channels // chunk.groups
    (kh, kw), (h_pad, _), (oh, ow) = chunk.kernel_size, chunk.window.padded_size, chunk.output_size
    dh, top, h = chunk.window.dilation[0], chunk.window.axes[0].padding[0], chunk.input_size[0]
    cols = scratch.empty("kernel_row_cols", (chunk.in_channels, kw, h_pad, ow), x.dtype)
    cols[:, :, :top] = 0  # the padding's rows
    cols[:, :, top + h :] = 0
    # (C, H, kW, W_out) of the input's rows, each tap's cells copied straight from x (no padded copy)
    copy_taps(cols[:, :, top : top + h].transpose(0, 2, 1, 3), x[image], chunk.window.axes[1])
    row, item = cols.strides[2], cols.itemsize
    strides = (dh * row, cg * kw * cols.strides[1], cols.strides[1], item)
    taps = strided(cols, (kh, g, cg * kw, oh * ow), strides)
    rows = grad[image].reshape(g, cog, oh * ow)  # (G, C_out/G, H_out*W_out): NCHW rows, contiguous
    product = scratch.empty("kernel_row_weight", (kh, g, cg * kw, cog), grad_weight.dtype)
    if (length := block_length(cg * kw, cog, oh * ow)) is None:
        np.matmul(taps, rows.transpose(0, 2, 1), out=product)  # (kH, G, C/G*kW, C_out/G): columns @ rows^T
    else:  # (kH, G, blocks, C/G*kW, C_out/G), added up in block order
        np.sum(blocked_products(taps, rows, length, scratch, "kernel_row"), axis=2, out=product)
    shaped = product.reshape(kh, g, cg, kw, cog).transpose(1, 4, 2, 0, 3)  # (G, C_out/G, C/G, kH, kW)
    grad_weight.reshape(shaped.shape)[...] = shaped


def parameter_rows(
    grad: Array, x: Array | None, grad_weight: Array | None, grad_bias: Array | None, k: int,
    images: slice, chunk: ConvGeometry, scratch: Workspace,
) -> bool:
    """Chunk k's partial weight and bias gradients by rows (`row_blocks`), if it is one large image.

    Returns False, having done nothing, for any other chunk.
    """
    rows = row_blocks(chunk)
    if rows is None:
        return False
    if grad_weight is not None:
        assert x is not None
        if chunk.window.stride[0] == 1 and kw_copies_fit(chunk):  # kernel rows read adjacent rows
            weight_kernel_rows(grad, x, grad_weight[k], images.start, chunk, scratch)
        else:
            weight_rows(grad, x, grad_weight[k], images.start, chunk, rows, scratch)
    if grad_bias is not None:  # grad_output's rows in place, as the weight gradient reads them
        np.sum(grad[images.start].reshape(chunk.out_channels, -1), axis=1, out=grad_bias[k])
    return True


def _block_columns(padded: Array, chunk: ConvGeometry, rows: slice, scratch: Workspace) -> Array:
    """im2col of output rows ``rows`` from ``padded`` (C, 1, H_pad, W_pad): (G, C_in/G*kH*kW, rows*W_out)."""
    (kh, kw), ow = chunk.kernel_size, chunk.output_size[1]
    n_rows = rows.stop - rows.start
    cols = scratch.empty("row_cols", (chunk.in_channels, kh, kw, 1, n_rows, ow), padded.dtype)
    cols[...] = tap_view(padded, chunk, rows)  # every tap in one copy: fewer GIL hand-offs (#110)
    return cols.reshape(chunk.groups, -1, n_rows * ow)
