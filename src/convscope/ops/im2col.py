"""The geometry of a 2-D convolution, and the im2col / col2im copies the fast convolution is built on.

``conv_geometry`` checks the shapes against the window's geometry (``convscope.geometry``, checked once by
the public op) and returns a frozen `ConvGeometry`: the sizes the fast op, its backward and the naive loop
twins all share. ``im2col`` lays every window of the padded input out as a column, so the convolution
becomes one matrix product; ``col2im`` is its adjoint (it adds the columns back where they came from),
which is exactly what the backward pass needs for the input. Short output rows take both in two stages
(`convscope.ops.im2col_stages`).

Columns are laid out ``(C, kH, kW, N, H_out, W_out)``: the weight, reshaped to
``(C_out, C_in*kH*kW)``, multiplies them as one contiguous ``(C_in*kH*kW, N*H_out*W_out)`` matrix, and
each kernel offset ``(i, j)`` is one strided slice of the padded input: all of them together are one
strided view (`convscope.ops.tap_views`), so building the columns is one array copy, and scattering them
back kH*kW slice-adds, rather than a Python loop over output positions. When output rows are
short and the batch long, the columns are ``(C, kH, kW, H_out, W_out, N)`` instead (``batch_last``):
the same matrix product, with the copies running along the long batch axis. Columns are built for a
chunk of the batch at a time (`ConvGeometry.batch_chunks`) so that they stay cache-sized.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.geometry import Padding, Sizes, Window
from convscope.ops.conv_args import CONV_LAYOUTS, as_2d, check_groups, plain_setting, window_over
from convscope.ops.im2col_stages import fill_columns, in_two_stages, scatter_columns
from convscope.ops.tap_views import tap_view
from convscope.ops.workspace import Workspace, scratch

Array = npt.NDArray[np.floating[Any]]

# Below this output width, with at least _LONG_BATCH images, columns go batch-last. Measured on LeNet's
# conv2 (W_out = 10, N = 128): building its columns took ~0.2 ms batch-last against ~0.8 ms batch-first.
# Rows up to 31 wide (conv1's 28) since batch-last chunks take width columns, one product per output
# row: conv1's forward + backward at 128 images 1.9 + 5.0 ms batch-first, 1.3 + 2.0 batch-last (#128).
_SHORT_ROW = 32
_LONG_BATCH = 16

# The columns hold every input pixel kH*kW times: 20 MB for LeNet's conv1 at batch 256, 4.7 MB *per
# image* for a 32-channel 3x3 layer on 64x64 images. Once they outgrow the CPU caches every pass over
# them (the copies, the matrix product) runs at memory speed, so the fast ops walk the batch in chunks
# whose columns hold at most this many numbers (4 MB of float32). Measured in benchmarks/RESULTS_perf.md.
_COLUMN_BUDGET = 2**20

# A batch whose columns hold at least _PARTS * _MIN_PART numbers splits into a multiple of _PARTS chunks,
# for the threads of `convscope.ops.threads`; below _MIN_PART numbers a chunk is not worth a thread. From
# 1.5 * _MIN_PART a batch splits in two, for the helper process (`convscope.ops.conv_helped`), which pays
# from less work than a thread: LeNet's conv2 at 64 images (960,000 numbers) is two chunks of 32. A LeNet
# layer on 32 images (a shard of `convscope.nn.parallel`) stays one chunk, so its backward reuses the
# forward's columns.
_PARTS = 4
_MIN_PART = 2**19


@dataclass(frozen=True)
class ConvGeometry:
    """Every size of one 2-D convolution (NCHW): the channels and batch, and the window's geometry."""

    batch: int
    in_channels: int
    out_channels: int
    groups: int
    window: Window  # over (H, W); "same" padding may be uneven
    batch_last: bool = False  # columns' layout: (..., H_out, W_out, N) if True, else (..., N, H_out, W_out)

    def __hash__(self) -> int:  # kept: the helper's plans and messages look a geometry up every call
        return self._hash

    @cached_property
    def _hash(self) -> int:
        fields = (self.batch, self.in_channels, self.out_channels, self.groups, self.window, self.batch_last)
        return hash(fields)  # the fields that ``==`` compares

    @cached_property  # asked for many times a call; the window works it out each time
    def input_size(self) -> Sizes:
        """(H, W)."""
        return self.window.input_size

    @cached_property
    def kernel_size(self) -> Sizes:
        """(kH, kW)."""
        return self.window.kernel_size

    @cached_property
    def padding(self) -> Padding:
        """((top, bottom), (left, right))."""
        return self.window.padding

    @cached_property
    def output_size(self) -> Sizes:
        """(H_out, W_out)."""
        return self.window.output_size

    @cached_property
    def column_shape(self) -> tuple[int, int, int]:
        """The trailing axes of the columns: (H_out, W_out, N) or (N, H_out, W_out)."""
        n, (oh, ow) = self.batch, self.output_size
        return (oh, ow, n) if self.batch_last else (n, oh, ow)

    @cached_property
    def links_every_cell(self) -> bool:
        """`AxisWindow.links_every_cell` along H and W: then along both together too."""
        return all(axis.links_every_cell for axis in self.window.axes)

    def offset_index(self, i: int, j: int) -> tuple[slice, ...]:
        """Index of the padded (C, ...) input that kernel tap (i, j) meets, over all output positions."""
        return self._offsets[i][j]

    @cached_property
    def _offsets(self) -> list[list[tuple[slice, ...]]]:
        """`offset_index` of every tap, worked out once: a layer keeps its geometry (RESULTS_perf #53)."""
        height, width = self.window.axes
        every = slice(None)
        return [
            [
                (every, rows, columns, every) if self.batch_last else (every, every, rows, columns)
                for columns in (width.offset_slice(j) for j in range(width.kernel_size))
            ]
            for rows in (height.offset_slice(i) for i in range(height.kernel_size))
        ]

    def to_columns(self, a: Array) -> Array:
        """(N, C, H, W) -> the columns' axis order, (C, H, W, N) or (C, N, H, W) (a view)."""
        return a.transpose(1, 2, 3, 0) if self.batch_last else a.transpose(1, 0, 2, 3)

    def from_columns(self, a: Array) -> Array:
        """Undo `to_columns`: back to (N, C, H, W) (a view)."""
        return a.transpose(3, 0, 1, 2) if self.batch_last else a.transpose(1, 0, 2, 3)

    def batch_chunks(self) -> Iterator[tuple[slice, ConvGeometry]]:
        """The batch in runs of images of (nearly) equal size: (images, geometry) of each.

        Each run's columns fit `_COLUMN_BUDGET`, and a batch with enough work splits into a multiple of
        2 or 4 runs (`_PARTS`), so that `convscope.ops.threads` has one for each core of a small machine.
        The split depends on the sizes alone, never on the number of threads, so the results do not either.
        """
        return iter(self._chunks)

    @cached_property
    def numbered_chunks(self) -> tuple[tuple[int, tuple[slice, ConvGeometry]], ...]:
        """`batch_chunks` numbered from 0, as the chunk functions take them, worked out once."""
        return tuple(enumerate(self._chunks))

    @cached_property
    def _chunks(self) -> list[tuple[slice, ConvGeometry]]:
        """`batch_chunks`, worked out once per geometry (each chunk's geometry keeps its own taps)."""
        chunks = []
        (kh, kw), (oh, ow) = self.kernel_size, self.output_size
        per_image = self.in_channels * kh * kw * oh * ow
        count = -(-self.batch // max(1, _COLUMN_BUDGET // per_image))
        numbers = self.batch * per_image
        parts = min(_PARTS, numbers // _MIN_PART)
        if parts < 2 and 2 * numbers >= 3 * _MIN_PART:
            parts = 2  # two halves for the helper process (`conv_helped`): LeNet's conv2 at 64 images
        if parts > 1:
            parts = 1 << (parts.bit_length() - 1)  # a power of two: even blocks for 2 or 4 threads
            count = -(-count // parts) * parts
        count = min(count, self.batch)
        for k in range(count):
            start, stop = self.batch * k // count, self.batch * (k + 1) // count
            n = stop - start
            chunks.append((slice(start, stop), replace(self, batch=n, batch_last=batch_last_layout(ow, n))))
        return chunks


def conv_geometry(
    x_shape: tuple[int, ...],
    weight_shape: tuple[int, ...],
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
    ndim: int = 2,
) -> ConvGeometry:
    """Check a conv2d (or, ``ndim=1``, conv1d) call's shapes and settings; return its 2-D `ConvGeometry`.

    A 1-D convolution is a 2-D one on images one pixel tall: its window gains a height axis of one tap.
    The same shapes and plain settings (ints, pairs of ints, names) give the same geometry object, with
    its chunks and taps already worked out: a training loop calls the ops with the same sizes every step.
    """
    settings = (stride, padding, dilation, groups)
    if all(plain_setting(value) for value in settings):
        return _known_geometry(tuple(x_shape), tuple(weight_shape), *settings, ndim)
    return _new_geometry(x_shape, weight_shape, *settings, ndim)


@lru_cache(maxsize=64)  # a refused call raises, and nothing is kept for it
def _known_geometry(
    x_shape: tuple[int, ...], weight_shape: tuple[int, ...], stride: Any, padding: Any, dilation: Any,
    groups: Any, ndim: int,
) -> ConvGeometry:
    return _new_geometry(x_shape, weight_shape, stride, padding, dilation, groups, ndim)


def _new_geometry(
    x_shape: tuple[int, ...], weight_shape: tuple[int, ...], stride: Any, padding: Any, dilation: Any,
    groups: Any, ndim: int,
) -> ConvGeometry:
    """`conv_geometry` worked out afresh."""
    n, c_in, *_ = x_shape
    c_out, c_per_group, *_ = weight_shape
    groups = check_groups(x_shape, weight_shape, groups, CONV_LAYOUTS[ndim])
    _check_channels(c_in, c_out, c_per_group, groups)
    win = as_2d(window_over(x_shape, weight_shape, stride, padding, dilation).require_fit())
    return ConvGeometry(n, c_in, c_out, groups, win, batch_last_layout(win.output_size[1], n))


def batch_last_layout(width_out: int, batch: int) -> bool:
    """Whether columns go (..., H_out, W_out, N): short output rows and a long batch."""
    # Copies along a short innermost axis are slow in NumPy (a C-level loop per few elements): when
    # the output rows are short and the batch long, put the batch innermost instead.
    return width_out < _SHORT_ROW and batch >= _LONG_BATCH


def _check_channels(c_in: int, c_out: int, c_per_group: int, groups: int) -> None:
    """Raise unless C_out splits into `groups` and weight has C_in/groups input channels (C_in does)."""
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide weight's output channels C_out={c_out}")
    if c_per_group != c_in // groups:
        raise ValueError(
            f"weight has {c_per_group} input channels per group but x has C_in={c_in} channels in "
            f"{groups} group(s); weight must be (C_out, C_in/groups={c_in // groups}, kH, kW)"
        )


def pad_input(x: Array, geom: ConvGeometry) -> Array:
    """Zero-pad x (N, C, H, W) to (N, C, H + top + bottom, W + left + right)."""
    return np.pad(x, ((0, 0), (0, 0), *geom.padding))


def im2col(x: Array, geom: ConvGeometry, workspace: Workspace | None = None) -> Array:
    """Columns of every window of x (N, C, H, W): (C, kH, kW, *geom.column_shape), one copy (per stage).

    With a ``workspace`` the columns are its scratch array, overwritten by the next call: use them at once.
    """
    kh, kw = geom.kernel_size
    padded = padded_input(x, geom, workspace)
    cols = scratch(workspace, "cols", (geom.in_channels, kh, kw, *geom.column_shape), x.dtype)
    if in_two_stages(geom):  # short output rows: the width copy, then a longer one for the rows
        fill_columns(cols, padded, geom, workspace)
    else:
        cols[...] = tap_view(padded, geom)  # every tap in one copy
    return cols


def padded_input(x: Array, geom: ConvGeometry, workspace: Workspace | None = None) -> Array:
    """x (N, C, H, W) zero-padded in the columns' axis order: (C, H_pad, W_pad, N) or (C, N, H_pad, W_pad).

    Channels first, so each tap's slice (`ConvGeometry.offset_index`) is already in the columns' order.
    """
    padded = _padded_zeros(geom, x.dtype, workspace, fill=geom.window.padded_size != geom.input_size)
    padded[_inner(geom)] = geom.to_columns(x)
    return padded


def columns(
    x: Array, images: slice, chunk: ConvGeometry, workspace: Workspace | None, reuse: bool = True
) -> Array:
    """im2col of x[images]; the workspace's copy when its last columns came from this very x and chunk.

    The forward passes ``reuse=False`` (it always builds, then notes, the columns), so a forward on an
    input changed in place since the last call sees its new values.

    A layer's forward and backward see the same input object: for a batch of one chunk (LeNet's layers
    up to ~50 images) the backward then builds no columns at all. A workspace that trusts no caller
    (`thread_workspace`) also checks that x[images] still holds the same numbers.
    """
    kh, kw = chunk.kernel_size
    shape = (chunk.in_channels, kh, kw, *chunk.column_shape)
    detail = (images.start, chunk)
    if workspace is not None and reuse:
        held = workspace.holding("cols", shape, x.dtype, x, detail, x[images])
        if held is not None:
            return held
    cols = im2col(x[images], chunk, workspace)
    if workspace is not None:
        workspace.note(cols, "cols", x, detail, x[images])
    return cols


def col2im(cols: Array, geom: ConvGeometry, workspace: Workspace | None = None) -> Array:
    """Add columns (C, kH, kW, *geom.column_shape) back onto the input they came from: (N, C, H, W).

    The result is a strided view in the columns' axis order; copy it (or assign it) for NCHW memory,
    before the next call when it lives in a ``workspace``.
    """
    kh, kw = geom.kernel_size
    padded = _padded_zeros(geom, cols.dtype, workspace, role="scattered")
    if in_two_stages(geom, scatter=True):
        scatter_columns(cols, padded, geom, workspace)
    else:  # windows overlap, so a pixel collects from several taps: one slice-add per tap does the sum
        for i in range(kh):
            for j in range(kw):
                tap = padded[geom.offset_index(i, j)]
                np.add(tap, cols[:, i, j], out=tap)  # into the view, with no copy of the sum onto itself
    return geom.from_columns(padded[_inner(geom)])  # drop the padding: (N, C, H, W)


def _padded_zeros(
    geom: ConvGeometry,
    dtype: np.dtype[Any],
    workspace: Workspace | None,
    role: str = "padded",
    fill: bool = True,
) -> Array:
    """Zeros for the padded input in the columns' order: (C, H_pad, W_pad, N) or (C, N, H_pad, W_pad).

    ``fill=False``: the caller overwrites every element (no padding), so a workspace array is not zeroed.
    """
    h, w = geom.window.padded_size
    shape = (geom.in_channels, h, w, geom.batch) if geom.batch_last else (geom.in_channels, geom.batch, h, w)
    if workspace is None:
        return np.zeros(shape, dtype=dtype)
    padded = workspace.empty(role, shape, dtype)
    if fill:
        padded.fill(0)
    return padded


def _inner(geom: ConvGeometry) -> tuple[slice, ...]:
    """Index of the unpadded input inside `_padded_zeros`."""
    rows, columns = geom.window.unpadded_index()
    every = slice(None)
    return (every, rows, columns, every) if geom.batch_last else (every, every, rows, columns)
