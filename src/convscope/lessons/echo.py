"""The signals page, second half: an echo is a sound convolved with a few spikes.

The page sends a sound (a bundled one by name, or your own WAV) and an impulse response as spikes
(delay, gain); it gets back the three waveforms as envelopes to draw and the echoed sound as a WAV to
play as it is: not normalised (unlike the Web Audio convolver), clipped to [-1, 1] only when written.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.errors import SettingError
from convscope.signal import MAX_SECONDS, bundled_sound, echo, impulse_response, sound_names, write_wav

Array = npt.NDArray[np.float64]
Tap = tuple[float, float]  # (delay in seconds, gain)

MAX_TAPS = 1000  # spikes one request may send (the room preset has 300)
MAX_IMPULSE_SECONDS = MAX_SECONDS  # the longest delay: an impulse response no longer than a sound
MIN_COLUMNS, MAX_COLUMNS = 16, 4000  # envelope widths: pixel columns of the page's waveform plots
PRESET_RATE = 22_050  # the rate the preset catalogue shows its taps at (the sound's own rate is used)


class Envelope(TypedDict):
    """A waveform reduced for drawing: the lowest and highest sample in each pixel column."""

    min: list[float]
    """Per column, the smallest sample over the column's samples and every channel."""
    max: list[float]
    """Per column, the largest."""
    samples: int
    """How many samples (frames) the full waveform has."""
    seconds: float
    """Its duration: samples / sample_rate."""


class EchoLesson(TypedDict):
    """A sound, the impulse response and their convolution: envelopes to draw, the result to play."""

    sample_rate: int
    channels: int
    taps: list[list[float]]
    """The spikes used, [delay_seconds, gain] each."""
    input: Envelope
    impulse: Envelope
    output: Envelope
    peak: float
    """The largest |sample| of the output before it is written (above 1 means clipping)."""
    clipped: bool
    """True when the WAV had to clip the output to [-1, 1]."""
    wav: str
    """The output as a 16-bit PCM WAV file, base64-encoded."""


class ImpulsePreset(TypedDict):
    """An impulse response from the editor's menu."""

    name: str
    """The value to send as `preset`."""
    label: str
    description: str
    taps: list[list[float]]
    """Its spikes at 22,050 Hz, [delay_seconds, gain] each (a preset is rebuilt at the sound's rate)."""


class SoundRecord(TypedDict):
    """A bundled sound."""

    name: str
    sample_rate: int
    seconds: float


@dataclass(frozen=True, eq=False)
class Echo:
    """One echo: the sound, its rate and the spikes (checked at the edge), and the envelope width."""

    samples: Array  # (n,) or (n, channels), in [-1, 1]
    sample_rate: int
    taps: Sequence[Tap]
    columns: int = 800  # pixel columns of each envelope


def _room(sample_rate: int) -> list[Tap]:
    """Decaying noise: 300 reflections in the first 0.25 s, random signs, gains falling by e every 60 ms."""
    rng = np.random.default_rng(8)  # fixed: a preset is the same room every time
    delays = np.sort(rng.uniform(0.005, 0.25, 300))
    gains = 0.25 * rng.choice([-1.0, 1.0], 300) * np.exp(-delays / 0.06)
    return [(0.0, 1.0), *zip(delays.tolist(), gains.tolist(), strict=True)]


def _box(sample_rate: int) -> list[Tap]:
    """A 1 ms box: the average of the last millisecond's samples, a gentle low-pass filter."""
    width = max(1, round(0.001 * sample_rate))
    return [(k / sample_rate, 1 / width) for k in range(width)]


def _two(delay: float, gain: float) -> Callable[[int], list[Tap]]:
    """The sound and one copy ``delay`` seconds later: the same at every sample rate."""
    return lambda rate: [(0.0, 1.0), (delay, gain)]


_PRESETS: dict[str, tuple[str, str, Callable[[int], list[Tap]]]] = {
    "echo": ("Echo", "The article's echo: the sound, then a quieter copy 0.3 s later.",
             _two(0.3, 0.5)),
    "slap_back": ("Slap-back", "One quick repeat 0.1 s later, as off a wall across a yard.",
                  _two(0.1, 0.6)),
    "room": ("Small room", "Hundreds of reflections whose loudness decays: the sound of a room.", _room),
    "box": ("Box low-pass", "Every sample averaged with the last millisecond: dulls the highs.", _box),
}


