"""Columns along the kernel's width only, rows outermost: every output row is one product with K = kH*C*kW.

For a batch-last chunk (`ConvGeometry.batch_last`: output rows under 32 wide, a long batch), or one
image large enough for row blocks (`convscope.ops.conv_rows.row_blocks`), whose stride and dilation
along H are 1 (`uses_width_columns`), the chunk's input is copied once into width columns
``P (G, H_pad, C/G, kW, <cells>)``: ``P[g, h, c, j, b, w] = x_pad[b, g*C/G + c, h, w*s + j*d]``, the
cells (n, W_out), or (W_out, n) for rows shorter than `_SHORT_ROW` (`_cells`).
Output row h's im2col columns are then P's rows h .. h + kH, which are one contiguous block: a
``(kH*C/G*kW, n*W_out)`` matrix that needs no copy (`row_windows`). So

- the forward is one stacked product, (C_out/G x kH*C/G*kW) @ that block for every output row;
- the weight gradient the same blocks times grad_output's rows, summed over the rows;
- the input gradient the same trick on grad_output padded with kH - 1 zero rows at each end, laid out
  (G, rows, C_out/G, n*W_out): padded row h of P's gradient is the flipped kernels times grad_output's
  rows h .. h + kH, again one block; then kW slice-adds back onto the padded input.

Why: LeNet's conv2 (6 -> 16, 5x5 on 14x14) has 3.84 MB of im2col columns per 64-image chunk, twice a
core's L2, where its width columns are 1.07 MB. An earlier layout (C, kW, H_pad, ...) made kH products
with K = C*kW = 30 and added them up; K = kH*C*kW = 150 in one call runs BLAS at two to three times the
rate and needs no sums (`benchmarks/RESULTS_perf.md`, #90, #91, #97, #126). Copying kW times instead of
kH*kW is what made conv1 (#128) and one large image (#130) faster too.

Each chunk's work is its own (one thread runs it), so the sums do not depend on the number of threads.
"""

from __future__ import annotations

import numpy as np

from convscope.ops.conv_rows import kw_copies_fit, row_blocks
from convscope.ops.im2col import Array, ConvGeometry, padded_input
from convscope.ops.tap_views import strided
from convscope.ops.weight_products import block_length, blocked_products
from convscope.ops.workspace import Workspace

# Output rows shorter than this put the batch innermost in the cells (W_out, n): the copies into and out of
# the columns then run along the batch, not along rows a few numbers long. Longer rows keep (n, W_out),
# whose copies run along rows: conv1's (W_out = 28) forward 268 -> 143 us a 32-image chunk, where
# conv2's (W_out = 10) input gradient took 599 us with (W_out, n) and 749 with (n, W_out) (#132).
_SHORT_ROW = 16

# A product of more multiply-adds (M*K*N, per stacked matrix) than this goes in pieces of its last axis,
# each written into its own columns of the same output (a strided view): OpenBLAS's SkylakeX sgemm ran
# LeNet conv2's forward, (16 x 150) @ (150 x 640) a row, 25 % faster as two pieces of 320, and its input
# gradient's (30 x 80) @ (80 x 640) 30 % faster (benchmarks/RESULTS_perf.md #137).
_PIECE_PRODUCT = 2**20

# Chunks whose width columns a workspace keeps at once (by chunk number, modulo this): LeNet's conv2 is
# 2 chunks at 128 images, 4 at 256 (4.3 MB in all), within a layer's 16 arrays.
_KEPT = 4


