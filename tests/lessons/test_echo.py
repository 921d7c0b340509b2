"""The echo lesson: the output is the convolution, the envelopes bound it, the WAV plays it back."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import scipy.signal

from convscope.errors import SettingError
from convscope.lessons.echo import (
    MAX_TAPS,
    Echo,
    echo_lesson,
    envelope,
    impulse_presets,
    preset_taps,
    sounds,
)
from convscope.signal import bundled_sound, impulse_response, read_wav


@pytest.mark.parametrize("preset", [p["name"] for p in impulse_presets()])
def test_echo_output_is_the_convolution_written_as_wav(preset: str) -> None:
    samples, rate = bundled_sound("pluck")
    taps = preset_taps(preset, rate)
    lesson = echo_lesson(Echo(samples, rate, taps, columns=500))
    expected = scipy.signal.fftconvolve(samples, impulse_response(taps, rate))
    played, played_rate = read_wav(base64.b64decode(lesson["wav"]))
    assert played_rate == rate
    np.testing.assert_allclose(played, np.clip(expected, -1, 1), atol=1.5 / 32768)
    assert lesson["peak"] == pytest.approx(np.abs(expected).max())
    assert lesson["clipped"] == (lesson["peak"] > 1)
    assert lesson["output"]["samples"] == expected.size
    assert len(lesson["output"]["min"]) == 500
    assert min(lesson["output"]["min"]) == pytest.approx(expected.min())
    assert max(lesson["output"]["max"]) == pytest.approx(expected.max())


def test_a_stereo_sound_keeps_its_channels(rng: np.random.Generator) -> None:
    x = rng.uniform(-0.5, 0.5, (1000, 2))
    lesson = echo_lesson(Echo(x, 8000, [(0.0, 1.0), (0.01, 0.5)], columns=16))
    assert lesson["channels"] == 2
    played, _ = read_wav(base64.b64decode(lesson["wav"]))
    assert played.shape == (1080, 2)


def test_envelope_keeps_the_extremes_of_each_column() -> None:
    x = np.sin(np.linspace(0, 20, 10_001))
    env = envelope(x, 1000, 100)
    assert len(env["min"]) == len(env["max"]) == 100
    assert min(env["min"]) == x.min()
    assert max(env["max"]) == x.max()
    assert all(lo <= hi for lo, hi in zip(env["min"], env["max"], strict=True))
    assert len(envelope(x[:10], 1000, 100)["min"]) == 10  # never more columns than samples


def test_the_catalogues() -> None:
    assert [s["name"] for s in sounds()] == ["drum", "melody", "pluck"]
    assert all(0 < s["seconds"] <= 2 for s in sounds())
    room = next(p for p in impulse_presets() if p["name"] == "room")
    assert len(room["taps"]) == 301
    assert preset_taps("room", 44_100) == preset_taps("room", 44_100)  # the same room every time
    assert len(preset_taps("box", 44_100)) == 44


@pytest.mark.parametrize(
    ("taps", "columns", "message"),
    [
        ([], 100, r"^taps: must hold 1..1000 spikes \(got 0\)"),
        ([(0.0, 0.1)] * (MAX_TAPS + 1), 100, r"^taps: must hold 1..1000 spikes \(got 1001\)"),
        ([(0.0, 1.0), (31.0, 0.5)], 100, r"^taps: delays must be at most 30 s \(got 31 s\)"),
        ([(0.0, 1.0)], 5, r"^columns: must be 16..4000 \(got 5\)"),
    ],
)
def test_bad_echoes_are_refused(taps: list[tuple[float, float]], columns: int, message: str) -> None:
    with pytest.raises(SettingError, match=message):
        echo_lesson(Echo(np.zeros(100), 8000, taps, columns))
    with pytest.raises(SettingError, match=r"^preset: unknown impulse response 'hall'"):
        preset_taps("hall", 8000)
