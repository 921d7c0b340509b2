"""The ball drop's own f and g carried into flip-and-slide and into the echo.

The page's first section drops a ball twice with distributions f and g over whole steps. Here the same
two lists are flipped and slid on the integer grid (the slide's result at t is exactly the ball drop's
(f * g)(t)), and g or f * g becomes an impulse response of spikes (delay = step x spacing, gain =
probability), so the echo the reader hears is the ball drop's convolution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.errors import SettingError
from convscope.lessons.signals import MAX_FRAMES, MAX_REPEAT, SlideFrame, SlideLesson, shifted_rows
from convscope.signal import convolve, distribution

Array = npt.NDArray[np.float64]

MIN_SPACING, MAX_SPACING = 0.001, 0.4  # seconds between spikes: 63 spikes x 0.4 s stays under 30 s


class DropImpulse(TypedDict):
    """The ball drop's g (or f * g) as spikes for the echo."""

    source: str
    """"g" or "f*g": which distribution became the spikes."""
    weights: list[float]
    """Its probabilities, renormalised: spike k's gain."""
    taps: list[list[float]]
    """[delay_seconds, gain] per spike: delay = k x spacing, gain = weights[k]."""


@dataclass(frozen=True, eq=False)
class DropSlide:
    """Flip-and-slide of the ball drop's distributions (weights checked to be bounded lists of numbers)."""

    f: Array  # (M,) first drop's weights, renormalised here
    g: Array  # (N,) second drop's weights
    flip: bool = True  # False: cross-correlation
    repeat: int = 0  # f becomes f * g * ... * g first: the ball dropped 2 + repeat times
    max_frames: int = MAX_FRAMES


def drop_slide_lesson(setting: DropSlide) -> SlideLesson:
    """Flip g, slide it over f one whole step at a time: each position's sum of products is (f * g)(t).

    On whole steps the area is a plain sum, so ``result`` equals ``np.convolve(f, g)`` (the ball drop's
    ``convolution``) at t = 0 .. M + N - 2. tau spans every place the slid g can reach.

    Examples
    --------
    >>> lesson = drop_slide_lesson(DropSlide(np.ones(6), np.ones(6)))
    >>> lesson["t"][:3], round(lesson["result"][5] * 36)        # two dice: 6 ways of totalling 5
    ([0.0, 1.0, 2.0], 6)
    >>> lesson["discrete"], lesson["tau"][0], lesson["tau"][-1]
    (True, -5.0, 10.0)
    """
    f, g = distribution(setting.f, "f"), distribution(setting.g, "g")
    if not 0 <= setting.repeat <= MAX_REPEAT:
        raise SettingError("repeat", f"must be 0..{MAX_REPEAT} (got {setting.repeat})")
    if not 1 <= setting.max_frames <= MAX_FRAMES:
        raise SettingError("max_frames", f"must be 1..{MAX_FRAMES} (got {setting.max_frames})")
    for _ in range(setting.repeat):
        f = convolve(f, g).astype(np.float64, copy=False)
    m, n = f.size, g.size
    h = g if setting.flip else g[::-1]  # cross-correlation is convolution with the reversed g
    result = convolve(f, h).astype(np.float64, copy=False)  # (m + n - 1,): a sum, no grid step
    tau = np.arange(-(n - 1), m + n - 1, dtype=np.float64)  # (m + 2n - 2,): every place g can reach
    f_on = np.concatenate([np.zeros(n - 1), f, np.zeros(n - 1)])  # f on tau
    k = np.arange(result.size)
    t = k.astype(np.float64) if setting.flip else (k - (n - 1)).astype(np.float64)  # totals, or lags
    stride = math.ceil(result.size / setting.max_frames)
    # h[k - i] with i = tau + n - 1 on the padded axis: shifted_rows on f_on's indices, offset by n - 1.
    shifted = shifted_rows(h, k[::stride] + (n - 1), f_on.size)  # (frames, m + 2n - 2)
    product = f_on * shifted
    frames: list[SlideFrame] = [
        {"t": float(t[j]), "shifted": s.tolist(), "product": p.tolist(), "area": float(result[j])}
        for j, s, p in zip(k[::stride], shifted, product, strict=True)
    ]
    return {"tau": tau.tolist(), "f": f_on.tolist(), "g": g.tolist(), "flip": setting.flip, "t": t.tolist(),
            "result": result.tolist(), "frame_stride": stride, "frames": frames, "repeat": setting.repeat,
            "discrete": True}


def drop_impulse(g: Array, spacing: float, f: Array | None = None) -> DropImpulse:
    """g (or f * g, when ``f`` is given) as spikes ``spacing`` seconds apart, gains its probabilities.

    Convolving a sound with these spikes is the ball drop heard: a copy of the sound for each distance
    the ball can fall, k x spacing later and as loud as that distance is likely.

    Examples
    --------
    >>> drop_impulse(np.array([1.0, 3.0]), 0.1)["taps"]
    [[0.0, 0.25], [0.1, 0.75]]
    >>> drop_impulse(np.ones(2), 0.2, f=np.ones(2))["weights"]
    [0.25, 0.5, 0.25]
    """
    if not (math.isfinite(spacing) and MIN_SPACING <= spacing <= MAX_SPACING):
        raise SettingError("spacing", f"must be {MIN_SPACING:g}..{MAX_SPACING:g} seconds (got {spacing:g})")
    weights = distribution(g, "g")
    if f is not None:
        weights = convolve(distribution(f, "f"), weights).astype(np.float64, copy=False)
    return {"source": "g" if f is None else "f*g", "weights": weights.tolist(),
            "taps": [[k * spacing, float(w)] for k, w in enumerate(weights)]}
