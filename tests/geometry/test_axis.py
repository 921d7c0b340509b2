"""convscope.geometry.axis against PyTorch: output sizes, transposed sizes, "same" padding and the taps."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import torch
from torch.nn import functional

from convscope.geometry import AxisWindow, Window, same_padding

# Every (W, K, S, P, D) with small values: kernels that fit, that do not, and floors that drop cells.
SWEEP = list(itertools.product(range(1, 10), range(1, 5), range(1, 4), range(3), range(1, 4)))


def torch_length(fn: Any, size: int, kernel: int, **settings: Any) -> int | None:
    """The output length torch gives for one 1-channel signal, or None where it refuses."""
    x, w = torch.zeros(1, 1, size), torch.zeros(1, 1, kernel)
    try:
        if fn is functional.max_pool1d:
            return int(functional.max_pool1d(x, kernel, **settings).shape[-1])
        return int(fn(x, w, **settings).shape[-1])
    except RuntimeError:
        return None


def test_output_size_is_torch_conv1d() -> None:
    wrong = []
    for size, kernel, stride, padding, dilation in SWEEP:
        axis = AxisWindow(size, kernel, stride, (padding, padding), dilation)
        settings: dict[str, Any] = {"stride": stride, "padding": padding, "dilation": dilation}
        theirs = torch_length(functional.conv1d, size, kernel, **settings)
        if (axis.fits, axis.output_size) != (theirs is not None, theirs or 0):
            wrong.append((size, kernel, stride, padding, dilation, axis.output_size, theirs))
        assert len(axis.dropped) == (axis.slack % stride if axis.fits else 0)
        assert axis.tiles == (axis.fits and not axis.dropped)
    assert not wrong, f"(W, K, S, P, D, ours, torch's): {wrong[:5]}"


def test_output_size_is_torch_max_pool1d() -> None:
    wrong = []
    for size, kernel, stride, padding, dilation in SWEEP:
        if padding > kernel // 2:
            continue  # torch refuses pooling padding above half the kernel, and so does max_pool2d
        axis = AxisWindow(size, kernel, stride, (padding, padding), dilation)
        settings: dict[str, Any] = {"stride": stride, "padding": padding, "dilation": dilation}
        theirs = torch_length(functional.max_pool1d, size, kernel, **settings)
        if axis.output_size != (theirs or 0):
            wrong.append((size, kernel, stride, padding, dilation, axis.output_size, theirs))
    assert not wrong, f"(W, K, S, P, D, ours, torch's): {wrong[:5]}"


def test_output_size_is_torch_conv2d_axis_by_axis() -> None:
    for size, kernel, stride, padding, dilation in SWEEP[::5]:
        # A rectangular problem: the height gets these settings, the width a 7-wide input and 3-wide kernel.
        win = Window.of((size, 7), (kernel, 3), (stride, 1), (padding, 1), (dilation, 2))
        try:
            shape = functional.conv2d(
                torch.zeros(1, 1, size, 7), torch.zeros(1, 1, kernel, 3), None, (stride, 1), (padding, 1),
                (dilation, 2),
            ).shape
        except RuntimeError:
            assert not win.fits
            continue
        assert win.output_size == tuple(shape[2:])


def test_transposed_size_is_torch_conv_transpose1d() -> None:
    for size, kernel, stride, padding, dilation in SWEEP:
        axis = AxisWindow(size, kernel, stride, (padding, padding), dilation)
        for added in range(max(stride, dilation)):  # torch: output_padding below the stride or the dilation
            ours = axis.transposed_size(added)
            if ours < 1:
                continue  # torch returns an empty tensor or refuses; the arithmetic refuses with a reason
            theirs = torch_length(
                functional.conv_transpose1d, size, kernel, stride=stride, padding=padding,
                output_padding=added, dilation=dilation,
            )
            assert ours == theirs, (size, kernel, stride, padding, dilation, added)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize(("kernel", "dilation"), list(itertools.product(range(1, 7), range(1, 4))))
def test_same_padding_is_torch_same(kernel: int, dilation: int) -> None:
    # Even kernels (with odd dilation) pad unevenly: torch puts the extra zero after, and so must we.
    before, after = same_padding(kernel, dilation)
    x = torch.arange(1.0, 12.0)[None, None]  # (1, 1, 11)
    w = torch.rand(1, 1, kernel, generator=torch.Generator().manual_seed(0))
    theirs = functional.conv1d(x, w, padding="same", dilation=dilation)
    explicit = functional.conv1d(functional.pad(x, (before, after)), w, dilation=dilation)
    torch.testing.assert_close(explicit, theirs)
    axis = AxisWindow(11, kernel, 1, (before, after), dilation)
    assert axis.output_size == 11
    # A one-hot kernel copies out what its tap reads: the taps of an uneven padding, checked by torch.
    for k in range(kernel):
        one_hot = functional.one_hot(torch.tensor(k), kernel).double()[None, None]  # (1, 1, K)
        read = functional.conv1d(x.double(), one_hot, padding="same", dilation=dilation)[0, 0].numpy()
        np.testing.assert_array_equal(np.where(axis.reads_input()[:, k], axis.taps()[:, k] + 1, 0), read)


def test_kernel_larger_than_the_padded_input() -> None:
    axis = AxisWindow(3, 3, padding=(0, 0), dilation=2)  # spans 5 cells of 3
    assert (axis.fits, axis.tiles, axis.output_size, axis.slack) == (False, False, 0, -2)
    assert axis.dropped == range(0)
    assert axis.taps().shape == (0, 3)
    assert axis.least_padding_to_fit() == 1
    assert axis.largest_kernel_to_fit() == 2
    with pytest.raises(ValueError, match=r"along the width: the padded input is 3 \+ 2×0 = 3 but .* spans 5"):
        Window.of((9, 3), (3, 3), dilation=(1, 2)).require_fit()


def test_dilation_spreads_the_taps() -> None:
    axis = AxisWindow(9, 3, stride=2, padding=(1, 1), dilation=3)
    assert axis.span == 7
    assert axis.taps().tolist() == [[-1, 2, 5], [1, 4, 7], [3, 6, 9]]
    assert axis.reads_input().tolist() == [[False, True, True], [True, True, True], [True, True, False]]
    assert axis.dropped == range(11, 11)  # (11 - 7) / 2 + 1 = 3 exactly


def test_the_floor_drops_the_last_cells() -> None:
    axis = AxisWindow(20, 3, stride=2)  # (20 - 3)/2 + 1 = 9.5
    assert axis.output_size == 9
    assert list(axis.dropped) == [19]


def _reaches_weight_gradient(axis: AxisWindow, padding: int, nan_in: str) -> np.ndarray:
    """For each input cell (``nan_in="x"``) or output position ("grad"): whether a NaN there makes
    PyTorch's weight gradient non-finite. One channel a cell (groups), each with its NaN in its own place."""
    inputs, outputs = axis.size, axis.output_size
    count = inputs if nan_in == "x" else outputs
    x, grad = (torch.ones(1, count, length, dtype=torch.float64) for length in (inputs, outputs))
    nan_at = x if nan_in == "x" else grad
    nan_at[0, range(count), range(count)] = torch.nan
    settings = {"stride": axis.stride, "padding": padding, "dilation": axis.dilation, "groups": count}
    weight = torch.nn.grad.conv1d_weight(x, (count, 1, axis.kernel_size), grad, **settings)
    return np.asarray(~torch.isfinite(weight).all(dim=2)[:, 0])


def test_links_every_cell_only_where_every_nan_reaches_torchs_weight_gradient() -> None:
    """`AxisWindow.links_every_cell` lets the conv backward check its weight gradient instead of its
    inputs: where it says so, a NaN in any input cell and in any output position's gradient must reach
    PyTorch's weight gradient; and where a cell is read by no window, a NaN there must not."""
    linked = 0
    for size, kernel, stride, padding, dilation in SWEEP:
        axis = AxisWindow(size, kernel, stride, (padding, padding), dilation)
        if not axis.fits:
            continue
        from_x, from_grad = (_reaches_weight_gradient(axis, padding, where) for where in ("x", "grad"))
        read = np.isin(np.arange(size), axis.taps()[axis.reads_input()])
        np.testing.assert_array_equal(from_x, read)  # a NaN reaches exactly from the cells windows read
        if axis.links_every_cell:
            linked += 1
            assert from_x.all(), (size, kernel, stride, padding, dilation)
            assert from_grad.all(), (size, kernel, stride, padding, dilation)
        else:  # a cell no window reads (by PyTorch), or a window wholly in the padding
            assert not from_x.all() or not axis.reads_input().any(axis=1).all()
    assert 0 < linked < len(SWEEP)
