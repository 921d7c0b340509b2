"""Signals sampled on an evenly spaced grid: what flip-and-slide convolves.

Each shape has area 1 (up to the grid's resolution), so convolving two of them keeps area 1 and the
result can be read as a probability density: box * box is the triangle, box * box * box a bell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from convscope.errors import SettingError

__all__ = ["WAVEFORMS", "grid_step", "waveform"]

Array = npt.NDArray[np.float64]


def _box(t: Array, dt: float) -> Array:
    return ((t >= 0) & (t < 1)).astype(np.float64)  # 1 on [0, 1)


def _triangle(t: Array, dt: float) -> Array:
    out: Array = np.clip(1 - np.abs(t - 1), 0, None)  # peak 1 at t = 1, zero outside [0, 2]
    return out


def _decay(t: Array, dt: float) -> Array:
    return np.where(t >= 0, np.exp(-np.clip(t, 0, None)), 0.0)  # e^-t for t >= 0


def _gaussian(t: Array, dt: float) -> Array:
    out: Array = np.exp(-0.5 * (t / 0.5) ** 2) / (0.5 * np.sqrt(2 * np.pi))  # mean 0, standard deviation 0.5
    return out


def _spikes(t: Array, dt: float) -> Array:
    # Spikes at t = 0, 1, 2 of area 1/3 each: height 1/(3 dt) on the nearest sample, a grid's Dirac delta.
    out = np.zeros_like(t)
    for centre in (0.0, 1.0, 2.0):
        k = int(np.argmin(np.abs(t - centre)))
        if abs(t[k] - centre) <= dt / 2:
            out[k] += 1 / (3 * dt)
    return out


WAVEFORMS: dict[str, Callable[[Array, float], Array]] = {
    "box": _box,
    "triangle": _triangle,
    "decay": _decay,
    "gaussian": _gaussian,
    "spikes": _spikes,
}


def grid_step(t: Array) -> float:
    """The spacing of an evenly spaced grid of at least two points (a `SettingError` on ``t`` if not)."""
    steps = np.diff(t)
    if t.ndim != 1 or t.size < 2 or not np.allclose(steps, steps[0]) or steps[0] <= 0:
        raise SettingError("t", "must be an increasing, evenly spaced 1-D grid of at least 2 points")
    return float(steps[0])


def waveform(kind: str, t: Array) -> Array:
    """The signal ``kind`` sampled at the points ``t``.

    Parameters
    ----------
    kind : {"box", "triangle", "decay", "gaussian", "spikes"}
        box: 1 on [0, 1). triangle: box * box, peak 1 at t = 1. decay: e^-t from t = 0. gaussian: mean 0,
        standard deviation 0.5. spikes: three spikes at 0, 1 and 2 of area 1/3 each.
    t : (K,) ndarray
        An increasing, evenly spaced grid.

    Returns
    -------
    (K,) ndarray of float64

    Examples
    --------
    >>> t = np.arange(-1, 3, 0.5)
    >>> waveform("box", t).tolist()
    [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    >>> waveform("triangle", t).tolist()
    [0.0, 0.0, 0.0, 0.5, 1.0, 0.5, 0.0, 0.0]
    """
    if kind not in WAVEFORMS:
        raise SettingError("kind", f"unknown signal {kind!r}; choose one of {', '.join(WAVEFORMS)}")
    t = np.asarray(t, dtype=np.float64)
    return WAVEFORMS[kind](t, grid_step(t))
