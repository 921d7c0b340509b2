"""The FFT lesson: with zero padding the inverse is NumPy's linear convolution; without, the circular one,
and the difference is the tail folded onto the first k - 1 cells."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.errors import SettingError
from convscope.lessons.spectra import FftSetting, fft_lesson

values = st.floats(-10, 10, allow_nan=False)


@settings(max_examples=50, deadline=None)  # under a shared machine's load a case may take 0.3 s
@given(signal=st.lists(values, min_size=2, max_size=64), kernel=st.lists(values, min_size=1, max_size=16))
def test_zero_padded_inverse_is_the_linear_convolution(signal: list[float], kernel: list[float]) -> None:
    lesson = fft_lesson(FftSetting(tuple(signal), tuple(kernel), zero_pad=True))
    expected = np.convolve(signal, kernel)
    np.testing.assert_allclose(lesson["inverse"], expected, atol=1e-9)
    np.testing.assert_allclose(lesson["direct"], expected, atol=1e-12)
    assert lesson["length"] == len(signal) + len(kernel) - 1
    assert not any(lesson["wrapped"])
    assert lesson["max_difference"] < 1e-9
    n_bins = lesson["length"] // 2 + 1
    assert len(lesson["frequencies"]) == len(lesson["signal_magnitude"]) == n_bins
    assert len(lesson["product_phase"]) == n_bins
    np.testing.assert_allclose(lesson["signal_magnitude"], np.abs(np.fft.rfft(signal, lesson["length"])))


@settings(max_examples=50, deadline=None)  # under a shared machine's load a case may take 0.3 s
@given(data=st.data())
def test_without_padding_the_tail_wraps_round(data: st.DataObject) -> None:
    signal = data.draw(st.lists(values, min_size=2, max_size=64))
    kernel = data.draw(st.lists(values, min_size=1, max_size=min(len(signal), 16)))
    lesson = fft_lesson(FftSetting(tuple(signal), tuple(kernel), zero_pad=False))
    n, k = len(signal), len(kernel)
    linear = np.convolve(signal, kernel)
    circular = linear[:n].copy()
    circular[: k - 1] += linear[n:]  # the tail past n lands on the start
    np.testing.assert_allclose(lesson["inverse"], circular, atol=1e-9)
    np.testing.assert_allclose(lesson["difference"][: k - 1], linear[n:], atol=1e-9)
    np.testing.assert_allclose(lesson["difference"][k - 1:], 0, atol=1e-9)
    assert lesson["wrapped"] == [i < k - 1 for i in range(n)]


def test_the_default_shows_a_wrap() -> None:
    lesson = fft_lesson(FftSetting(zero_pad=False))
    assert lesson["max_difference"] > 1, "the default signal ends with ink, so its tail visibly wraps"


@pytest.mark.parametrize(("setting", "message"), [
    (FftSetting((1.0,), (1.0,)), "^signal: must have 2..64 values"),
    (FftSetting((1.0, 2.0), ()), "^kernel: must have 1..16 values"),
    (FftSetting((1.0, 2.0), (1.0, 1.0, 1.0), zero_pad=False), "^kernel: must be at most as long"),
    (FftSetting((1.0, float("nan")), (1.0,)), "^signal: every value must be a finite number"),
    (FftSetting((1.0, 2.0), (1.7e308,)), "^kernel: every value must be within -1e\\+06..1e\\+06"),
])
def test_bad_settings_name_their_field(setting: FftSetting, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        fft_lesson(setting)
