"""Transposed convolution read three ways, all giving the numbers `convscope.ops.conv_transpose2d` gives.

For one single-channel image x (H, W) and kernel (kH, kW), with stride S, padding P, output_padding E
and dilation D per axis, the output is (H_out, W_out), ``H_out = (H - 1)S - 2P + D(kH - 1) + E + 1``:

(a) **the matrix**: ``Mᵀ @ x.ravel()``, M the `convolution_matrix` of the convolution that maps an
    (H_out, W_out) image back to (H, W) with the same stride, padding and dilation (`by_matrix`);
(b) **the scatter**: each input value paints a copy of the kernel, scaled by it, at ``S`` steps; overlaps
    add; then ``P`` cells are cropped from each side (`by_scatter`);
(c) **zero insertion**: put ``S - 1`` zeros between neighbouring inputs, pad ``D(k - 1) - P`` zeros
    around (``+ E`` after; a negative pad crops), and slide the *flipped* kernel with stride 1
    (`by_zero_insertion`; `zero_inserted` is the grid it slides over).

`overlap_counts` says how many kernel taps land on each output cell: when the kernel size is not a
multiple of the stride the counts alternate, the checkerboard that transposed convolutions paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array, as_pair
from convscope.geometry import as_sizes
from convscope.matrix import convolution_matrix
from convscope.ops.conv_transpose import conv_transpose2d, transpose_geometry

__all__ = [
    "TransposedReadings",
    "by_matrix",
    "by_scatter",
    "by_zero_insertion",
    "overlap_counts",
    "transposed_readings",
    "zero_inserted",
]

Array = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.int64]
Pair = tuple[int, int]


@dataclass(frozen=True)
class _Settings:
    """One checked single-channel transposed convolution: every size per axis (height, width)."""

    input_size: Pair
    kernel_size: Pair
    stride: Pair
    padding: Pair
    output_padding: Pair
    dilation: Pair
    output_size: Pair

    def settings(self) -> dict[str, Pair]:
        """stride, padding, output_padding and dilation, as keyword arguments."""
        return {"stride": self.stride, "padding": self.padding, "output_padding": self.output_padding,
                "dilation": self.dilation}


@dataclass(frozen=True)
class TransposedReadings:
    """The three readings of one transposed convolution, the reference answer and the overlap counts."""

    output: Array  # (H_out, W_out): ops.conv_transpose2d, the answer each reading must give
    by_matrix: Array  # (H_out, W_out): reading (a), M.T @ x.ravel()
    by_scatter: Array  # (H_out, W_out): reading (b), painted kernel copies, overlaps added
    by_zero_insertion: Array  # (H_out, W_out): reading (c), the flipped kernel slid over `zero_inserted`
    matrix: Array  # (H_out*W_out, H*W): Mᵀ, column h*W + w is what input (h, w) paints
    zero_inserted: Array  # (H_out + D(kH-1), W_out + D(kW-1)): the grid reading (c) slides over
    overlap: IntArray  # (H_out, W_out): kernel taps landing on each output cell


def transposed_readings(
    x: Any, kernel: Any, *, stride: Any = 1, padding: Any = 0, output_padding: Any = 0, dilation: Any = 1
) -> TransposedReadings:
    """Compute a single-channel transposed convolution by all three readings, with the overlap map.

    Parameters
    ----------
    x : array_like, (H, W)
        The input: the small grid whose values paint.
    kernel : array_like, (kH, kW)
        The weights, as ``weight[0, 0]`` of `convscope.ops.conv_transpose2d`.
    stride, padding, output_padding, dilation : int or (int, int)
        As in `convscope.ops.conv_transpose2d` (PyTorch's meaning); checked the same way.

    Returns
    -------
    TransposedReadings
        Every grid (H_out, W_out) except ``matrix`` and ``zero_inserted``.

    Examples
    --------
    >>> import numpy as np
    >>> r = transposed_readings(np.ones((2, 2)), np.ones((3, 3)), stride=2)
    >>> r.output.shape, bool(np.array_equal(r.output, r.by_scatter))
    ((5, 5), True)
    >>> r.overlap  # kernel 3 with stride 2: the middle row and column are painted twice
    array([[1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1],
           [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1],
           [1, 1, 2, 1, 1]])
    """
    image, weights, s = _check(x, kernel, stride, padding, output_padding, dilation)
    return TransposedReadings(
        output=conv_transpose2d(image[None, None], weights[None, None], **s.settings())[0, 0],
        by_matrix=_by_matrix(image, weights, s),
        by_scatter=_scatter(image, weights, s),
        by_zero_insertion=_slide_flipped(image, weights, s),
        matrix=_transposed_matrix(weights, s),
        zero_inserted=_zero_inserted(image, s),
        overlap=_scatter(np.ones(s.input_size, np.int64), np.ones(s.kernel_size, np.int64), s),
    )


def by_matrix(x: Any, kernel: Any, **settings: Any) -> Array:
    """Reading (a): ``Mᵀ @ x.ravel()``, reshaped to (H_out, W_out); settings as in `transposed_readings`.

    >>> by_matrix([[1.0, 2.0]], [[1.0, 10.0]], stride=2)
    array([[ 1., 10.,  2., 20.]])
    """
    image, weights, s = _check(x, kernel, **_settings(settings))
    return _by_matrix(image, weights, s)


def by_scatter(x: Any, kernel: Any, **settings: Any) -> Array:
    """Reading (b): each input value paints a scaled kernel copy; overlaps add; padding is cropped.

    >>> by_scatter([[1.0, 2.0]], [[1.0, 10.0]], stride=1)  # the copies overlap in the middle cell
    array([[ 1., 12., 20.]])
    """
    image, weights, s = _check(x, kernel, **_settings(settings))
    return _scatter(image, weights, s)


def by_zero_insertion(x: Any, kernel: Any, **settings: Any) -> Array:
    """Reading (c): slide the flipped kernel, stride 1, over `zero_inserted`.

    >>> by_zero_insertion([[1.0, 2.0]], [[1.0, 10.0]], stride=2)
    array([[ 1., 10.,  2., 20.]])
    """
    image, weights, s = _check(x, kernel, **_settings(settings))
    return _slide_flipped(image, weights, s)


def zero_inserted(x: Any, kernel_size: Any, **settings: Any) -> Array:
    """The grid reading (c) slides over: ``S - 1`` zeros between inputs, ``D(k - 1) - P`` zeros around.

    The far side gets ``output_padding`` more; a negative amount crops instead.

    >>> zero_inserted([[1.0, 2.0]], (1, 2), stride=2)
    array([[0., 1., 0., 2., 0.]])
    """
    image = as_array(x, "x", ndim=2, layout="(H, W)")
    shape = as_sizes(kernel_size, "kernel_size", 2, 1)
    _, _, s = _check(image, np.zeros(shape), **_settings(settings))
    return _zero_inserted(image, s)


def overlap_counts(input_shape: Any, kernel_size: Any, **settings: Any) -> IntArray:
    """How many kernel taps land on each output cell: the scatter of ones with a kernel of ones.

    >>> overlap_counts((1, 4), (1, 3), stride=2)  # kernel 3, stride 2: every other cell twice
    array([[1, 1, 2, 1, 2, 1, 2, 1, 1]])
    >>> overlap_counts((1, 4), (1, 4), stride=2, padding=(0, 1))  # kernel 4, stride 2: even inside
    array([[1, 2, 2, 2, 2, 2, 2, 1]])
    """
    size = as_sizes(input_shape, "input_shape", 2, 1)
    shape = as_sizes(kernel_size, "kernel_size", 2, 1)
    _, _, s = _check(np.ones(size), np.ones(shape), **_settings(settings))
    return _scatter(np.ones(size, np.int64), np.ones(shape, np.int64), s)


def _settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The keyword settings, refusing any name `transposed_readings` does not take."""
    unknown = set(settings) - {"stride", "padding", "output_padding", "dilation"}
    if unknown:
        raise TypeError(f"unknown settings {sorted(unknown)}: use stride, padding, output_padding, dilation")
    return settings


def _check(
    x: Any, kernel: Any, stride: Any = 1, padding: Any = 0, output_padding: Any = 0, dilation: Any = 1
) -> tuple[Array, Array, _Settings]:
    """Check x (H, W), kernel (kH, kW) and the settings as conv_transpose2d does; one float dtype."""
    image = as_array(x, "x", ndim=2, layout="(H, W)")
    weights = as_array(kernel, "kernel", ndim=2, layout="(kH, kW)")
    geom = transpose_geometry((1, 1, *image.shape), (1, 1, *weights.shape), stride, padding,
                              output_padding, 1, dilation, 2)
    step, pad, extra, dil = (as_pair(v, name, 0) for v, name in (
        (stride, "stride"), (padding, "padding"), (output_padding, "output_padding"), (dilation, "dilation")))
    (h, w), (kh, kw), (oh, ow) = image.shape, weights.shape, geom.output_size
    s = _Settings((h, w), (kh, kw), step, pad, extra, dil, (oh, ow))
    dtype = np.result_type(image.dtype, weights.dtype)
    return image.astype(dtype, copy=False), weights.astype(dtype, copy=False), s


def _transposed_matrix(kernel: Array, s: _Settings) -> Array:
    """Mᵀ (H_out*W_out, H*W), M the convolution from (H_out, W_out) back to (H, W)."""
    m = convolution_matrix(kernel, s.output_size, stride=s.stride, padding=s.padding, dilation=s.dilation)
    # An output_padding of at least the stride (allowed below the dilation) gives the convolution from
    # the output more windows than x has cells; those extra rows are windows no input paints.
    conv_out = [(o + 2 * p - d * (k - 1) - 1) // st + 1 for o, p, d, k, st in
                zip(s.output_size, s.padding, s.dilation, s.kernel_size, s.stride, strict=True)]
    rows = m.reshape(*conv_out, -1)[: s.input_size[0], : s.input_size[1]]  # (H, W, H_out*W_out)
    return rows.reshape(-1, m.shape[1]).T


def _by_matrix(x: Array, kernel: Array, s: _Settings) -> Array:
    """Reading (a) on checked arrays."""
    return (_transposed_matrix(kernel, s) @ x.ravel()).reshape(s.output_size)


def _scatter(x: npt.NDArray[Any], kernel: npt.NDArray[Any], s: _Settings) -> npt.NDArray[Any]:
    """Reading (b) on checked arrays: paint each input's kernel copy on the frame, then crop padding."""
    (sh, sw), (dh, dw), (ph, pw) = s.stride, s.dilation, s.padding
    span = [d * (k - 1) + 1 for d, k in zip(s.dilation, s.kernel_size, strict=True)]
    # The frame holds every painted cell and every output cell (output_padding may reach past the paint).
    frame_shape = [max((n - 1) * st + sp, p + o) for n, st, sp, p, o in
                   zip(s.input_size, s.stride, span, s.padding, s.output_size, strict=True)]
    frame = np.zeros(frame_shape, dtype=np.result_type(x.dtype, kernel.dtype))
    for h, w in np.ndindex(*s.input_size):  # row-major: the order the page paints them
        frame[h * sh: h * sh + span[0]: dh, w * sw: w * sw + span[1]: dw] += x[h, w] * kernel
    return frame[ph: ph + s.output_size[0], pw: pw + s.output_size[1]]


def _zero_inserted(x: Array, s: _Settings) -> Array:
    """The stride-1 grid of reading (c): zeros between inputs, then pad (or crop) each side."""
    (sh, sw), (h, w) = s.stride, s.input_size
    grid = np.zeros(((h - 1) * sh + 1, (w - 1) * sw + 1), dtype=x.dtype)
    grid[::sh, ::sw] = x
    for axis, (d, k, p, e) in enumerate(zip(s.dilation, s.kernel_size, s.padding, s.output_padding,
                                            strict=True)):
        before, after = d * (k - 1) - p, d * (k - 1) - p + e
        widths = [(0, 0), (0, 0)]
        widths[axis] = (max(before, 0), max(after, 0))
        grid = np.pad(grid, widths)
        # A padding past the kernel's reach crops instead: those cells are cut from the output anyway.
        keep = [slice(None), slice(None)]
        keep[axis] = slice(max(-before, 0), grid.shape[axis] - max(-after, 0))
        grid = grid[tuple(keep)]
    return grid


def _slide_flipped(x: Array, kernel: Array, s: _Settings) -> Array:
    """Reading (c) on checked arrays: cross-correlate `_zero_inserted` with the flipped, dilated kernel."""
    grid, flipped = _zero_inserted(x, s), kernel[::-1, ::-1]
    (oh, ow), (dh, dw) = s.output_size, s.dilation
    out = np.zeros(s.output_size, dtype=grid.dtype)
    for i, j in np.ndindex(*flipped.shape):  # one shifted, scaled copy of the grid per tap
        out += flipped[i, j] * grid[i * dh: i * dh + oh, j * dw: j * dw + ow]
    return out