def impulse_presets() -> list[ImpulsePreset]:
    """The impulse-response menu, each with its taps at 22,050 Hz.

    Examples
    --------
    >>> [p["name"] for p in impulse_presets()], impulse_presets()[0]["taps"]
    (['echo', 'slap_back', 'room', 'box'], [[0.0, 1.0], [0.3, 0.5]])
    """
    return [
        {"name": name, "label": label, "description": text, "taps": [[d, g] for d, g in make(PRESET_RATE)]}
        for name, (label, text, make) in _PRESETS.items()
    ]


def preset_taps(name: str, sample_rate: int) -> list[Tap]:
    """The spikes of preset ``name`` at ``sample_rate``; a `SettingError` on ``preset`` if unknown."""
    if name not in _PRESETS:
        choices = ", ".join(_PRESETS)
        raise SettingError("preset", f"unknown impulse response {name!r}; choose one of {choices}")
    return list(_PRESETS[name][2](sample_rate))


def sounds() -> list[SoundRecord]:
    """The bundled sounds, by name.

    Examples
    --------
    >>> [(s["name"], s["sample_rate"]) for s in sounds()][:1]
    [('drum', 22050)]
    """
    out: list[SoundRecord] = []
    for name in sound_names():
        samples, rate = bundled_sound(name)
        out.append({"name": name, "sample_rate": rate, "seconds": samples.shape[0] / rate})
    return out


def echo_lesson(setting: Echo) -> EchoLesson:
    """Convolve the sound with the spikes; envelopes of input, impulse response and output; the WAV.

    Examples
    --------
    >>> samples, rate = bundled_sound("drum")
    >>> lesson = echo_lesson(Echo(samples, rate, [(0.0, 1.0), (0.3, 0.5)], columns=100))
    >>> lesson["output"]["samples"] == samples.shape[0] + round(0.3 * rate), len(lesson["output"]["min"])
    (True, 100)
    """
    output = echo_samples(setting)
    peak = float(np.abs(output).max())
    rate = setting.sample_rate
    return {
        "sample_rate": rate,
        "channels": 1 if setting.samples.ndim == 1 else setting.samples.shape[1],
        "taps": [[float(d), float(g)] for d, g in setting.taps],
        "input": envelope(setting.samples, rate, setting.columns),
        "impulse": envelope(impulse_response(setting.taps, rate), rate, setting.columns),
        "output": envelope(output, rate, setting.columns),
        "peak": peak,
        "clipped": peak > 1.0,
        "wav": base64.b64encode(write_wav(output, rate)).decode("ascii"),
    }


def echo_samples(setting: Echo) -> Array:
    """The echoed sound, (n + L - 1,) or (n + L - 1, channels), after checking the lesson's limits."""
    if not 1 <= len(setting.taps) <= MAX_TAPS:
        raise SettingError("taps", f"must hold 1..{MAX_TAPS} spikes (got {len(setting.taps)})")
    longest = max(d for d, _ in setting.taps)
    if longest > MAX_IMPULSE_SECONDS:
        raise SettingError("taps", f"delays must be at most {MAX_IMPULSE_SECONDS:g} s (got {longest:g} s)")
    if not MIN_COLUMNS <= setting.columns <= MAX_COLUMNS:
        raise SettingError("columns", f"must be {MIN_COLUMNS}..{MAX_COLUMNS} (got {setting.columns})")
    return echo(setting.samples, setting.sample_rate, setting.taps)


def envelope(samples: Array, sample_rate: int, columns: int) -> Envelope:
    """Min and max per column of ``samples`` ((n,) or (n, channels)), for drawing at ``columns`` pixels.

    Examples
    --------
    >>> envelope(np.array([0.0, 1.0, -1.0, 0.5]), 4, 2)
    {'min': [0.0, -1.0], 'max': [1.0, 0.5], 'samples': 4, 'seconds': 1.0}
    """
    n = samples.shape[0]
    low = samples if samples.ndim == 1 else samples.min(axis=1)  # (n,) over channels
    high = samples if samples.ndim == 1 else samples.max(axis=1)
    starts = (np.arange(min(columns, n)) * n) // min(columns, n)  # first sample of each column
    return {"min": np.minimum.reduceat(low, starts).tolist(),
            "max": np.maximum.reduceat(high, starts).tolist(),
            "samples": n, "seconds": n / sample_rate}
