"""One large image's forward from width columns a block of output rows at a time, copied straight from x.

A chunk of one image that takes width columns (`convscope.ops.conv_kwcols.uses_width_columns`) has
``(H_pad, C, kW, W_out)`` of them: 1.6 MB of float32 for a 32-channel 3x3 layer on 64x64 images, most of
a core's 2 MB L2, besides the padded copy they were made from, the image and its output. The products
then read their columns back from further out. So the forward builds them for a block of output rows at
a time (`width_row_blocks`: at most `_BLOCK` numbers), straight from x with the padding's zeros written
around them (no padded copy of the image), and writes each block's products into its rows of the output.

Each output row is the same product of the same numbers in the same order as from the whole image's
columns (`conv_kwcols.forward_width`), so the bits are the same. On the 32->32 layer, 16 one-image
chunks on one core with x in memory: 19.6 -> 14.6-17.3 ms (benchmarks/RESULTS_perf.md #173).
"""

from __future__ import annotations

from convscope.ops.conv_kwcols import matmul_pieces, row_windows
from convscope.ops.im2col import Array, ConvGeometry
from convscope.ops.tap_views import copy_taps
from convscope.ops.workspace import Workspace

# Most numbers of width columns one block holds (512 KB of float32), its kH - 1 shared rows included.
_BLOCK = 2**17


def width_row_blocks(chunk: ConvGeometry) -> list[slice]:
    """Blocks of output rows of (nearly) equal size, each one's width columns within `_BLOCK` numbers.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> width_row_blocks(conv_geometry((1, 32, 64, 64), (32, 32, 3, 3), 1, 1, 1, 1))  # 6,144 numbers a row
    [slice(0, 16, None), slice(16, 32, None), slice(32, 48, None), slice(48, 64, None)]
    """
    (kh, kw), (oh, ow) = chunk.kernel_size, chunk.output_size
    per_row = chunk.batch * chunk.in_channels * kw * ow  # numbers of width columns a padded row gives
    rows = max(1, _BLOCK // per_row - (kh - 1))  # output rows a block, with its kH - 1 more padded rows
    count = -(-oh // rows)
    return [slice(oh * k // count, oh * (k + 1) // count) for k in range(count)]


def forward_width_rows(
    x: Array, kernels: Array, out: Array, image: int, chunk: ConvGeometry, scratch: Workspace
) -> None:
    """Write conv2d of ``x[image]`` into ``out[image]`` (C_out, H_out, W_out), bias not added.

    kernels is `convscope.ops.conv_kwcols.window_kernels` of the weight, (G, 1, C_out/G, kH*C/G*kW), of
    out's dtype; chunk is one image, stride and dilation 1 along H.
    """
    g, cog, kh = kernels.shape[0], kernels.shape[2], chunk.kernel_size[0]
    oh, ow = chunk.output_size
    target = out[image].reshape(g, cog, oh, ow).transpose(0, 2, 1, 3)  # (G, H_out, C_out/G, W_out): a view
    for rows in width_row_blocks(chunk):
        cols = _block_columns(x[image], chunk, rows, scratch)  # (G, rows + kH - 1, C/G*kW, W_out)
        # (G, rows, kH*C/G*kW, W_out): output row h's columns are block rows h .. h + kH, one block
        matmul_pieces(kernels, row_windows(cols, kh, rows.stop - rows.start), target[:, rows])


def _block_columns(image: Array, chunk: ConvGeometry, rows: slice, scratch: Workspace) -> Array:
    """Width columns of ``image`` (C, H, W), padded rows rows.start .. rows.stop + kH - 1: (G, R, C/G*kW, W).

    ``cols[g, r, c*kW + j, w] = x_pad[g*C/G + c, rows.start + r, w*s + j*d]``, the padding's zeros
    written where no input cell lies.
    """
    g, c, (kh, kw), h = chunk.groups, chunk.in_channels, chunk.kernel_size, chunk.input_size[0]
    top, ow, count = chunk.window.axes[0].padding[0], chunk.output_size[1], rows.stop - rows.start + kh - 1
    cols = scratch.empty("width_block", (g, count, c // g, kw, ow), image.dtype)
    first, last = max(rows.start, top), min(rows.start + count, top + h)  # padded rows holding input rows
    last = max(first, last)
    cols[:, : first - rows.start] = 0
    cols[:, last - rows.start :] = 0
    if last > first:
        inner = cols[:, first - rows.start : last - rows.start]  # (G, rows, C/G, kW, W_out)
        source = image[:, first - top : last - top].reshape(g, c // g, last - first, -1)  # (G, C/G, rows, W)
        source = source.transpose(0, 2, 1, 3)  # (G, rows, C/G, W): a view
        copy_taps(inner, source, chunk.window.axes[1])
    return cols.reshape(g, count, c // g * kw, ow)  # (G, R, C/G*kW, W_out): contiguous

