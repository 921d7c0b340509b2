"""Every kernel tap's slice of a padded input at once: one strided view, so im2col is one copy, not kH*kW.

`convscope.ops.im2col` builds the columns ``(C, kH, kW, *column_shape)`` from the padded input, where
tap (i, j) reads one strided slice (`ConvGeometry.offset_index`). Those kH*kW slices are themselves one
strided view of the padded input: tap i moves i*dilation rows on, tap j j*dilation columns on, and the
output positions step by the stride. Copying that view is one NumPy call, where a loop over the taps is
kH*kW calls; each call costs a few microseconds of Python and re-takes the GIL at its end, which two
threads working on the same op then queue for (measured in `benchmarks/RESULTS_perf.md`, #110).

The views are read-only (``writeable=False``): windows overlap, so several of their elements are the
same memory, and writing through them would be wrong. col2im, which adds back, keeps one slice-add per
tap for that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # im2col imports this module
    from convscope.geometry import AxisWindow
    from convscope.ops.im2col import Array, ConvGeometry


def strided(a: Array, shape: tuple[int, ...], strides: tuple[int, ...]) -> Array:
    """A read-only view of ``a``'s memory from its first element, ``np.lib.stride_tricks.as_strided``'s.

    Made with the ndarray constructor over ``a``'s buffer where ``a`` is C-contiguous: as_strided builds
    an intermediate array from an interface dict, ~3 us a call on its own and ~12 us among a LeNet step's
    ops (eight a step, 2 % of it at 64 images; benchmarks/RESULTS_perf.md #182). Other arrays, and any
    view the constructor refuses, take as_strided, which (as before) checks no bounds: the callers' views
    stay within ``a`` by construction.

    Examples
    --------
    >>> a = np.arange(6.0)
    >>> pairs = strided(a, (5, 2), (8, 8))  # every two neighbours
    >>> pairs[-1].tolist(), pairs.flags.writeable, bool(np.shares_memory(pairs, a))
    ([4.0, 5.0], False, True)
    """
    if a.flags.c_contiguous:
        try:
            view = np.ndarray(shape, a.dtype, a, 0, strides)
        except (TypeError, ValueError):  # no buffer to be had, or a view past its end
            pass
        else:
            view.flags.writeable = False
            return view
    return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=False)


def tap_view(padded: Array, geom: ConvGeometry, rows: slice | None = None) -> Array:
    """The columns of ``padded`` as a view: (C, kH, kW, *geom.column_shape), no copy made.

    padded is `convscope.ops.im2col.padded_input`'s layout, (C, N, H_pad, W_pad) or, batch-last,
    (C, H_pad, W_pad, N). ``rows`` keeps only those output rows (H_out becomes their count).

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry, im2col, padded_input
    >>> x = np.arange(2 * 3 * 5 * 5, dtype=np.float64).reshape(2, 3, 5, 5)
    >>> geom = conv_geometry(x.shape, (4, 3, 3, 3), 1, 1, 1, 1)
    >>> view = tap_view(padded_input(x, geom), geom)
    >>> view.shape, bool(np.array_equal(view, im2col(x, geom)))
    ((3, 3, 3, 2, 5, 5), True)
    """
    (kh, kw), (oh, ow) = geom.kernel_size, geom.output_size
    (sh, sw), (dh, dw) = geom.window.stride, geom.window.dilation
    first, count = (0, oh) if rows is None else (rows.start, rows.stop - rows.start)
    if geom.batch_last:  # (C, H_pad, W_pad, N)
        c_s, h_s, w_s, n_s = padded.strides
        start = padded[:, first * sh :]
        shape = (padded.shape[0], kh, kw, count, ow, padded.shape[3])
        strides = (c_s, dh * h_s, dw * w_s, sh * h_s, sw * w_s, n_s)
    else:  # (C, N, H_pad, W_pad)
        c_s, n_s, h_s, w_s = padded.strides
        start = padded[:, :, first * sh :]
        shape = (padded.shape[0], kh, kw, padded.shape[1], count, ow)
        strides = (c_s, dh * h_s, dw * w_s, n_s, sh * h_s, sw * w_s)
    return strided(start, shape, strides)


def width_view(padded: Array, geom: ConvGeometry) -> Array:
    """Each kernel column's slice of ``padded`` as one view: (C, kW, <padded input, W_out for W_pad>).

    That is (C, kW, H_pad, W_out, N) batch-last, else (C, kW, N, H_pad, W_out).

    The first of im2col's two stages (`convscope.ops.im2col_stages`): the padded input with its W axis
    replaced by (kW, W_out).

    Examples
    --------
    >>> from convscope.ops.im2col import conv_geometry, padded_input
    >>> x = np.arange(1 * 1 * 4 * 4, dtype=np.float64).reshape(1, 1, 4, 4)
    >>> geom = conv_geometry(x.shape, (1, 1, 2, 2), 1, 0, 1, 1)
    >>> width_view(padded_input(x, geom), geom)[0, 1, 0]  # kernel column 1: W from 1 on
    array([[ 1.,  2.,  3.],
           [ 5.,  6.,  7.],
           [ 9., 10., 11.],
           [13., 14., 15.]])
    """
    kw, ow = geom.kernel_size[1], geom.output_size[1]
    sw, dw = geom.window.stride[1], geom.window.dilation[1]
    if geom.batch_last:  # (C, H_pad, W_pad, N)
        c_s, h_s, w_s, n_s = padded.strides
        c, h, _, n = padded.shape
        shape, strides = (c, kw, h, ow, n), (c_s, dw * w_s, h_s, sw * w_s, n_s)
    else:  # (C, N, H_pad, W_pad)
        c_s, n_s, h_s, w_s = padded.strides
        c, n, h, _ = padded.shape
        shape, strides = (c, kw, n, h, ow), (c_s, dw * w_s, n_s, h_s, sw * w_s)
    return strided(padded, shape, strides)


def height_view(stage: Array, geom: ConvGeometry) -> Array:
    """The columns as a view of `width_view`'s copy ``stage``: (C, kH, kW, *geom.column_shape).

    The second of im2col's two stages: kernel row i reads the stage's rows from i*dilation on.
    """
    kh, oh = geom.kernel_size[0], geom.output_size[0]
    sh, dh = geom.window.stride[0], geom.window.dilation[0]
    if geom.batch_last:  # stage (C, kW, H_pad, W_out, N)
        c_s, j_s, h_s, w_s, n_s = stage.strides
        c, kw, _, ow, n = stage.shape
        shape, strides = (c, kh, kw, oh, ow, n), (c_s, dh * h_s, j_s, sh * h_s, w_s, n_s)
    else:  # stage (C, kW, N, H_pad, W_out)
        c_s, j_s, n_s, h_s, w_s = stage.strides
        c, kw, n, _, ow = stage.shape
        shape, strides = (c, kh, kw, n, oh, ow), (c_s, dh * h_s, j_s, n_s, sh * h_s, w_s)
    return strided(stage, shape, strides)


def copy_taps(target: Array, source: Array, axis: AxisWindow) -> None:
    """``target[..., j, w] = source_pad[..., w*S + j*D]``: each tap j's cells along one axis, from the input.

    target (..., K, W_out) and source (..., W) (the unpadded input, any leading axes that broadcast):
    the cells a tap reads inside the input are one strided slice of it (`AxisWindow.inside`), the rest
    padding's zeros. So one image's columns need no padded copy of it first (the 32->32 layer: a 557 KB
    copy, 51 of the columns' 195 us; benchmarks/RESULTS_perf.md #173).

    Examples
    --------
    >>> from convscope.geometry import AxisWindow
    >>> cells = np.empty((3, 4))
    >>> copy_taps(cells, np.arange(1.0, 5.0), AxisWindow(4, 3, 1, (1, 1)))  # 3 taps, padding 1: 4 windows
    >>> cells
    array([[0., 1., 2., 3.],
           [1., 2., 3., 4.],
           [2., 3., 4., 0.]])
    """
    for j in range(axis.kernel_size):
        lo, hi, first = axis.inside(j)
        tap = target[..., j, :]
        tap[..., :lo] = 0
        tap[..., hi:] = 0
        if hi > lo:
            tap[..., lo:hi] = source[..., first : first + axis.stride * (hi - lo - 1) + 1 : axis.stride]
