"""Discrete probability distributions and the ball dropped twice: where convolution comes from.

Drop a ball: it lands a steps away with probability f(a). Drop it again from there: it moves b more with
probability g(b). The chance of ending c steps away is the sum over every way a + b = c of f(a) g(b),
which is (f * g)(c). `drop_balls` plays the experiment; its histogram converges to ``convolve(f, g)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int
from convscope.errors import SettingError

__all__ = ["DISTRIBUTIONS", "DistributionPreset", "distribution", "drop_balls", "preset", "total_variation"]

Array = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]


@dataclass(frozen=True)
class DistributionPreset:
    """A named distribution offered by the page's preset menu (weights before renormalising)."""

    name: str  # the value a request sends
    label: str  # what the menu shows
    description: str  # one sentence for the learner
    weights: tuple[float, ...]  # w[k] is proportional to the chance of k steps


DISTRIBUTIONS: tuple[DistributionPreset, ...] = (
    DistributionPreset("uniform", "Uniform", "Every distance 0..5 equally likely, like a fair die.",
                       (1, 1, 1, 1, 1, 1)),
    DistributionPreset("triangle", "Triangle", "Middle distances most likely: itself two uniform drops.",
                       (1, 2, 3, 2, 1)),
    DistributionPreset("geometric", "Geometric", "Each further step half as likely as the one before.",
                       (16, 8, 4, 2, 1)),
    DistributionPreset("two_point", "Two-point", "Either no move at all or exactly three steps.",
                       (1, 0, 0, 1)),
    DistributionPreset("article", "The article's example",
                       "Distances 0..3 as in Colah's worked example of a total c = 3 (the article draws "
                       "the shape but gives no numbers; these weights are ours).", (4, 3, 2, 1)),
)
_BY_NAME = {p.name: p for p in DISTRIBUTIONS}


def distribution(weights: Any, name: str = "weights") -> Array:
    """Non-negative weights renormalised to sum to 1; a `SettingError` naming ``name`` otherwise.

    Parameters
    ----------
    weights : (K,) array_like
        Relative chances of 0, 1, ..., K-1 steps; any positive scale.
    name : the argument's name in error messages (``"f"``, ``"g"``)

    Returns
    -------
    (K,) ndarray of float64 summing to 1

    Examples
    --------
    >>> distribution([1, 2, 1], "f").tolist()
    [0.25, 0.5, 0.25]
    >>> distribution([1, -1], "g")
    Traceback (most recent call last):
    ...
    convscope.errors.SettingError: g: weights must be >= 0 (g[1] is -1)
    """
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise SettingError(name, "must be a 1-D list of numbers") from None
    if w.ndim != 1 or w.size == 0:
        raise SettingError(name, f"must be a non-empty 1-D list of numbers (got shape {w.shape})")
    if not np.isfinite(w).all():
        raise SettingError(name, f"weights must be finite numbers ({name}[{_first(~np.isfinite(w))}] is not)")
    if (w < 0).any():
        k = _first(w < 0)
        raise SettingError(name, f"weights must be >= 0 ({name}[{k}] is {w[k]:g})")
    total = w.sum()
    if total <= 0:
        raise SettingError(name, "needs at least one weight > 0 (all are zero)")
    normalised: Array = w / total
    return normalised


def preset(name: str, field: str = "preset") -> Array:
    """The renormalised weights of a preset from `DISTRIBUTIONS`.

    Examples
    --------
    >>> preset("two_point").tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    if name not in _BY_NAME:
        raise SettingError(field, f"unknown preset {name!r}; choose one of {', '.join(_BY_NAME)}")
    return distribution(_BY_NAME[name].weights, field)


def drop_balls(f: Any, g: Any, n: int, rng: np.random.Generator) -> Counts:
    """Drop ``n`` balls twice: how many end at each total distance a + b.

    Parameters
    ----------
    f : (M,) array_like
        Weights of the first drop's distance 0..M-1 (renormalised; checked like `distribution`).
    g : (N,) array_like
        Weights of the second drop's distance 0..N-1.
    n : int
        Number of balls, >= 0.
    rng : np.random.Generator
        The source of randomness: the same seed gives the same counts.

    Returns
    -------
    (M + N - 1,) ndarray of int64
        ``counts[c]`` balls ended c steps away; they sum to ``n``, and ``counts / n`` tends to
        ``convolve(f, g)``.

    Examples
    --------
    >>> counts = drop_balls([1, 1], [1, 1], 1000, np.random.default_rng(0))
    >>> counts.shape, int(counts.sum())
    ((3,), 1000)
    >>> bool(np.array_equal(counts, drop_balls([1, 1], [1, 1], 1000, np.random.default_rng(0))))
    True
    """
    p, q = distribution(f, "f"), distribution(g, "g")
    n = check_int(n, "n", minimum=0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    first = rng.choice(p.size, size=n, p=p)  # (n,) distance of each ball's first drop
    second = rng.choice(q.size, size=n, p=q)  # (n,) and of its second
    return np.bincount(first + second, minlength=p.size + q.size - 1).astype(np.int64)


def total_variation(p: Any, q: Any) -> float:
    """Total-variation distance between two distributions of the same length: half the L1 distance.

    The largest difference in probability the two give any set of outcomes: 0 for equal, 1 for disjoint.

    Examples
    --------
    >>> total_variation([0.5, 0.5, 0.0], [0.25, 0.5, 0.25])
    0.25
    """
    a, b = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"p and q must have the same shape, got {a.shape} and {b.shape}")
    return float(0.5 * np.abs(a - b).sum())


def _first(mask: npt.NDArray[np.bool_]) -> int:
    """Index of the first True."""
    return int(np.flatnonzero(mask)[0])
