"""Columns along the kernel's width only: kW copies, kH times fewer numbers than im2col's columns.

For a batch-last chunk (`ConvGeometry.batch_last`: short output rows, a long batch) whose stride along
H is 1, the chunk's input is copied once per kernel column ``j`` into width columns
``P (C, kW, H_pad, W_out, n)``: ``P[c, j, h, w, b] = x_pad[b, c, h, w*s + j*d]``. Kernel row ``i``'s
im2col columns are then rows ``i*d .. i*d + H_out`` of P, which for each (c, j) are one contiguous run of
H_out*W_out*n numbers: a strided *view* ``(C*kW, H_out*W_out*n)`` with a fixed row stride, which BLAS
multiplies as it is (`_tap_rows`). So the forward is kH products (C_out x C*kW) @ (C*kW x M) added up,
the weight gradient kH products of grad_output's rows with those views, and the input gradient kH
products whose (C*kW, M) results are added onto P's rows, then kW slice-adds back onto the padded input.

Why: LeNet's conv2 (6 -> 16, 5x5 on 14x14) has 3.84 MB of im2col columns per 64-image chunk, four times
a core's L2, and its three products and the im2col / col2im copies stream them from L3 or memory, where
two threads fight over the bandwidth. Its width columns are 1.07 MB. Measured in
`benchmarks/RESULTS_perf.md` (#90, #91, #97).

Each chunk's work is its own (one thread runs it), so the sums do not depend on the number of threads.
"""

from __future__ import annotations

import numpy as np

from convscope.ops.im2col import Array, ConvGeometry, padded_input
from convscope.ops.tap_views import width_view
from convscope.ops.workspace import Workspace

# Chunks whose width columns a workspace keeps at once (by chunk number, modulo this): LeNet's conv2 is
# 2 chunks at 128 images, 4 at 256 (4.3 MB in all), within a layer's 16 arrays.
_KEPT = 4


def uses_width_columns(chunk: ConvGeometry) -> bool:
    """Whether `convscope.ops.conv_chunks` works this chunk with width columns: batch-last, stride 1 along H.

    A pure function of the chunk's sizes and settings (never of the number of threads), so the same
    call gives the same bits everywhere.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> conv2 = conv_geometry((64, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1, 1)  # LeNet's conv2: W_out = 10
    >>> conv1 = conv_geometry((64, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1, 1)  # W_out = 28: batch-first
    >>> uses_width_columns(conv2), uses_width_columns(conv1)
    (True, False)
    """
    return chunk.batch_last and chunk.window.stride[0] == 1


def width_columns(
    x: Array, images: slice, chunk: ConvGeometry, workspace: Workspace, k: int, reuse: bool = True
) -> Array:
    """Width columns of x[images] (N, C, H, W), chunk k of the batch: (C, kW, H_pad, W_out, n).

    The workspace's array is reused when it was last built from this very x and chunk (``reuse``: the
    backward after a layer's forward), as `convscope.ops.im2col.columns` does for full columns. Up to
    `_KEPT` chunks keep their own array, so a backward on one thread finds every chunk's columns, not
    only the last one's; they are a fifth of im2col's columns, so that costs less than one of those.
    """
    kw, (h_pad, _), (_, ow) = chunk.kernel_size[1], chunk.window.padded_size, chunk.output_size
    shape = (chunk.in_channels, kw, h_pad, ow, chunk.batch)
    role, detail = f"width_cols.{k % _KEPT}", (images.start, chunk)
    if reuse:
        held = workspace.holding(role, shape, x.dtype, x, detail, x[images])
        if held is not None:
            return held
    padded = padded_input(x[images], chunk, workspace)  # (C, H_pad, W_pad, n)
    cols = workspace.empty(role, shape, x.dtype)
    cols[...] = width_view(padded, chunk)  # one copy, not kW: fewer NumPy calls (RESULTS_perf #102)
    workspace.note(cols, role, x, detail, x[images])
    return cols


