"""Echoes against scipy.signal.fftconvolve: the sound convolved with its spike train."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal

from convscope.errors import SettingError
from convscope.signal import convolve, echo, impulse_response

RATE = 8000


def test_impulse_response_places_each_spike() -> None:
    h = impulse_response([(0.0, 1.0), (0.25, 0.5), (0.25, 0.25)], RATE)
    assert h.shape == (2001,)
    assert h[0] == 1.0
    assert h[2000] == 0.75  # two taps on one sample add up
    assert np.count_nonzero(h) == 2
    assert impulse_response([(0.001, 1.0)], RATE, length=100).shape == (100,)


@pytest.mark.parametrize(
    "taps",
    [
        [(0.0, 1.0), (0.3, 0.5)],  # the article's echo: few spikes, shifted copies
        [(0.0, 1.0), (0.08, -0.7), (0.2, 0.3)],
        [(k / RATE, 0.01) for k in range(400)],  # a box low-pass: many spikes, the FFT path
    ],
)
@pytest.mark.parametrize("channels", [None, 1, 2])
def test_echo_equals_fftconvolve(taps: list[tuple[float, float]], channels: int | None,
                                 rng: np.random.Generator) -> None:
    shape = (RATE,) if channels is None else (RATE, channels)
    x = rng.uniform(-1, 1, shape)
    h = impulse_response(taps, RATE)
    got = echo(x, RATE, taps)
    expected = scipy.signal.fftconvolve(x, h if x.ndim == 1 else h[:, None], axes=0)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())
    if x.ndim == 1:
        np.testing.assert_allclose(got, convolve(x, h), rtol=1e-6, atol=1e-9)


def test_taps_may_be_an_array(rng: np.random.Generator) -> None:
    x = rng.uniform(-1, 1, 500)
    taps = [(0.0, 1.0), (0.01, -0.5)]
    np.testing.assert_array_equal(echo(x, RATE, np.array(taps)), echo(x, RATE, taps))


def test_a_dense_room_equals_fftconvolve(rng: np.random.Generator) -> None:
    gains = rng.standard_normal(3000) * np.exp(-np.arange(3000) / 800)  # a small room: decaying noise
    taps = [(k / RATE, float(g)) for k, g in enumerate(gains)]
    x = rng.uniform(-1, 1, 2 * RATE)
    expected = scipy.signal.fftconvolve(x, impulse_response(taps, RATE))
    np.testing.assert_allclose(echo(x, RATE, taps), expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())


@pytest.mark.parametrize(
    ("samples", "taps", "error", "message"),
    [
        (np.ones(4), [], SettingError, r"^taps: must be a non-empty list of \(delay_seconds, gain\) pairs"),
        (np.ones(4), [(0.0, 1.0, 2.0)], SettingError, "^taps: must be a non-empty list"),
        (np.ones(4), [(0.0, np.inf)], SettingError, "^taps: delays and gains must be finite"),
        (np.ones(4), [(0.0, 1.0), (-0.1, 1.0)], SettingError, r"^taps\[1\]: delay must be >= 0 seconds"),
        (np.ones(4), [("a", 1.0)], SettingError, r"^taps: must be a list of \(delay_seconds, gain\)"),
        (np.ones((2, 2, 2)), [(0.0, 1.0)], SettingError, r"^samples: must be \(n,\) or \(n, channels\)"),
        (np.array([1.0, np.nan]), [(0.0, 1.0)], SettingError, "^samples: must be finite"),
    ],
)
def test_bad_echo_input_is_refused(samples: np.ndarray, taps: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        echo(samples, RATE, taps)  # type: ignore[arg-type]


def test_bad_impulse_response_settings_are_refused() -> None:
    with pytest.raises(SettingError, match=r"^length: must be >= 801 samples to hold the last spike"):
        impulse_response([(0.1, 1.0)], RATE, length=10)
    with pytest.raises(ValueError, match="sample_rate must be >= 1"):
        impulse_response([(0.1, 1.0)], 0)
