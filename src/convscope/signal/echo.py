"""Echoes: a sound convolved with a train of spikes (its impulse response).

A spike of gain a at delay d in the impulse response adds a copy of the sound, scaled by a and started d
seconds later: the article's echo is two spikes, the sound itself (delay 0, gain 1) and one quieter,
later copy. Convolution adds up every such copy, which is why it describes any linear, time-invariant
room, speaker or filter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int
from convscope.errors import SettingError
from convscope.signal.convolution import (
    DIRECT_OVERHEAD,
    DIRECT_PER_ELEMENT,
    FFT_OVERHEAD,
    FFT_PER_ELEMENT,
    convolve,
    next_fast_length,
)

__all__ = ["echo", "impulse_response"]

Array = npt.NDArray[np.float64]
Tap = tuple[float, float]  # (delay in seconds, gain)


def impulse_response(taps: Sequence[Tap] | Array, sample_rate: int, length: int | None = None) -> Array:
    """The spike train of ``taps`` sampled at ``sample_rate``: gain ``g`` at sample ``round(d * rate)``.

    Parameters
    ----------
    taps : sequence of (delay_seconds, gain), or a (K, 2) array
        Delays >= 0, gains any finite number; spikes that land on the same sample add up. For many
        spikes pass an array: NumPy reads 88,200 Python pairs in ~0.1 s, an array in no time.
    sample_rate : int
        Samples per second, >= 1.
    length : int, optional
        Number of samples; default: just long enough for the last spike.

    Returns
    -------
    (L,) ndarray of float64

    Examples
    --------
    >>> impulse_response([(0.0, 1.0), (0.5, 0.5)], sample_rate=4).tolist()
    [1.0, 0.0, 0.5]
    >>> impulse_response([(0.0, 1.0)], sample_rate=4, length=3).tolist()
    [1.0, 0.0, 0.0]
    """
    rate = check_int(sample_rate, "sample_rate", minimum=1)
    positions, gains = _checked_taps(taps, rate)
    needed = int(positions.max()) + 1
    if length is None:
        length = needed
    elif check_int(length, "length", minimum=1) < needed:
        raise SettingError("length", f"must be >= {needed} samples to hold the last spike (got {length})")
    out = np.zeros(length, dtype=np.float64)
    np.add.at(out, positions, gains)  # add.at: two taps on one sample add, as convolution would
    return out


def echo(samples: Any, sample_rate: int, taps: Sequence[Tap] | Array) -> Array:
    """The sound convolved with the spike train of ``taps``: ``convolve(samples, impulse_response(...))``.

    With few spikes this adds one shifted, scaled copy of the sound per spike; with many (a room made
    of noise, a box filter) it uses the FFT. Both give the full convolution, of length n + L - 1.

    Parameters
    ----------
    samples : (n,) or (n, channels) array_like
        The sound, mono or channels-last, finite.
    sample_rate : int
        Samples per second of ``samples``.
    taps : sequence of (delay_seconds, gain), or a (K, 2) array
        As for `impulse_response`.

    Returns
    -------
    (n + L - 1,) or (n + L - 1, channels) ndarray of float64
        Not clipped: an echo can exceed [-1, 1] (`write_wav` clips when it writes).

    Examples
    --------
    >>> echo([1.0, 2.0], sample_rate=4, taps=[(0.0, 1.0), (0.5, 0.5)]).tolist()
    [1.0, 2.0, 0.5, 1.0]
    >>> echo([[1.0, -1.0]], sample_rate=4, taps=[(0.25, 2.0)]).tolist()
    [[0.0, 0.0], [2.0, -2.0]]
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim not in (1, 2) or x.shape[0] == 0:
        raise SettingError("samples", f"must be (n,) or (n, channels) with n >= 1 (got shape {x.shape})")
    if not np.isfinite(x).all():
        raise SettingError("samples", "must be finite (NaN or infinity found)")
    h = impulse_response(taps, sample_rate)
    spikes = np.flatnonzero(h)
    if _spikes_cheaper(spikes.size, x.shape[0], h.size):
        return _shifted_copies(x, h, spikes)
    if x.ndim == 1:
        return convolve(x, h, method="fft").astype(np.float64, copy=False)
    channels = [convolve(x[:, c], h, method="fft") for c in range(x.shape[1])]
    return np.stack(channels, axis=1).astype(np.float64, copy=False)  # (n + L - 1, channels)


def _checked_taps(taps: Sequence[Tap] | Array, rate: int) -> tuple[npt.NDArray[np.int64], Array]:
    """Sample positions and gains of ``taps``, refusing what is not a list of finite (delay, gain)."""
    try:
        pairs = np.asarray(taps, dtype=np.float64)  # (K, 2)
    except (TypeError, ValueError):
        raise SettingError("taps", "must be a list of (delay_seconds, gain) pairs") from None
    if pairs.ndim != 2 or pairs.shape[1] != 2 or pairs.shape[0] == 0:
        raise SettingError("taps", f"must be a non-empty list of (delay_seconds, gain) pairs "
                                   f"(got shape {pairs.shape})")
    if not np.isfinite(pairs).all():
        raise SettingError("taps", "delays and gains must be finite numbers")
    if (pairs[:, 0] < 0).any():
        k = int(np.flatnonzero(pairs[:, 0] < 0)[0])
        raise SettingError(f"taps[{k}]", f"delay must be >= 0 seconds (got {pairs[k, 0]:g})")
    return np.rint(pairs[:, 0] * rate).astype(np.int64), pairs[:, 1]


def _spikes_cheaper(spikes: int, n: int, length: int) -> bool:
    """Whether one shifted copy per spike beats the FFT, by the calibrated cost model of `convolve`."""
    out = n + length - 1
    copies = spikes * (DIRECT_OVERHEAD + DIRECT_PER_ELEMENT * out)
    fast = next_fast_length(out)
    return copies <= FFT_OVERHEAD + FFT_PER_ELEMENT * fast * math.log2(max(fast, 2))


def _shifted_copies(x: Array, h: Array, spikes: npt.NDArray[np.int64]) -> Array:
    """The full convolution of ``x`` with a mostly-zero ``h``: one scaled copy of x per spike."""
    n = x.shape[0]
    out = np.zeros((n + h.size - 1, *x.shape[1:]), dtype=np.float64)  # (n + L - 1[, channels])
    for k in spikes:
        out[k : k + n] += h[k] * x
    return out