def uses_width_columns(chunk: ConvGeometry) -> bool:
    """Whether `convscope.ops.conv_chunks` works this chunk with width columns.

    Stride and dilation 1 along H (so a window's rows are adjacent rows of P), and either a batch-last
    chunk or one image large enough for row blocks (`convscope.ops.conv_rows.row_blocks`), whose
    layout is the same for one image, but not so large that its kW copies outgrow
    `convscope.ops.conv_rows.kw_copies_fit` (row blocks keep such an image's scratch bounded). A pure
    function of the chunk's sizes and settings (never of the number of threads), so the same call gives
    the same bits everywhere.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> conv2 = conv_geometry((64, 6, 14, 14), (16, 6, 5, 5), 1, 0, 1, 1)  # LeNet's conv2: W_out = 10
    >>> conv1 = conv_geometry((64, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1, 1)  # W_out = 28
    >>> wide = conv_geometry((64, 3, 64, 64), (8, 3, 3, 3), 1, 1, 1, 1)  # W_out = 64: batch-first
    >>> large = conv_geometry((1, 32, 64, 64), (32, 32, 3, 3), 1, 1, 1, 1)  # one image, 4.7 MB of im2col
    >>> [uses_width_columns(g) for g in (conv2, conv1, wide, large)]
    [True, True, False, True]
    """
    window = chunk.window
    if window.stride[0] != 1 or window.dilation[0] != 1:
        return False
    return chunk.batch_last or (row_blocks(chunk) is not None and kw_copies_fit(chunk))


def _batch_inner(chunk: ConvGeometry) -> bool:
    """Whether the cells go (W_out, n), the batch innermost: rows shorter than `_SHORT_ROW`."""
    return chunk.output_size[1] < _SHORT_ROW


def _cells(chunk: ConvGeometry, width: int) -> tuple[int, int]:
    """The last two axes of the columns and their gradients for rows ``width`` long: (W, n) or (n, W)."""
    return (width, chunk.batch) if _batch_inner(chunk) else (chunk.batch, width)


def _to_nchw(chunk: ConvGeometry) -> tuple[int, ...]:
    """The transpose of (G, rows, C/G, <cells>) to (n, G, C/G, rows, W)."""
    return (4, 0, 2, 1, 3) if _batch_inner(chunk) else (3, 0, 2, 1, 4)


def _from_nchw(chunk: ConvGeometry) -> tuple[int, ...]:
    """The transpose of (n, G, C/G, rows, W) to (G, rows, C/G, <cells>)."""
    return (1, 3, 2, 4, 0) if _batch_inner(chunk) else (1, 3, 2, 0, 4)


def _along_w(chunk: ConvGeometry, columns: slice, rows: slice | None = None) -> tuple[slice, ...]:
    """Index of (G, rows, C/G, <cells>) taking ``rows`` (default all) and ``columns`` along W."""
    every = slice(None)
    rows = every if rows is None else rows
    return (every, rows, every, columns) if _batch_inner(chunk) else (every, rows, every, every, columns)


def padded_source(x: Array, chunk: ConvGeometry, workspace: Workspace) -> Array:
    """x (n, C, H, W) as (C, n, H_pad, W_pad), a view: of x itself, or of its padded copy.

    The padded copy is `convscope.ops.im2col.padded_input`'s, in the chunk's own layout.
    """
    if chunk.window.padded_size == chunk.input_size:
        return x.transpose(1, 0, 2, 3)  # the width columns' one copy reads it as it is
    padded = padded_input(x, chunk, workspace)  # (C, H_pad, W_pad, n) batch-last, else (C, n, H_pad, W_pad)
    return padded.transpose(0, 3, 1, 2) if chunk.batch_last else padded


