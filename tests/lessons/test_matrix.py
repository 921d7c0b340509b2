"""The matrix lesson: M times the input is the convolution (our conv2d, NumPy and torch), the weight
index colours every entry, the counts are right, and a setting that does not fit names its field."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.lessons.matrix import SIGNAL_1D, MatrixSetting, matrix_lesson
from convscope.ops import conv2d

DIGITS = DigitSource()


@settings(max_examples=40, deadline=None)  # under a shared machine's load a case may take 0.3 s
@given(size=st.integers(4, 16), k=st.integers(1, 7), stride=st.integers(1, 3), padding=st.integers(0, 3),
       dilation=st.integers(1, 3))
def test_1d_matrix_times_the_signal_is_torchs_conv1d(size: int, k: int, stride: int, padding: int,
                                                     dilation: int) -> None:
    setting = MatrixSetting(1, size, k, stride, padding, dilation)
    if dilation * (k - 1) + 1 > size + 2 * padding:
        with pytest.raises(SettingError, match=r"^kernel_size: must be at most"):
            matrix_lesson(setting, DIGITS)
        return
    lesson = matrix_lesson(setting, DIGITS)
    x, kernel = np.array(lesson["input"]), np.array(lesson["kernel"])
    assert x[0].tolist() == list(SIGNAL_1D[:size])
    m = np.array(lesson["matrix"])
    theirs = functional.conv1d(torch.tensor(x[None]), torch.tensor(kernel[None]), stride=stride,
                               padding=padding, dilation=dilation)[0].numpy()  # (1, O)
    np.testing.assert_allclose(m @ x[0], theirs[0], atol=1e-12)
    np.testing.assert_allclose(np.array(lesson["output"]), theirs, atol=1e-12)
    assert lesson["dense_weights"] == m.size == size * theirs.shape[1]


@settings(max_examples=40, deadline=None)  # under a shared machine's load a case may take 0.3 s
@given(size=st.integers(4, 8), k=st.integers(1, 4), stride=st.integers(1, 3), padding=st.integers(0, 3),
       dilation=st.integers(1, 3))
def test_2d_matrix_times_the_crop_is_conv2d(size: int, k: int, stride: int, padding: int,
                                            dilation: int) -> None:
    if dilation * (k - 1) + 1 > size + 2 * padding:
        return
    lesson = matrix_lesson(MatrixSetting(2, size, k, stride, padding, dilation, digit=7, index=2), DIGITS)
    x, kernel = np.array(lesson["input"]), np.array(lesson["kernel"])
    ours = conv2d(x[None, None], kernel[None, None], stride=stride, padding=padding, dilation=dilation)[0, 0]
    np.testing.assert_allclose((np.array(lesson["matrix"]) @ x.ravel()).reshape(ours.shape), ours, atol=1e-12)
    np.testing.assert_allclose(np.array(lesson["output"]), ours, atol=1e-12)
    index, m = np.array(lesson["weight_index"]), np.array(lesson["matrix"])
    # Each entry is the weight its index names; the structural zeros are zeros.
    np.testing.assert_array_equal(np.where(index >= 0, kernel.ravel()[index], 0.0), m)
    assert lesson["nonzero_entries"] == int((index >= 0).sum())
    assert lesson["distinct_weights"] == len(set(index[index >= 0].tolist())) <= k * k
    assert lesson["dense_weights"] == x.size * ours.size


def test_the_crop_is_the_most_varied_window_of_a_real_digit() -> None:
    lesson = matrix_lesson(MatrixSetting(2, 8, 3), DIGITS)
    box = DIGITS.crop(3, 0)
    spreads = {(r, c): box[r: r + 8, c: c + 8].std() for r in range(13) for c in range(13)}
    r, c = max(spreads, key=lambda rc: spreads[rc])
    np.testing.assert_allclose(lesson["input"], np.round(box[r: r + 8, c: c + 8], 2))
    x = np.array(lesson["input"])
    assert x.max() > 0.5, "it holds ink"
    assert x.min() < 0.1, "and paper: an edge of a stroke"
    assert "digit 3" in lesson["source"]
    assert lesson["distinct_weights"] == 9
    assert lesson["dense_weights"] == 64 * 36


def test_stride_1_matrix_is_toeplitz() -> None:
    m = np.array(matrix_lesson(MatrixSetting(1, 10, 4), DIGITS)["weight_index"])
    for d in range(-m.shape[0] + 1, m.shape[1]):
        assert len(set(np.diagonal(m, d).tolist())) == 1, f"diagonal {d} holds one weight (or none)"


@pytest.mark.parametrize(("setting", "message"), [
    (MatrixSetting(2, size=12), "^size: must be 4..8 in 2-D"),
    (MatrixSetting(2, kernel_size=5), "^kernel_size: must be 1..4 in 2-D"),
    (MatrixSetting(1, stride=4), "^stride: must be 1..3"),
    (MatrixSetting(1, size=4, kernel_size=5), "^kernel_size: must be at most 4 here"),
    (MatrixSetting(1, size=4, kernel_size=3, dilation=3), "^kernel_size: must be at most 2 here"),
    (MatrixSetting(2, digit=3, index=99999), "^index: "),
])
def test_bad_settings_name_their_field(setting: MatrixSetting, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        matrix_lesson(setting, DIGITS)
