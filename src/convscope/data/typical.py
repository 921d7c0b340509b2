"""How far an image is from the digits a network learnt from: the distance to the nearest training digit.

A classifier still answers for an input unlike anything it was trained on, often confidently (a tiny dot,
blown up to a 20x20 blob by MNIST's preprocessing, reads as a "9" at 90%). The distance to the nearest of
the 8,000 training digits, in 28x28 pixel space after the same preprocessing, says whether anything like
the input was seen; the same distance for the 2,000 held-out digits, which the network never trained on
but which are real digits, says how far a real digit usually is. Beyond the held-out digits' 99th
percentile, an input is further from every training digit than 99 in 100 real digits are.

That percentile is a fact about the bundled digits, so it ships as a constant
(`convscope.data.typical_threshold`, written by ``scripts/build_typical_threshold.py`` with
`measure_usual_distance`, checked against a fresh measurement by a test): nothing is measured at start-up.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from convscope.data import typical_threshold as shipped
from convscope.data.mnist import load_digits
from convscope.data.split import train_test_split

__all__ = ["USUAL_PERCENTILE", "measure_usual_distance", "nearest_training_distance", "usual_distance"]

USUAL_PERCENTILE = 99.0  # of the held-out digits' nearest distances: the edge of "like a real digit"


def nearest_training_distance(images: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Euclidean distance from each (28, 28) image in [0, 1] to its nearest training digit.

    Parameters
    ----------
    images : (28, 28) or (N, 28, 28) floats in [0, 1], MNIST-style (``convscope.data.to_mnist``'s
        ``centred`` stage)

    Returns
    -------
    (N,) float64 (a 0-d array for one image)

    Examples
    --------
    >>> train, _ = train_test_split()
    >>> float(nearest_training_distance(load_digits().images[train[0]] / 255))  # a training digit itself
    0.0
    """
    arr = np.asarray(images, dtype=np.float32)
    flat = arr.reshape(-1, 28 * 28)  # (N, 784)
    train, squares = _training_pixels()
    # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, one matrix product for every pair; clipped: rounding can go < 0.
    d2 = (flat**2).sum(1)[:, None] + squares[None, :] - 2 * flat @ train.T  # (N, 8000)
    nearest = np.sqrt(np.maximum(d2.min(axis=1), 0).astype(np.float64))
    nearest[nearest < 1e-3] = 0.0  # float32 cancellation leaves ~1e-4 for an exact match
    shaped: npt.NDArray[np.float64] = nearest.reshape(arr.shape[:-2])
    return shaped


def usual_distance(percentile: float = USUAL_PERCENTILE) -> float:
    """The ``percentile`` of the held-out digits' nearest-training distances: shipped for the default.

    Examples
    --------
    >>> 5.0 < usual_distance() < 10.0
    True
    """
    if percentile == shipped.PERCENTILE:
        return shipped.USUAL_DISTANCE
    return measure_usual_distance(percentile)


@functools.cache
def measure_usual_distance(percentile: float) -> float:
    """Measure `usual_distance` from the bundled digits (2,000 x 8,000 distances, ~1-2 s of CPU).

    Examples
    --------
    >>> measure_usual_distance(50.0) < usual_distance()  # the median digit is nearer than the 99th percentile
    True
    """
    digits = load_digits()
    _, held_out = train_test_split()
    distances = nearest_training_distance(digits.images[held_out] / 255.0)  # (2000,)
    return float(np.percentile(distances, percentile))


@functools.cache
def _training_pixels() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The training digits as (8000, 784) floats in [0, 1], and each one's squared length."""
    digits = load_digits()
    train, _ = train_test_split()
    pixels = (digits.images[train].reshape(len(train), -1) / 255.0).astype(np.float32)  # (8000, 784)
    return pixels, (pixels**2).sum(1)