def width_columns(
    x: Array, images: slice, chunk: ConvGeometry, workspace: Workspace, k: int, reuse: bool = True
) -> Array:
    """Width columns of x[images] (N, C, H, W), chunk k of the batch: (G, H_pad, C/G, kW, <cells>).

    The workspace's array is reused when it was last built from this very x and chunk (``reuse``: the
    backward after a layer's forward), as `convscope.ops.im2col.columns` does for full columns. Up to
    `_KEPT` chunks keep their own array, so a backward on one thread finds every chunk's columns, not
    only the last one's; they hold kH times fewer numbers than im2col's columns.
    """
    g, c, kw = chunk.groups, chunk.in_channels, chunk.kernel_size[1]
    (h_pad, _), (_, ow) = chunk.window.padded_size, chunk.output_size
    shape = (g, h_pad, c // g, kw, *_cells(chunk, ow))
    role, detail = f"width_cols.{k % _KEPT}", (images.start, chunk)
    if reuse:
        held = workspace.holding(role, shape, x.dtype, x, detail, x[images])
        if held is not None:
            return held
    padded = padded_source(x[images], chunk, workspace)  # (C, n, H_pad, W_pad)
    c_s, n_s, h_s, w_s = padded.strides
    (sw, dw), per_group = (chunk.window.stride[1], chunk.window.dilation[1]), c // g * c_s
    cells = (sw * w_s, n_s) if _batch_inner(chunk) else (n_s, sw * w_s)
    strides = (per_group, h_s, c_s, dw * w_s, *cells)
    view = strided(padded, shape, strides)
    cols = workspace.empty(role, shape, x.dtype)
    cols[...] = view  # one copy: kW overlapping reads of each input row
    workspace.note(cols, role, x, detail, x[images])
    return cols


def product_pieces(m: int, k: int, n: int) -> list[slice]:
    """The runs of N that a (M x K) @ (K x N) product is done in: each M*K*piece <= `_PIECE_PRODUCT`.

    Sizes alone decide them, so the same call gives the same bits every time.

    Examples
    --------
    >>> product_pieces(16, 150, 640)  # LeNet's conv2, a 64-image chunk's forward: two pieces
    [slice(0, 320, None), slice(320, 640, None)]
    >>> product_pieces(6, 25, 896)  # conv1, a 32-image chunk: whole
    [slice(0, 896, None)]
    """
    size = -(-n // max(1, -(-m * k * n // _PIECE_PRODUCT)))  # 0 for an empty N: one empty piece
    return [slice(start, min(start + size, n)) for start in range(0, n, size)] if size else [slice(0, 0)]


def matmul_pieces(a: Array, b: Array, out: Array) -> None:
    """``np.matmul(a, b, out=out)``, a (..., M, K) and b (..., K, N), in the `product_pieces` of N.

    Each piece is written straight into its columns of ``out`` (a strided view), so no copy follows.

    Examples
    --------
    >>> a, b, out = np.ones((2, 3)), np.ones((3, 2**20)), np.empty((2, 2**20))
    >>> matmul_pieces(a, b, out)
    >>> bool((out == 3).all())
    True
    """
    for cut in product_pieces(a.shape[-2], a.shape[-1], b.shape[-1]):
        np.matmul(a, b[..., cut], out=out[..., cut])


def row_windows(rows: Array, k: int, count: int) -> Array:
    """Every ``k`` adjacent rows of ``rows`` (G, R, A, B) as one matrix each: (G, count, k*A, B), a view.

    rows must be C-contiguous from its second axis on, so rows r .. r + k are one block of k*A*B numbers.
    """
    g_s, r_s, a_s, b_s = rows.strides
    shape = (rows.shape[0], count, k * rows.shape[2], rows.shape[3])
    return strided(rows, shape, (g_s, r_s, a_s, b_s))


def window_kernels(weight: Array, groups: int) -> Array:
    """weight (C_out, C/G, kH, kW) in P's window order: (G, 1, C_out/G, kH*C/G*kW)."""
    c_out, c_per_group, kh, kw = weight.shape
    grouped = weight.reshape(groups, c_out // groups, c_per_group, kh, kw)  # (G, C_out/G, C/G, kH, kW)
    by_row = np.ascontiguousarray(grouped.transpose(0, 1, 3, 2, 4))  # (G, C_out/G, kH, C/G, kW)
    return by_row.reshape(groups, 1, c_out // groups, kh * c_per_group * kw)


def forward_width(
    x: Array, kernels: Array, out: Array, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace
) -> None:
    """Write conv2d of x[images], chunk k, into out[images] (n, C_out, H_out, W_out), bias not added.

    kernels is `window_kernels` of the weight.
    """
    cols = width_columns(x, images, chunk, scratch, k, reuse=False)  # (G, H_pad, C/G, kW, <cells>)
    g, h_pad, n = chunk.groups, cols.shape[1], chunk.batch
    (oh, ow), kh, cog = chunk.output_size, chunk.kernel_size[0], kernels.shape[2]
    windows = row_windows(cols.reshape(g, h_pad, -1, n * ow), kh, oh)  # (G, H_out, kH*C/G*kW, n*W_out)
    if n == 1 and out.dtype == np.result_type(kernels, cols):
        # One image: output row h of every channel is one (C_out/G, W_out) matrix of out itself (rows
        # H_out*W_out apart), so each product goes straight there, with no scratch and no reorder after.
        rows = out[images].reshape(g, cog, oh, ow).transpose(0, 2, 1, 3)  # (G, H_out, C_out/G, W_out): a view
        matmul_pieces(kernels, windows, rows)
        return
    product = scratch.empty("width_out", (g, oh, cog, n * ow), np.result_type(kernels, cols))
    matmul_pieces(kernels, windows, product)
    shaped = product.reshape(g, oh, cog, *_cells(chunk, ow)).transpose(_to_nchw(chunk))  # (n, G, C/G, H, W)
    _to_images(out[images].reshape(n, g, cog, oh, ow), shaped, chunk)  # out[images] is contiguous: a view


def _to_images(target: Array, cells: Array, chunk: ConvGeometry) -> None:
    """target[...] = cells, both (n, G, C/G, H, W); batch-innermost cells a row of H at a time.

    With the batch innermost, NumPy's one strided copy of a 64-image chunk ran at ~60 % of the speed of
    one copy a row (LeNet's conv2's output, 102 -> 61 us; 32 images 34 -> 31; RESULTS_perf #166): a row's
    ~40 KB is read and written while in L1. (The input gradient's reorder, alone 72 -> 43 us, made
    conv2's backward at 256 images slower in the op: it keeps one copy.)
    """
    if not _batch_inner(chunk):
        target[...] = cells
        return
    for row in range(target.shape[3]):
        target[:, :, :, row] = cells[:, :, :, row]


def grad_windows(grad: Array, images: slice, chunk: ConvGeometry, scratch: Workspace) -> Array:
    """grad_output's images with kH - 1 zero rows at each end: (G, H_out + 2(kH - 1), C_out/G, n*W_out)."""
    g, n, kh, (oh, ow) = chunk.groups, chunk.batch, chunk.kernel_size[0], chunk.output_size
    cog = chunk.out_channels // g
    padded = scratch.empty("width_grad_rows", (g, oh + 2 * (kh - 1), cog, n * ow), grad.dtype)
    padded[:, : kh - 1] = 0
    padded[:, kh - 1 + oh :] = 0
    inner = padded[:, kh - 1 : kh - 1 + oh].reshape(g, oh, cog, *_cells(chunk, ow))  # (G, H, C/G, <cells>)
    inner[...] = grad[images].reshape(n, g, cog, oh, ow).transpose(_from_nchw(chunk))
    return padded


def grad_output_rows(windows: Array, chunk: ConvGeometry) -> Array:
    """The rows of `grad_windows` that hold grad_output: (G, H_out, C_out/G, n*W_out), a view."""
    kh, oh = chunk.kernel_size[0], chunk.output_size[0]
    return windows[:, kh - 1 : kh - 1 + oh]


def bias_width(windows: Array, chunk: ConvGeometry, scratch: Workspace, target: Array) -> None:
    """Write a chunk's dLoss/dbias into ``target`` (G, C_out/G): grad_output summed over rows and cells.

    Each output row's sums over its cells are one matrix-vector product (G*H_out of them), then the rows
    are added: BLAS read LeNet's conv1 rows for 32 images in 13 us where ``np.sum`` over both axes took
    31 (conv2's, 64 images: 8 against 21; RESULTS_perf #164). windows is `grad_windows`.
    """
    rows = grad_output_rows(windows, chunk)  # (G, H_out, C_out/G, n*W_out): a view
    per_row = scratch.empty("width_bias_rows", rows.shape[:3], rows.dtype)
    np.matmul(rows, np.ones(rows.shape[3], rows.dtype), out=per_row)  # (G, H_out, C_out/G)
    np.sum(per_row, axis=1, out=target)


def weight_width(
    windows: Array, x: Array, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace, target: Array
) -> None:
    """Write chunk k's dLoss/dweight into ``target`` (G, C_out/G, C/G*kH*kW); windows is `grad_windows`."""
    cols = width_columns(x, images, chunk, scratch, k)  # (G, H_pad, C/G, kW, <cells>)
    g, h_pad, cg, kw, n, ow = *cols.shape[:4], chunk.batch, chunk.output_size[1]
    (kh, _), oh, rows = chunk.kernel_size, chunk.output_size[0], grad_output_rows(windows, chunk)
    taps = row_windows(cols.reshape(g, h_pad, -1, n * ow), kh, oh)  # (G, H_out, kH*C/G*kW, n*W_out)
    dtype, (m, k), n = np.result_type(windows, cols), taps.shape[2:], rows.shape[2]
    if (length := block_length(m, n, k)) is None:
        by_row = scratch.empty("width_weight", (*taps.shape[:3], n), dtype)
        np.matmul(taps, rows.transpose(0, 1, 3, 2), out=by_row)  # (G, H_out, kH*C/G*kW, C_out/G)
    else:  # (G, H_out, blocks, kH*C/G*kW, C_out/G) as (G, H_out*blocks, ...): contiguous scratch
        by_row = blocked_products(taps, rows, length, scratch, "width_weight").reshape(g, -1, m, n)
    summed = scratch.empty("width_weight_sum", (g, m, n), dtype)
    np.sum(by_row, axis=1, out=summed)
    shaped = summed.reshape(g, kh, cg, kw, -1).transpose(0, 4, 2, 1, 3)  # (G, C_out/G, C/G, kH, kW)
    target.reshape(shaped.shape)[...] = shaped


def input_width(
    weight: Array, windows: Array, chunk: ConvGeometry, scratch: Workspace, target: Array
) -> None:
    """Write dLoss/dx of one chunk into ``target`` (n, C, H, W); windows is `grad_windows`.

    Padded row h of the width columns' gradient is the sum over kernel rows i of kernel row i's weights
    times grad_output's row h - i: rows h .. h + kH of ``windows`` times the kernels flipped along H.
    """
    g, cg, kh, kw = chunk.groups, chunk.in_channels // chunk.groups, *chunk.kernel_size
    (h_pad, w_pad), ow, n = chunk.window.padded_size, chunk.output_size[1], chunk.batch
    cog = windows.shape[2]
    grouped = weight.reshape(g, cog, cg, kh, kw)[:, :, :, ::-1]  # flipped along H
    flipped = np.ascontiguousarray(grouped.transpose(0, 2, 4, 3, 1))  # (G, C/G, kW, kH, C_out/G)
    flipped = flipped.reshape(g, 1, cg * kw, kh * cog)
    dtype = np.result_type(weight, windows)
    grad_cols = scratch.empty("width_grad", (g, h_pad, cg * kw, n * ow), dtype)
    matmul_pieces(flipped, row_windows(windows, kh, h_pad), grad_cols)  # (G, H_pad, C/G*kW, n*W_out)
    by_column = grad_cols.reshape(g, h_pad, cg, kw, *_cells(chunk, ow))
    scattered = scratch.empty("scattered", (g, h_pad, cg, *_cells(chunk, w_pad)), dtype)
    scattered.fill(0)
    width = chunk.window.axes[1]
    for j in range(kw):  # windows overlap along W: one slice-add per kernel column does the sum
        # into the view: ``scattered[...] += ...`` would copy each sum onto itself again (LeNet's conv2,
        # a 64-image chunk's five adds, 164 -> 133 us; RESULTS_perf #188)
        cells = scattered[_along_w(chunk, width.offset_slice(j))]
        np.add(cells, by_column[:, :, :, j], out=cells)
    rows, columns = chunk.window.unpadded_index()
    inner = scattered[_along_w(chunk, columns, rows)].transpose(_to_nchw(chunk))  # (n, G, C/G, H, W)
    target.reshape(inner.shape)[...] = inner
