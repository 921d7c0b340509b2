"""convscope.geometry.window: the cells every tap of a 2-D window reads, against torch's unfold."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional

from convscope.geometry import AxisWindow, Window


def unfold_by_taps(x: np.ndarray, win: Window) -> np.ndarray:
    """What ``unfold`` returns for x (H, W), built from the window's taps: (kH*kW, H_out*W_out)."""
    height, width = win.axes
    rows, cols = height.taps(), width.taps()  # (H_out, kH), (W_out, kW): input index of each tap
    inside = height.reads_input()[:, None, :, None] & width.reads_input()[None, :, None, :]
    safe_rows, safe_cols = np.clip(rows, 0, x.shape[0] - 1), np.clip(cols, 0, x.shape[1] - 1)
    values = x[safe_rows[:, None, :, None], safe_cols[None, :, None, :]]
    values = np.where(inside, values, 0.0)  # (H_out, W_out, kH, kW); padding reads 0
    return values.reshape(-1, values.shape[2] * values.shape[3]).T


UNFOLD_CASES = [
    ((5, 5), (3, 3), (1, 1), (0, 0), (1, 1)),
    ((6, 7), (2, 3), (2, 1), (1, 0), (1, 2)),
    ((9, 4), (3, 2), (3, 2), (2, 1), (2, 1)),
    ((4, 4), (4, 4), (1, 1), (2, 2), (1, 1)),
    ((7, 8), (3, 3), (2, 3), (1, 2), (3, 1)),
    ((1, 10), (1, 3), (1, 4), (0, 3), (1, 3)),  # a one-pixel-tall image, as conv1d sees it
]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), UNFOLD_CASES)
def test_taps_read_the_cells_torch_unfold_reads(
    size: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    x = np.arange(1.0, size[0] * size[1] + 1).reshape(size)  # every cell a different, non-zero number
    win = Window.of(size, kernel, stride, padding, dilation)
    theirs = functional.unfold(torch.tensor(x)[None, None], kernel, dilation, padding, stride)[0].numpy()
    np.testing.assert_array_equal(unfold_by_taps(x, win), theirs)


def test_uneven_padding_is_named_in_the_misfit_message() -> None:
    with pytest.raises(ValueError, match=r"the padded input is 1 \+ 1 \+ 2 = 4 but the kernel spans 5"):
        Window((AxisWindow(1, 5, padding=(1, 2)),)).require_fit()  # ndim 1: "along the length"


def test_offsets_are_row_major() -> None:
    assert list(Window.of((4, 4), (2, 3)).offsets()) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), UNFOLD_CASES)
def test_slices_agree_with_taps(
    size: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    for axis in Window.of(size, kernel, stride, padding, dilation).axes:
        padded = np.arange(axis.padded_size) - axis.padding[0]  # each padded cell's input index
        taps = axis.taps()
        for k in range(axis.kernel_size):
            np.testing.assert_array_equal(padded[axis.offset_slice(k)], taps[:, k])
        for o in range(axis.output_size):
            np.testing.assert_array_equal(padded[axis.window_slice(o)], taps[o])
        np.testing.assert_array_equal(axis.starts(), taps[:, 0])
