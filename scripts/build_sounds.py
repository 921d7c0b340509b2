#!/usr/bin/env python
"""Build the bundled sounds ``src/convscope/data/sounds/*.wav``: synthesised, seeded, byte-for-byte.

pluck   a plucked string by Karplus-Strong: a burst of noise circulating in a delay line whose length
        sets the pitch, averaged each pass so the high partials die first (1.5 s, 196 Hz, G3)
drum    a drum hit: a sine whose pitch falls from 180 Hz to 50 Hz with an exponential decay, plus a
        short noise click for the stick (0.8 s)
melody  a short melody: five plucked notes of a major arpeggio, one after another (2 s)

All mono, 22,050 Hz, 16-bit PCM through ``convscope.signal.write_wav``; the generator is seeded, so
running this again gives the same bytes (``tests/scripts/test_build_sounds.py`` checks it).

Run: ``PYTHONPATH=src .venv/bin/python scripts/build_sounds.py``
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from convscope.signal import write_wav

Array = npt.NDArray[np.float64]

RATE = 22_050
SEED = 8
OUT = Path(__file__).resolve().parents[1] / "src" / "convscope" / "data" / "sounds"


def karplus_strong(frequency: float, seconds: float, rng: np.random.Generator, decay: float = 0.996) -> Array:
    """A plucked string: noise in a delay line of RATE/frequency samples, averaged and damped each pass."""
    period = round(RATE / frequency)
    n = int(seconds * RATE)
    out = np.empty(n)
    out[:period] = rng.uniform(-1, 1, period)
    # out[i] = decay * mean(out[i - period], out[i - period + 1]): a recursion, computed in blocks of
    # period - 1 samples, the longest whose inputs all lie before the block.
    block = period - 1
    for start in range(period, n, block):
        stop = min(start + block, n)
        earlier = out[start - period : stop - period + 1]  # (stop - start + 1,)
        out[start:stop] = decay * 0.5 * (earlier[:-1] + earlier[1:])
    return out


def pluck(rng: np.random.Generator) -> Array:
    return 0.8 * karplus_strong(196.0, 1.5, rng)


def drum(rng: np.random.Generator) -> Array:
    t = np.arange(int(0.8 * RATE)) / RATE
    frequency = 50 + 130 * np.exp(-t / 0.05)  # Hz, falling as the skin relaxes
    phase = 2 * np.pi * np.cumsum(frequency) / RATE
    body = np.sin(phase) * np.exp(-t / 0.18)
    click = rng.uniform(-1, 1, t.size) * np.exp(-t / 0.004)
    return 0.8 * (body + 0.3 * click) / np.abs(body + 0.3 * click).max()


def melody(rng: np.random.Generator) -> Array:
    notes = (261.63, 329.63, 392.00, 523.25, 392.00)  # C4 E4 G4 C5 G4
    step = int(0.4 * RATE)
    out = np.zeros(len(notes) * step)
    for k, frequency in enumerate(notes):
        out[k * step : (k + 1) * step] = karplus_strong(frequency, 0.4, rng, decay=0.998)
    return 0.7 * out / np.abs(out).max()


SOUNDS: dict[str, Callable[[np.random.Generator], Array]] = {"pluck": pluck, "drum": drum, "melody": melody}


def build(directory: Path = OUT) -> dict[str, bytes]:
    """Write every sound into ``directory``; return the bytes written, by name."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for offset, (name, make) in enumerate(SOUNDS.items()):
        data = write_wav(make(np.random.default_rng(SEED + offset)), RATE)
        (directory / f"{name}.wav").write_bytes(data)
        written[name] = data
    return written


if __name__ == "__main__":
    for name, data in build().items():
        print(f"{name}.wav: {len(data):,} bytes")
