"""Data augmentation for training: each image moved by its own small random shift.

A digit shifted by a pixel or two is still the same digit, so showing the network shifted copies teaches
it that position does not matter (the translation invariance pooling only partly gives). Randomness is
an argument, as everywhere in convscope: the same generator state gives the same shifts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from convscope._validate import as_array, check_int

__all__ = ["random_shift"]


def random_shift(x: Any, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Shift each image by its own random (dy, dx) in [-max_shift, max_shift], filling with zeros.

    Vectorised: pad once, view every shifted window, and pick one window per image.

    Parameters
    ----------
    x : (N, C, H, W) array
        Images; left unchanged.
    max_shift : int
        The largest shift in pixels along each axis, 0..max(H, W) (a larger shift only moves the image
        out of view).
    rng : np.random.Generator
        Draws the shifts.

    Returns
    -------
    (N, C, H, W) array
        The shifted images, same dtype as ``x`` (integers become float64).

    Examples
    --------
    >>> x = np.zeros((1, 1, 5, 5)); x[0, 0, 2, 2] = 1
    >>> y = random_shift(x, 1, np.random.default_rng(0))
    >>> float(y.sum()), y.shape
    (1.0, (1, 1, 5, 5))
    """
    x = as_array(x, "x", ndim=4, layout="(N, C, H, W)")
    n, _, h, w = x.shape
    s = check_int(max_shift, "max_shift", minimum=0, maximum=max(h, w))
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator, got {type(rng).__name__}")
    padded = np.pad(x, ((0, 0), (0, 0), (s, s), (s, s)))  # (N, C, H+2s, W+2s)
    windows = np.lib.stride_tricks.sliding_window_view(
        padded, (h, w), axis=(2, 3)
    )  # (N, C, 2s+1, 2s+1, H, W)
    oy, ox = rng.integers(0, 2 * s + 1, size=(2, n))
    return np.ascontiguousarray(windows[np.arange(n), :, oy, ox])  # (N, C, H, W)
