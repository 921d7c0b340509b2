"""The "Matrix & FFT" page, first part: a convolution as its weight-sharing matrix.

A convolution is linear, so it is a matrix M acting on the flattened input (`convscope.matrix`). Each row
of M is one output's window laid over the input, and every row repeats the same k weights shifted along:
in 1-D M is Toeplitz (constant along its diagonals), in 2-D doubly block Toeplitz. A dense layer from the
same input to the same output would need one weight per entry, (H·W)·(O_h·O_w) of them. The FFT view is
in `convscope.lessons.spectra`, the transposed convolution in `convscope.lessons.transposed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.data import DigitSource
from convscope.errors import SettingError, check_ranges
from convscope.matrix import convolution_matrix, weight_index_matrix

Array = npt.NDArray[np.float64]

# What the page can draw legibly: M has (O_h·O_w) x (H·W) cells, 64 x 64 at most (an 8x8 crop).
SIZE_RANGE = {1: (4, 16), 2: (4, 8)}  # n in 1-D; the side of the digit crop in 2-D
KERNEL_RANGE = {1: (1, 7), 2: (1, 4)}
MAX_STRIDE, MAX_PADDING, MAX_DILATION = 3, 3, 3
# A 1-D signal with an edge, a bump and a dip, so the kernel's products differ from window to window.
SIGNAL_1D = (0.0, 1.0, 3.0, 2.0, 0.0, -1.0, -2.0, 1.0, 4.0, 2.0, 0.0, 1.0, 3.0, -1.0, 0.0, 2.0)
# Distinct values, so each weight's colour stands for one number; the first kH·kW are the kernel.
KERNEL_VALUES = (1.0, -1.0, 2.0, 0.5, -2.0, 3.0, -0.5, 1.5, -1.5, 2.5, -3.0, 0.25, -0.25, 4.0, -4.0, 0.75)


@dataclass(frozen=True)
class MatrixSetting:
    """One small convolution to draw as a matrix.

    ``dims`` 1: the first ``size`` values of `SIGNAL_1D` and a kernel of ``kernel_size`` values; ``dims``
    2: the ``size`` x ``size`` crop of MNIST digit ``digit`` (example ``index``) where its pixels vary most
    (a stroke's edge) and a square kernel.
    """

    dims: Literal[1, 2] = 1
    size: int = 8  # n (1-D) or the crop's side (2-D)
    kernel_size: int = 3
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    digit: int = 3
    index: int = 0


class MatrixLesson(TypedDict):
    """A convolution and the matrix M with ``M @ x.ravel() == output.ravel()``, weight by weight."""

    dims: int
    """1 or 2."""
    input: list[list[float]]
    """x, (H, W); a 1-D signal is one row (1, n)."""
    kernel: list[list[float]]
    """The weights, unflipped (cross-correlation): (kH, kW), one row in 1-D."""
    output: list[list[float]]
    """The convolution, (O_h, O_w): what M @ x.ravel() gives, reshaped."""
    matrix: list[list[float]]
    """M, (O_h·O_w, H·W): row r*O_w + c is output (r, c)'s window, column i*W + j is pixel (i, j)."""
    weight_index: list[list[int]]
    """Which weight each entry of M is, i*kW + j; -1 for the structural zeros (and padding's taps)."""
    stride: int
    padding: int
    dilation: int
    distinct_weights: int
    """k: the distinct weights M holds (kH·kW, fewer when a dilated kernel only reads padding)."""
    nonzero_entries: int
    """Entries of M that hold a weight."""
    dense_weights: int
    """(H·W)·(O_h·O_w): the weights a fully connected layer between the same shapes would need."""
    source: str
    """Where the input came from, for the caption."""


def matrix_lesson(setting: MatrixSetting, digits: DigitSource) -> MatrixLesson:
    """The matrix view of one setting; a `SettingError` names what does not fit.

    Examples
    --------
    >>> lesson = matrix_lesson(MatrixSetting(dims=1, size=5, kernel_size=3), DigitSource())
    >>> lesson["weight_index"][0], lesson["distinct_weights"], lesson["dense_weights"]
    ([0, 1, 2, -1, -1], 3, 15)
    >>> lesson = matrix_lesson(MatrixSetting(dims=2, size=6, kernel_size=3), DigitSource())
    >>> len(lesson["matrix"]), len(lesson["matrix"][0]), lesson["distinct_weights"]
    (16, 36, 9)
    """
    _check(setting)
    x, kernel, source = _operands(setting, digits)
    settings = {"stride": setting.stride, "padding": setting.padding, "dilation": setting.dilation}
    shape = x.shape if setting.dims == 2 else (x.shape[1],)
    weights = kernel if setting.dims == 2 else kernel[0]
    m = convolution_matrix(weights, shape, **settings)  # (O, H*W)
    index = weight_index_matrix(weights.shape, shape, **settings)
    out_shape = _output_shape(setting)
    return MatrixLesson(
        dims=setting.dims, input=x.tolist(), kernel=kernel.tolist(),
        output=(m @ x.ravel()).reshape(out_shape).tolist(),
        matrix=m.tolist(), weight_index=index.tolist(),
        stride=setting.stride, padding=setting.padding, dilation=setting.dilation,
        distinct_weights=len(np.unique(index[index >= 0])), nonzero_entries=int((index >= 0).sum()),
        dense_weights=int(m.size), source=source,
    )


def _operands(setting: MatrixSetting, digits: DigitSource) -> tuple[Array, Array, str]:
    """x (H, W) and the kernel (kH, kW), 1-D ones as a single row, and a caption for where x is from."""
    k, n = setting.kernel_size, setting.size
    if setting.dims == 1:
        return (np.array([SIGNAL_1D[:n]]), np.array([KERNEL_VALUES[:k]]),
                f"a {n}-sample signal and a {k}-tap kernel")
    box = digits.crop(setting.digit, setting.index)  # (20, 20) in [0, 1]
    top, left = _busiest(box, n)
    x = np.round(box[top: top + n, left: left + n], 2)  # two decimals: what the cells can show
    return (x, np.array(KERNEL_VALUES[: k * k]).reshape(k, k),
            f"rows {top}..{top + n - 1}, columns {left}..{left + n - 1} of MNIST digit {setting.digit} "
            f"(example {setting.index}, its 20x20 box), a {k}x{k} kernel")


def crop_origin(setting: MatrixSetting, digits: DigitSource) -> tuple[int, int]:
    """(top, left) of the 2-D crop in the digit's 20x20 box, as the lesson chooses it (for scripts to load).

    Examples
    --------
    >>> crop_origin(MatrixSetting(dims=2, size=6), DigitSource())
    (5, 6)
    """
    return _busiest(digits.crop(setting.digit, setting.index), setting.size)


def _busiest(box: Array, n: int) -> tuple[int, int]:
    """The top-left of the n x n window of ``box`` whose pixels vary most: a stroke's edge, not flat ink."""
    windows = np.lib.stride_tricks.sliding_window_view(box, (n, n))  # (20-n+1, 20-n+1, n, n)
    spread = windows.std(axis=(2, 3))
    top, left = np.unravel_index(int(np.argmax(spread)), spread.shape)  # the first of any ties
    return int(top), int(left)


def _output_shape(setting: MatrixSetting) -> tuple[int, int]:
    """(O_h, O_w): one row in 1-D."""
    o = _output_length(setting.size, setting.kernel_size, setting.stride, setting.padding, setting.dilation)
    return (1, o) if setting.dims == 1 else (o, o)


def _output_length(n: int, k: int, stride: int, padding: int, dilation: int) -> int:
    """floor((n + 2p - d(k - 1) - 1) / s) + 1, the convolution's output size along one axis."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _check(setting: MatrixSetting) -> None:
    """Raise a `SettingError` naming the first setting out of its range, or a kernel that does not fit."""
    if setting.dims not in (1, 2):
        raise SettingError("dims", f"must be 1 or 2 (got {setting.dims})")
    bounds = {"size": SIZE_RANGE[setting.dims], "kernel_size": KERNEL_RANGE[setting.dims],
              "stride": (1, MAX_STRIDE), "padding": (0, MAX_PADDING), "dilation": (1, MAX_DILATION)}
    check_ranges(setting, bounds, f" in {setting.dims}-D")
    n, p, d = setting.size, setting.padding, setting.dilation
    largest = (n + 2 * p - 1) // d + 1  # the most taps whose span d(k - 1) + 1 fits n + 2p cells
    if setting.kernel_size > largest:
        raise SettingError(
            "kernel_size", f"must be at most {largest} here: with dilation {d} a {setting.kernel_size}-tap "
            f"kernel spans {d * (setting.kernel_size - 1) + 1} cells, more than the {n + 2 * p} of the "
            "padded input (make the kernel or the dilation smaller, or the padding larger)")
