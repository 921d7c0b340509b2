"""im2col and col2im in two stages, the kernel's width then its height: fewer, longer copies.

`convscope.ops.im2col` copies every kernel tap's strided slice of the padded input (`tap_views.tap_view`).
When output rows are short, that copy moves runs of W_out numbers, kH*kW times over, and NumPy's per-run
overhead dominates. In two stages the columns are the same numbers: first the padded input once per
kernel column, into width columns (its W axis replaced by (kW, W_out): `tap_views.width_view`); then
those once per kernel row, in runs of H_out*W_out numbers (H_out*W_out*N batch-last:
`tap_views.height_view`). Each stage is one copy of one strided view. Only with stride 1 along H:
other strides would cut those runs into single rows again.
col2im is the same two stages backwards, adds instead of copies. Measured in
`benchmarks/RESULTS_perf.md` (#95): LeNet's conv1 (32 images a chunk) im2col 0.37 -> 0.25 ms, col2im
0.88 -> 0.59 ms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from convscope.ops.tap_views import height_view, width_view
from convscope.ops.workspace import Workspace, scratch

if TYPE_CHECKING:  # im2col imports this module
    from convscope.ops.im2col import Array, ConvGeometry

# Output rows at least this long are copied fast enough tap by tap: a 32-channel 3x3 layer on one 64x64
# image built its columns in 0.41 ms tap by tap and 0.68 ms in two stages (its col2im still 1.35 -> 0.81).
_LONG_ROW = 48


def in_two_stages(geom: ConvGeometry, scatter: bool = False) -> bool:
    """Whether im2col (or, ``scatter``, col2im) of this geometry runs in two stages.

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry
    >>> conv1 = conv_geometry((32, 1, 32, 32), (6, 1, 5, 5), 1, 0, 1, 1)  # LeNet's conv1: W_out = 28
    >>> wide = conv_geometry((1, 32, 64, 64), (32, 32, 3, 3), 1, 1, 1, 1)
    >>> strided = conv_geometry((8, 16, 34, 34), (16, 16, 4, 4), 2, 0, 1, 1)  # a transposed conv's frame
    >>> in_two_stages(conv1), in_two_stages(wide), in_two_stages(wide, scatter=True), in_two_stages(strided)
    (True, False, True, False)
    """
    (kh, kw), ow = geom.kernel_size, geom.output_size[1]
    # Stride 1 along H: each kernel row's copy moves whole runs of output rows, not single rows.
    return kh > 1 and kw > 1 and geom.window.stride[0] == 1 and (scatter or ow < _LONG_ROW)


def fill_columns(cols: Array, padded: Array, geom: ConvGeometry, workspace: Workspace | None) -> None:
    """Write im2col's columns (C, kH, kW, *geom.column_shape) of ``padded`` (`im2col.padded_input`)."""
    stage = scratch(workspace, "stage_cols", _stage_shape(geom), padded.dtype)
    stage[...] = width_view(padded, geom)  # (C, kW, <padded input, W_out for W_pad>): one copy
    cols[...] = height_view(stage, geom)  # (C, kH, kW, *column_shape): one copy of long runs


def scatter_columns(cols: Array, padded: Array, geom: ConvGeometry, workspace: Workspace | None) -> None:
    """Add columns (C, kH, kW, *geom.column_shape) onto ``padded`` (zeros, in the padded input's layout)."""
    stage = scratch(workspace, "stage_scattered", _stage_shape(geom), cols.dtype)
    stage.fill(0)
    # Windows overlap: one slice-add per kernel row, then column, each into its view (``view[...] +=``
    # would copy the sum onto itself again).
    for i in range(geom.kernel_size[0]):
        rows = stage[_height_index(geom, i)]
        np.add(rows, cols[:, i], out=rows)
    for j in range(geom.kernel_size[1]):
        columns = padded[_width_index(geom, j)]
        np.add(columns, stage[:, j], out=columns)


def _stage_shape(geom: ConvGeometry) -> tuple[int, ...]:
    """Width columns: (C, kW, H_pad, W_out, N) batch-last, else (C, kW, N, H_pad, W_out)."""
    c, kw, n = geom.in_channels, geom.kernel_size[1], geom.batch
    h, ow = geom.window.padded_size[0], geom.output_size[1]
    return (c, kw, h, ow, n) if geom.batch_last else (c, kw, n, h, ow)


def _width_index(geom: ConvGeometry, j: int) -> tuple[Any, ...]:
    """Index of the padded input (C, H_pad, W_pad, N) or (C, N, H_pad, W_pad) that kernel column j reads."""
    every, columns = slice(None), geom.window.axes[1].offset_slice(j)
    return (every, every, columns, every) if geom.batch_last else (every, every, every, columns)


def _height_index(geom: ConvGeometry, i: int) -> tuple[Any, ...]:
    """Index of the width columns that kernel row i reads, over every output row: (C, kW, *column_shape)."""
    every, rows = slice(None), geom.window.axes[0].offset_slice(i)
    return (every, every, rows) if geom.batch_last else (every, every, every, rows)

