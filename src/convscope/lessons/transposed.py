"""The "Matrix & FFT" page, last part: the transposed convolution read three ways with the same numbers.

x is a small input (side 2..4, values 1, 2, 3, ... so each can be told apart) and the kernel holds
1, 2, 3, ... too (so its flip in reading (c) is visible). `convscope.transposed_readings` computes (a) Mᵀ
applied to x, (b) each input painting a scaled kernel copy, overlaps added, and (c) zeros inserted
between the inputs and the flipped kernel slid over them; the page shows the three side by side, the
overlap counts (the checkerboard when the kernel size is not a multiple of the stride), and the output
size with PyTorch's formula filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.arithmetic import conv_transpose_output_size
from convscope.errors import SettingError, check_ranges
from convscope.transposed_readings import overlap_counts, transposed_readings

INPUT_RANGE, KERNEL_RANGE = (2, 4), (1, 4)
MAX_STRIDE, MAX_PADDING, MAX_DILATION = 3, 3, 2


@dataclass(frozen=True)
class TransposedSetting:
    """One single-channel transposed convolution with square sizes (PyTorch's argument names)."""

    input_size: int = 3
    kernel_size: int = 3
    stride: int = 2
    padding: int = 0
    output_padding: int = 0
    dilation: int = 1


class TransposedLesson(TypedDict):
    """A transposed convolution computed three ways, the overlap counts and the output size's formula."""

    input: list[list[float]]
    """x, (H, W): the small grid whose values paint."""
    kernel: list[list[float]]
    """(k, k), as weight[0, 0] of conv_transpose2d."""
    stride: int
    padding: int
    output_padding: int
    dilation: int
    output_size: int
    """H_out = W_out."""
    formula: str
    """The output size's formula with the numbers filled in."""
    output: list[list[float]]
    """(H_out, W_out) from ops.conv_transpose2d: what each reading must give."""
    by_matrix: list[list[float]]
    """Reading (a): Mᵀ @ x.ravel(), reshaped."""
    by_scatter: list[list[float]]
    """Reading (b): each input paints its scaled kernel copy; overlaps add; padding is cropped."""
    by_zero_insertion: list[list[float]]
    """Reading (c): the flipped kernel slid with stride 1 over `zero_inserted`."""
    matrix: list[list[float]]
    """Mᵀ, (H_out·W_out, H·W): column h*W + w is what input (h, w) paints."""
    zero_inserted: list[list[float]]
    """The grid reading (c) slides over: stride - 1 zeros between inputs, padded (or cropped) around."""
    flipped_kernel: list[list[float]]
    """The kernel turned 180°, as reading (c) slides it."""
    overlap: list[list[int]]
    """(H_out, W_out): how many kernel taps land on each output cell."""
    paint_cells: list[list[list[int]]]
    """For each input, row-major: the output cells [r, c] its kernel copy lands on (cropped ones left out)."""
    scatter_frames: list[list[list[float]]]
    """Reading (b) as it paints: frame t is the output after the first t inputs (t = 0..H·W)."""
    checkerboard: bool
    """Whether the overlap counts alternate away from the edges (kernel size not a multiple of the stride)."""
    max_difference: float
    """The largest difference between any reading and conv_transpose2d (rounding only)."""


def transposed_lesson(setting: TransposedSetting) -> TransposedLesson:
    """The transposed convolution view; a `SettingError` names the setting out of its range.

    Examples
    --------
    >>> lesson = transposed_lesson(TransposedSetting(input_size=2, kernel_size=3, stride=2))
    >>> lesson["output_size"], lesson["formula"], lesson["checkerboard"]
    (5, '(2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5', True)
    >>> lesson["by_scatter"] == lesson["by_matrix"] == lesson["by_zero_insertion"]
    True
    """
    _check(setting)
    n, k = setting.input_size, setting.kernel_size
    x = np.arange(1.0, n * n + 1).reshape(n, n)  # 1, 2, 3, ...: each input told apart by its value
    kernel = np.arange(1.0, k * k + 1).reshape(k, k)  # asymmetric, so the flip in reading (c) shows
    settings = {"stride": setting.stride, "padding": setting.padding,
                "output_padding": setting.output_padding, "dilation": setting.dilation}
    r = transposed_readings(x, kernel, **settings)
    readings = (r.by_matrix, r.by_scatter, r.by_zero_insertion)
    size = conv_transpose_output_size(n, k, **settings)
    assert isinstance(size, int)  # every argument is an int, so the size is one
    return TransposedLesson(
        input=x.tolist(), kernel=kernel.tolist(), stride=setting.stride, padding=setting.padding,
        output_padding=setting.output_padding, dilation=setting.dilation, output_size=size,
        formula=_formula(setting, size), output=r.output.tolist(),
        by_matrix=r.by_matrix.tolist(), by_scatter=r.by_scatter.tolist(),
        by_zero_insertion=r.by_zero_insertion.tolist(), matrix=r.matrix.tolist(),
        zero_inserted=r.zero_inserted.tolist(), flipped_kernel=kernel[::-1, ::-1].tolist(),
        overlap=r.overlap.tolist(), paint_cells=_paint_cells(setting, size),
        scatter_frames=_scatter_frames(r.matrix, x, size), checkerboard=_uneven(setting),
        max_difference=float(max(np.abs(a - r.output).max() for a in readings)),
    )


def _formula(s: TransposedSetting, size: int) -> str:
    """(H - 1)·S - 2·P + D·(K - 1) + output_padding + 1 = H_out, with the numbers in."""
    return (f"({s.input_size} − 1)·{s.stride} − 2·{s.padding} + {s.dilation}·({s.kernel_size} − 1) + "
            f"{s.output_padding} + 1 = {size}")


def _uneven(s: TransposedSetting) -> bool:
    """Whether a long input's overlap counts vary away from its edges: the checkerboard, edges aside."""
    long = 4 * (s.kernel_size * s.dilation + s.stride)  # inputs enough for an interior past both edges
    counts = overlap_counts((1, long), (1, s.kernel_size), stride=s.stride, dilation=s.dilation)[0]
    reach = s.dilation * (s.kernel_size - 1) + 1
    interior = counts[reach: counts.size - reach]  # cells every neighbouring copy could reach
    return bool(interior.min() != interior.max())


def _paint_cells(s: TransposedSetting, size: int) -> list[list[list[int]]]:
    """Per input (row-major), the output cells its copy reaches: h·S + i·D - P per tap i, if inside."""
    reach = [[h * s.stride + i * s.dilation - s.padding for i in range(s.kernel_size)]
             for h in range(s.input_size)]  # the same along both axes: square sizes
    return [[[r, c] for r in reach[h] for c in reach[w] if 0 <= r < size and 0 <= c < size]
            for h in range(s.input_size) for w in range(s.input_size)]


def _scatter_frames(matrix: npt.NDArray[np.floating[Any]], x: npt.NDArray[np.float64],
                    size: int) -> list[list[list[float]]]:
    """The output after painting the first t inputs, t = 0..H·W: Mᵀ's first t columns times x's values."""
    painted = np.cumsum(matrix * x.ravel(), axis=1)  # (H_out*W_out, H*W): column t holds inputs 0..t
    frames = np.concatenate([np.zeros((matrix.shape[0], 1)), painted], axis=1)  # t = 0: nothing painted
    return [frames[:, t].reshape(size, size).tolist() for t in range(frames.shape[1])]


def _check(s: TransposedSetting) -> None:
    """Raise a `SettingError` naming the first setting outside what the page offers or PyTorch allows."""
    bounds = {"input_size": INPUT_RANGE, "kernel_size": KERNEL_RANGE, "stride": (1, MAX_STRIDE),
              "padding": (0, MAX_PADDING), "dilation": (1, MAX_DILATION)}
    check_ranges(s, bounds)
    most = max(s.stride, s.dilation) - 1
    if not 0 <= s.output_padding <= most:
        raise SettingError("output_padding", f"must be 0..{most}: smaller than the stride ({s.stride}) or "
                           f"the dilation ({s.dilation}); it only picks among the sizes one convolution "
                           f"maps to the same output (got {s.output_padding})")
    painted = (s.input_size - 1) * s.stride + s.dilation * (s.kernel_size - 1) + 1  # the frame's side
    if painted + s.output_padding - 2 * s.padding < 1:
        most = (painted + s.output_padding - 1) // 2
        raise SettingError("padding", f"must be at most {most} here: padding crops {2 * s.padding} of the "
                           f"{painted + s.output_padding} painted cells along each side, leaving none "
                           f"(got {s.padding})")
