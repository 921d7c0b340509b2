"""The transposed lesson: the three readings equal torch's conv_transpose2d, the painting frames end at
the output, each input paints where the formula says, and bad settings name their field and range."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional

from convscope.errors import SettingError
from convscope.lessons.transposed import TransposedSetting, transposed_lesson


@st.composite
def transposed_settings(draw: st.DrawFn) -> TransposedSetting:
    stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    size, kernel, padding = draw(st.integers(2, 4)), draw(st.integers(1, 4)), draw(st.integers(0, 3))
    return TransposedSetting(size, kernel, stride, padding, draw(st.integers(0, max(stride, dilation) - 1)),
                             dilation)


@settings(max_examples=40, deadline=None)  # under a shared machine's load a case may take 0.3 s
@given(s=transposed_settings())
def test_every_reading_is_torchs(s: TransposedSetting) -> None:
    painted = (s.input_size - 1) * s.stride + s.dilation * (s.kernel_size - 1) + 1 + s.output_padding
    if painted - 2 * s.padding < 1:
        with pytest.raises(SettingError, match=r"^padding: must be at most"):
            transposed_lesson(s)
        return
    lesson = transposed_lesson(s)
    x, kernel = np.array(lesson["input"]), np.array(lesson["kernel"])
    theirs = functional.conv_transpose2d(torch.tensor(x[None, None]), torch.tensor(kernel[None, None]),
                                         stride=s.stride, padding=s.padding, output_padding=s.output_padding,
                                         dilation=s.dilation)[0, 0].numpy()
    assert lesson["output_size"] == theirs.shape[0]
    assert lesson["formula"].endswith(f"= {theirs.shape[0]}")
    for key in ("output", "by_matrix", "by_scatter", "by_zero_insertion"):
        np.testing.assert_allclose(lesson[key], theirs, atol=1e-10, err_msg=key)
    by_hand = (np.array(lesson["matrix"]) @ x.ravel()).reshape(theirs.shape)  # Mᵀ (H_out*W_out, H*W) @ x
    np.testing.assert_allclose(by_hand, theirs, atol=1e-10)
    frames = np.array(lesson["scatter_frames"])
    assert frames.shape == (x.size + 1, *theirs.shape)
    assert not frames[0].any()
    np.testing.assert_allclose(frames[-1], theirs, atol=1e-10)
    for t, cells in enumerate(lesson["paint_cells"]):  # input t changes only the cells it paints
        changed = {tuple(c) for c in np.argwhere(frames[t + 1] != frames[t])}
        assert changed <= {tuple(c) for c in cells}
    counts = np.zeros(theirs.shape, dtype=int)  # one input's taps land on distinct cells: count inputs
    for cells in lesson["paint_cells"]:
        for r, c in cells:
            counts[r, c] += 1
    np.testing.assert_array_equal(lesson["overlap"], counts)
    assert lesson["max_difference"] < 1e-9


@pytest.mark.parametrize(("kernel", "stride", "uneven"), [(3, 2, True), (4, 2, False), (2, 2, False),
                                                          (3, 1, False), (3, 3, False), (1, 2, True)])
def test_checkerboard_when_the_kernel_is_not_a_multiple_of_the_stride(kernel: int, stride: int,
                                                                      uneven: bool) -> None:
    assert transposed_lesson(TransposedSetting(4, kernel, stride))["checkerboard"] is uneven


def test_formula_is_filled_in() -> None:
    lesson = transposed_lesson(TransposedSetting(3, 3, 2, 1, 1, 1))
    assert lesson["formula"] == "(3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6"
    assert lesson["output_size"] == 6
    assert lesson["flipped_kernel"][0] == [9.0, 8.0, 7.0]


@pytest.mark.parametrize(("setting", "message"), [
    (TransposedSetting(output_padding=2, stride=2), "^output_padding: must be 0..1: smaller than the stride"),
    (TransposedSetting(output_padding=1, stride=1), "^output_padding: must be 0..0"),
    (TransposedSetting(input_size=2, kernel_size=1, stride=1, padding=1), "^padding: must be at most 0 here"),
    (TransposedSetting(input_size=5), "^input_size: must be 2..4"),
    (TransposedSetting(dilation=3), "^dilation: must be 1..2"),
])
def test_bad_settings_name_their_field_and_range(setting: TransposedSetting, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        transposed_lesson(setting)
