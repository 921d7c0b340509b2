"""The fast convolution's work, a chunk of the batch at a time, the chunks spread over threads.

`convscope.ops.conv` checks a call and hands the arrays here. Each chunk of images
(`ConvGeometry.batch_chunks`) is one im2col copy and one matrix product forward; backward, one product
for its weight gradient and one product and col2im scatter for its input gradient (a batch-last chunk
or one large image, with stride and dilation 1 along H: columns along the kernel's width only,
`convscope.ops.conv_kwcols`).
Chunks run in contiguous blocks, one per thread (`convscope.ops.threads.run_blocks`; on the calling
thread alone when the product is too short to gain from more, `_MIN_INNER_FOR_THREADS`), each block
with its own scratch (`block_workspace`); a chunk writes only its own images' rows of the output and its
own partial weight gradient, and the partials are summed in chunk order after, so the results are the
same bits whatever the number of threads.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence

import numpy as np

from convscope._validate import check_chunk
from convscope.ops import recycle
from convscope.ops.conv_helped import Turned, helped_forward, helped_gradients
from convscope.ops.conv_kwcols import (
    bias_width,
    forward_width,
    grad_windows,
    input_width,
    uses_width_columns,
    weight_width,
    window_kernels,
)
from convscope.ops.conv_rows import forward_rows, parameter_rows, row_blocks
from convscope.ops.conv_width_rows import forward_width_rows
from convscope.ops.flipped_conv import flipped_conv
from convscope.ops.im2col import Array, ConvGeometry, col2im, columns
from convscope.ops.threads import run_blocks, single_threaded
from convscope.ops.workspace import Workspace, block_workspace

Chunk = tuple[slice, ConvGeometry]

# A product whose inner dimension (C_in/G * kH * kW) is this short does little arithmetic for each number
# it moves, so its chunks are bound by memory traffic: two at once, on two cores, each took ~1.6x the CPU
# time, and LeNet's conv1 (25) ran 1.23-1.36x slower on two threads than on one; conv2 (150) ran 1.3x
# faster (benchmarks/RESULTS_perf.md #115). Such convolutions work their chunks on the calling thread,
# unless the chunks take width columns (`conv_kwcols`), which move kH times fewer numbers: conv1's
# forward + backward at 128 images took 3.45 ms on one thread and 2.90 on two (#129). But an op runs
# among others: each thread leaves its half of the output in its own core's cache, where the next op,
# on one thread, must fetch it. In a LeNet step written with the ops, threads made conv1 and the ReLU
# after it slower at 64 and 128 images; at 256 they were faster (#141). So a short product takes threads
# only from `_MIN_SHORT_WORK_FOR_THREADS` numbers of columns (conv1: from 214 images).
_MIN_INNER_FOR_THREADS = 64
_MIN_SHORT_WORK_FOR_THREADS = 2**22
# Two chunks of less work than this are the helper process's halves (`ConvGeometry.batch_chunks`), not a
# thread's: on two threads LeNet's conv2 at 64 images made the ops-level step slower (RESULTS_perf #134).
_MIN_WORK_FOR_THREADS = 2**20
# Up to this many numbers, the bias is added from a copy spread over every position (`bias_rows`).
_SPREAD_BIAS = 2**16


def forward(
    x: Array, weight: Array, bias: Array | None, geom: ConvGeometry, workspace: Workspace | None = None,
    check: bool = False,
) -> Array:
    """`conv2d` on checked arrays x (N, C_in, H, W) and weight (C_out, C_in/G, kH, kW) of `geom`.

    ``check``: x's values are not checked yet; each chunk checks its own (`NonFiniteChunkError`).
    """
    every, widths = _layout(geom)
    by_row, kernels = _kernel_layouts(weight, geom, widths)
    out = recycle.empty((geom.batch, geom.out_channels, *geom.output_size), x.dtype)
    spread = None if bias is None else bias_rows(bias, geom)

    def block(chunks: Sequence[tuple[int, Chunk]], index: int) -> None:
        forward_block(x, by_row, kernels, spread, out, chunks, block_workspace(workspace, index), check)

    helped = workspace is None and helped_forward(x, by_row, kernels, spread, out, every, block, geom, check)
    if not helped:
        _run_chunks(every, block, geom)
    return out


def forward_block(
    x: Array, by_row: Array | None, kernels: Array | None, bias: Array | None, out: Array,
    chunks: Sequence[tuple[int, Chunk]], scratch: Workspace, check: bool = False,
) -> None:
    """`forward`'s work on some of its chunks: each writes its own images of ``out``.

    kernels is the weight as (G, C_out/G, C_in/G*kH*kW) (None where every chunk takes width columns),
    by_row its `window_kernels` (None where none does), bias as `bias_rows` gives it. One thread's block,
    or the helper process's (`convscope.ops.conv_helped`). ``check``: each chunk's x first
    (`check_chunk`).
    """
    for k, (images, chunk) in chunks:
        if check:
            check_chunk(x[images])
        if uses_width_columns(chunk):  # one product per output row: short rows, or one large image
            assert by_row is not None
            if not chunk.batch_last and out.dtype == by_row.dtype:  # so one large image: by row blocks
                forward_width_rows(x, by_row, out, images.start, chunk, scratch)
            else:
                forward_width(x, by_row, out, k, images, chunk, scratch)
        else:
            assert kernels is not None
            _forward_im2col(x, kernels, out, k, images, chunk, scratch)
        if bias is not None:  # while the chunk's output is in cache
            flat = out[images].reshape(images.stop - images.start, len(bias), -1)  # (n, C_out, H_out*W_out)
            flat += bias


def _kernel_layouts(weight: Array, geom: ConvGeometry, widths: str) -> tuple[Array | None, Array | None]:
    """The weight as `forward_block` takes it: (its `window_kernels`, or None where no chunk takes width
    columns; (G, C_out/G, C_in/G*kH*kW), or None where every chunk does). Made once a call, not once a
    chunk: 14 us each for a 32 x 32 x 3 x 3 weight, 32 one-image chunks a batch."""
    g = geom.groups
    kernels = None if widths == "all" else weight.reshape(g, geom.out_channels // g, -1)
    return (window_kernels(weight, g) if widths != "none" else kernels), kernels


def _forward_im2col(
    x: Array, kernels: Array, out: Array, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace
) -> None:
    """Write conv2d of x[images], chunk k, into out[images] from im2col columns (or their row blocks)."""
    if (rows := row_blocks(chunk)) is not None:  # one large image: cache-sized row blocks
        forward_rows(x, kernels, out, images.start, chunk, rows, scratch)
        return
    g = kernels.shape[0]
    # Built afresh, and noted for the backward (a layer's workspace remembers).
    cols = columns(x, images, chunk, scratch, reuse=False)
    cols = cols.reshape(g, kernels.shape[2], -1)  # (G, C_in/G*kH*kW, n*H_out*W_out)
    shape = (g, kernels.shape[1], cols.shape[2])
    product = scratch.empty("product", shape, np.result_type(kernels, cols))
    np.matmul(kernels, cols, out=product)
    product = product.reshape(chunk.out_channels, *chunk.column_shape)  # (C_out, <cols>)
    out[images] = chunk.from_columns(product)  # the assignment reorders to NCHW


def bias_rows(bias: Array, geom: ConvGeometry) -> Array:
    """The bias to add to each image's output (C_out, H_out*W_out): every position's, or (C_out, 1).

    Every position's where that is at most `_SPREAD_BIAS` numbers, made once a call: NumPy 2.4 adds a
    broadcast (stride-0) operand at half the speed of a plain one (one thread, LeNet's conv1 forward at
    64 images 9 % faster, conv2's 3 %; RESULTS_perf #164). A large image's (the 32->32 layer's 131,072)
    gained nothing, and a photo's would be hundreds of MB: it keeps the broadcast.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> conv1 = conv_geometry((64, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1, 1)
    >>> bias_rows(np.arange(6.0), conv1).shape, bias_rows(np.arange(6.0), conv1)[5, 783]
    ((6, 784), np.float64(5.0))
    """
    positions = math.prod(geom.output_size)
    if len(bias) * positions > _SPREAD_BIAS:
        return bias.reshape(-1, 1)  # (C_out, 1): a view
    return np.repeat(bias, positions).reshape(len(bias), positions)  # (C_out, H_out*W_out)


def gradients(
    grad: Array, x: Array | None, weight: Array, bias: Array | None, geom: ConvGeometry, *,
    for_input: bool, for_weight: bool, workspace: Workspace | None = None, check: bool = False,
) -> tuple[Array | None, Array | None, Array | None]:
    """(grad_x, grad_weight, grad_bias), each None unless asked for (grad_bias needs bias too).

    The input gradient is filled in a chunk of images at a time (or computed as the convolution of grad
    with the flipped kernels, `flipped_conv`, when that is cheaper: chunk by chunk too, after each
    chunk's weight gradient, where its chunks are the same images, `_turned`); each chunk's weight and
    bias gradients go to a partial of its own, summed in chunk order at the end. x is read for
    grad_weight only. Each block walks its chunks last first: the forward's last columns may still be in
    its scratch. ``check``: grad's and x's values are not checked yet; each chunk checks its own.
    """
    g, c_out = geom.groups, geom.out_channels
    every = geom.numbered_chunks
    count = len(every)
    flipped = flipped_conv(weight, geom) if for_input else None
    turned = None if flipped is None else _turned(*flipped, every)
    x_shape = (geom.batch, geom.in_channels, *geom.input_size)
    chunked_x = for_input and (flipped is None or turned is not None)  # grad_x filled by the chunks
    grad_x = recycle.empty(x_shape, grad.dtype) if chunked_x else None
    partials = (count, g, c_out // g, weight[0].size)  # (chunks, G, C_out/G, C_in/G*kH*kW)
    grad_weight = np.empty(partials, dtype=grad.dtype) if for_weight else None
    grad_bias = np.empty((count, c_out), dtype=grad.dtype) if for_weight and bias is not None else None

    asked = (grad, x, weight, grad_weight, grad_bias, grad_x)

    def block(part: Sequence[tuple[int, Chunk]], index: int) -> None:
        gradient_block(*asked, part, block_workspace(workspace, index), turned, check)

    wanted = grad_weight is not None or grad_bias is not None or grad_x is not None
    if wanted and (workspace is not None or not helped_gradients(*asked, every, block, geom, turned, check)):
        _run_chunks(every, block, geom)
    if flipped is not None and turned is None:  # after the weight gradient: it may reuse the forward's cols
        grad_x = forward(grad, flipped[0], None, flipped[1], workspace)
    return (
        grad_x,
        None if grad_weight is None else grad_weight.sum(axis=0).reshape(weight.shape),
        None if grad_bias is None else grad_bias.sum(axis=0),
    )


def gradient_block(
    grad: Array, x: Array | None, weight: Array, grad_weight: Array | None, grad_bias: Array | None,
    grad_x: Array | None, part: Sequence[tuple[int, Chunk]], scratch: Workspace, turned: Turned | None = None,
    check: bool = False,
) -> None:
    """`gradients`' work on some of its chunks, last first: each writes its own images and partials.

    With ``turned`` (`_turned`), each chunk's images of grad_x are the flipped convolution's, worked
    right after the chunk's weight gradient, while its grad_output is in cache. ``check``: each chunk's
    grad and x first (`check_chunk`), or, where every cell meets a window (`ConvGeometry.links_every_cell`),
    its weight gradient after: a NaN or infinity in either reaches it, and a few thousand numbers are read
    instead of both inputs again (the 32->32 layer's backward 42.3 -> 41.8 ms; RESULTS_perf #177).
    """
    own_x = grad_x if turned is None else None  # grad_x the chunks fill themselves
    parameters = grad_weight is not None or grad_bias is not None
    for k, (images, chunk) in reversed(part):
        late = check and grad_weight is not None and chunk.links_every_cell
        if check and not late:
            for a in (x, grad):
                if a is not None:
                    check_chunk(a[images])
        # One large image's parameter gradients go by blocks of rows (its input gradient, if any, is a
        # flipped conv); any other chunk's gradients come from its columns.
        # Checked late, a NaN met on the way is found after: warned of only if the work is done again.
        with np.errstate(over="ignore", invalid="ignore") if late else contextlib.nullcontext():
            rows = own_x is None and parameters and parameter_rows(grad, x, grad_weight, grad_bias, k, images,
                                                                   chunk, scratch)  # fmt: skip
            if not rows and (parameters or own_x is not None):
                each = _width_chunk if uses_width_columns(chunk) else _im2col_chunk
                each(grad, x, weight, grad_weight, grad_bias, own_x, k, images, chunk, scratch)
        if late and grad_weight is not None:
            check_chunk(grad_weight[k])
        if turned is not None:
            assert grad_x is not None
            by_row, kernels, chunks = turned
            forward_block(grad, by_row, kernels, None, grad_x, [(k, (images, chunks[k]))], scratch)


def _turned(flipped: Array, geom: ConvGeometry, every: Sequence[tuple[int, Chunk]]) -> Turned | None:
    """The flipped convolution (`flipped_conv`: kernels ``flipped``, geometry ``geom``) as `gradient_block`
    works it, a chunk of `gradients` at a time: its kernels as `forward_block` takes them and one chunk
    geometry for each of ``every``'s chunks, by number. None unless its chunks are the same images (so
    the same work, the same bits): then the chunks' helper task or thread works both, and grad_output
    is shared with the helper once (the 32->32 layer: 32 one-image chunks each; RESULTS_perf #171)."""
    mine, widths = _layout(geom)
    if [images for _, (images, _) in mine] != [images for _, (images, _) in every]:
        return None
    return (*_kernel_layouts(flipped, geom, widths), tuple(chunk for _, (_, chunk) in mine))


def _layout(geom: ConvGeometry) -> tuple[tuple[tuple[int, Chunk], ...], str]:
    """The chunks numbered, and whether "all", "some" or "none" take width columns."""
    every = geom.numbered_chunks
    kinds = {uses_width_columns(chunk) for _, (_, chunk) in every}
    return every, "all" if kinds == {True} else "none" if kinds == {False} else "some"


def _run_chunks(
    chunks: Sequence[tuple[int, Chunk]], block: Callable[[Sequence[tuple[int, Chunk]], int], None],
    geom: ConvGeometry,
) -> None:
    """`run_blocks` over the chunks: on every core, or on this thread alone for short products.

    A short product (inner dimension under `_MIN_INNER_FOR_THREADS`) takes threads only with width
    columns, and only from `_MIN_SHORT_WORK_FOR_THREADS` numbers of columns.
    """
    kh, kw = geom.kernel_size
    inner = geom.in_channels // geom.groups * kh * kw
    numbers = inner * geom.batch * geom.output_size[0] * geom.output_size[1]  # of all the columns
    widths = all(uses_width_columns(c) for _, (_, c) in chunks)
    threads_pay = widths and numbers >= _MIN_SHORT_WORK_FOR_THREADS
    if (inner < _MIN_INNER_FOR_THREADS and not threads_pay) or numbers < _MIN_WORK_FOR_THREADS:
        with single_threaded():
            run_blocks(chunks, block)
    else:
        run_blocks(chunks, block)


def _width_chunk(
    grad: Array, x: Array | None, weight: Array, grad_weight: Array | None, grad_bias: Array | None,
    grad_x: Array | None, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace,
) -> None:
    """Chunk k's gradients from width columns (`convscope.ops.conv_kwcols`), into the caller's arrays.

    The arrays written (grad_x[images], grad_weight[k], grad_bias[k]) are C-contiguous, as the
    `conv_kwcols` functions need: they write through reshaped views.
    """
    windows = grad_windows(grad, images, chunk, scratch)  # (G, H_out + 2(kH - 1), C_out/G, n*W_out)
    if grad_weight is not None:
        assert x is not None
        weight_width(windows, x, k, images, chunk, scratch, grad_weight[k])
    if grad_bias is not None:
        bias_width(windows, chunk, scratch, grad_bias[k].reshape(chunk.groups, -1))  # (G, C_out/G): a view
    if grad_x is not None:
        input_width(weight, windows, chunk, scratch, grad_x[images])


def _im2col_chunk(
    grad: Array, x: Array | None, weight: Array, grad_weight: Array | None, grad_bias: Array | None,
    grad_x: Array | None, k: int, images: slice, chunk: ConvGeometry, scratch: Workspace,
) -> None:
    """Chunk k's gradients from im2col columns (`convscope.ops.im2col.columns`), into the caller's arrays."""
    g = chunk.groups
    kernels = weight.reshape(g, chunk.out_channels // g, -1)  # (G, C_out/G, C_in/G*kH*kW)
    grad_rows = _grad_rows(grad, images, chunk, scratch).reshape(g, kernels.shape[1], -1)  # (G, C_out/G, M)
    if grad_weight is not None:
        assert x is not None
        cols = columns(x, images, chunk, scratch).reshape(g, kernels.shape[2], -1)  # (G, C_in/G*k, n)
        # columns @ grad_rows^T, then transposed: BLAS runs it faster than grad_rows @ columns^T (#127)
        product = scratch.empty("weight_t", cols.shape[:2] + grad_rows.shape[1:2], grad_rows.dtype)
        np.matmul(cols, grad_rows.transpose(0, 2, 1), out=product)  # (G, C_in/G*kH*kW, C_out/G)
        grad_weight[k] = product.transpose(0, 2, 1)
    if grad_bias is not None:
        np.sum(grad_rows.reshape(chunk.out_channels, -1), axis=1, out=grad_bias[k])  # along the long axis
    if grad_x is not None:
        grad_x[images] = _input_chunk(kernels, grad_rows, chunk, scratch)


def _grad_rows(grad: Array, images: slice, chunk: ConvGeometry, scratch: Workspace) -> Array:
    """grad_output's images in the forward product's layout: (C_out, <columns>)."""
    rows = scratch.empty("grad_rows", (chunk.out_channels, *chunk.column_shape), grad.dtype)
    rows[...] = chunk.to_columns(grad[images])
    return rows


def _input_chunk(kernels: Array, grad_rows: Array, chunk: ConvGeometry, scratch: Workspace) -> Array:
    """dLoss/dx of one chunk, (n, C_in, H, W) as a strided view into ``scratch``: copy it out at once."""
    g = kernels.shape[0]
    shape = (g, kernels.shape[2], grad_rows.shape[2])  # (G, C_in/G*kH*kW, n*H_out*W_out)
    grad_cols = scratch.empty("grad_cols", shape, np.result_type(kernels, grad_rows))
    np.matmul(kernels.transpose(0, 2, 1), grad_rows, out=grad_cols)
    shaped = grad_cols.reshape(chunk.in_channels, *chunk.kernel_size, *chunk.column_shape)
    return col2im(shaped, chunk, scratch)