def _tap_rows(cols: Array, chunk: ConvGeometry) -> Array:
    """Each kernel row's im2col columns as views of width columns: (kH, G, C/G*kW, H_out*W_out*n).

    Row i of the kernel reads P's rows i*d .. i*d + H_out: for each (c, j) a contiguous run of M numbers,
    the (c, j) runs a fixed H_pad*W_out*n numbers apart, so each (C/G*kW, M) matrix is BLAS-ready.
    """
    g, c, kw = chunk.groups, chunk.in_channels, cols.shape[1]
    kh, dilation = chunk.kernel_size[0], chunk.window.dilation[0]
    row, item = cols.strides[2], cols.itemsize  # one padded input row: W_out*n numbers
    per_tap = cols.strides[1]  # next (c, j): H_pad rows on
    m = chunk.output_size[0] * row // item
    shape = (kh, g, c // g * kw, m)
    strides = (dilation * row, c // g * kw * per_tap, per_tap, item)
    return np.lib.stride_tricks.as_strided(cols, shape, strides, writeable=False)


def row_kernels(weight: Array, groups: int) -> Array:
    """weight (C_out, C/G, kH, kW) as one matrix per kernel row and group: (kH, G, C_out/G, C/G*kW)."""
    c_out, c_per_group, kh, kw = weight.shape
    grouped = weight.reshape(groups, c_out // groups, c_per_group, kh, kw)  # (G, C_out/G, C/G, kH, kW)
    by_row = grouped.transpose(3, 0, 1, 2, 4)  # (kH, G, C_out/G, C/G, kW)
    return np.ascontiguousarray(by_row).reshape(kh, groups, c_out // groups, c_per_group * kw)


def forward_width(
    x: Array, kernels: Array, out: Array, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace
) -> None:
    """Write conv2d of x[images], chunk k, into out[images] (n, C_out, H_out, W_out), bias not added.

    kernels is `row_kernels` of the weight. The kH products are added up in a (G, C_out/G, M) sum the
    size of the output, which stays in cache, rather than stacked first.
    """
    taps = _tap_rows(width_columns(x, images, chunk, scratch, k, reuse=False), chunk)
    shape = taps.shape[1:2] + kernels.shape[2:3] + taps.shape[3:]  # (G, C_out/G, M)
    dtype = np.result_type(kernels, taps)
    total = scratch.empty("width_sum", shape, dtype)
    term = scratch.empty("width_term", shape, dtype)
    np.matmul(kernels[0], taps[0], out=total)
    for i in range(1, taps.shape[0]):
        np.matmul(kernels[i], taps[i], out=term)
        total += term
    total = total.reshape(chunk.out_channels, *chunk.column_shape)  # (C_out, H_out, W_out, n)
    out[images] = chunk.from_columns(total)  # the assignment reorders to NCHW


def weight_width(
    grad_rows: Array, x: Array, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace, target: Array
) -> None:
    """Write chunk k's dLoss/dweight into ``target`` (G, C_out/G, C/G*kH*kW).

    grad_rows is grad_output's chunk in the columns' layout, (G, C_out/G, M).
    """
    taps = _tap_rows(width_columns(x, images, chunk, scratch, k), chunk)  # (kH, G, C/G*kW, M)
    kh, g, per_tap = taps.shape[:3]
    shape = (kh, g, grad_rows.shape[1], per_tap)
    by_row = scratch.empty("width_weight", shape, np.result_type(grad_rows, taps))
    np.matmul(grad_rows, taps.transpose(0, 1, 3, 2), out=by_row)  # (kH, G, C_out/G, C/G*kW)
    kw = chunk.kernel_size[1]
    split = by_row.reshape(kh, g, grad_rows.shape[1], per_tap // kw, kw)  # (kH, G, C_out/G, C/G, kW)
    shaped = target.reshape(g, grad_rows.shape[1], per_tap // kw, kh, kw)  # (G, C_out/G, C/G, kH, kW)
    shaped[...] = split.transpose(1, 2, 3, 0, 4)


def input_width(kernels: Array, grad_rows: Array, chunk: ConvGeometry, scratch: Workspace) -> Array:
    """dLoss/dx of one chunk, (n, C, H, W) as a strided view into ``scratch``: copy it out at once.

    kernels is `row_kernels` of the weight, grad_rows grad_output's chunk as (G, C_out/G, M). Each kernel
    row's product (C/G*kW, M) is added onto rows i*d .. i*d + H_out of the width columns' gradient (one
    contiguous run per (c, j)), then each kernel column's slice back onto the padded input.
    """
    kh, g, _, per_tap = kernels.shape
    kw, (h_pad, w_pad), (_, ow) = chunk.kernel_size[1], chunk.window.padded_size, chunk.output_size
    n, m, dilation = chunk.batch, grad_rows.shape[2], chunk.window.dilation[0]
    dtype = np.result_type(kernels, grad_rows)
    grad_cols = scratch.empty("width_grad", (chunk.in_channels, kw, h_pad, ow, n), dtype)
    runs = grad_cols.reshape(g, per_tap, h_pad * ow * n)  # (G, C/G*kW, H_pad*W_out*n)
    runs[:, :, m:] = 0  # the rows below kernel row 0's, which the first product does not write
    np.matmul(kernels[0].transpose(0, 2, 1), grad_rows, out=runs[:, :, :m])  # BLAS writes the view
    term = scratch.empty("width_grad_term", (g, per_tap, m), dtype)
    for i in range(1, kh):
        np.matmul(kernels[i].transpose(0, 2, 1), grad_rows, out=term)  # (G, C/G*kW, M)
        first = i * dilation * ow * n
        runs[:, :, first : first + m] += term
    padded = scratch.empty("scattered", (chunk.in_channels, h_pad, w_pad, n), dtype)
    padded.fill(0)
    width = chunk.window.axes[1]
    for j in range(kw):  # windows overlap along W: one slice-add per kernel column does the sum
        padded[:, :, width.offset_slice(j)] += grad_cols[:, j]
    rows, columns = chunk.window.unpadded_index()
    return chunk.from_columns(padded[:, rows, columns])  # (n, C, H, W)
