"""The signals page's one-click demonstrations: convolution is commutative and associative.

Each law is computed both ways on the flip-and-slide grid and returned side by side with the largest
difference between the two sides, so the page can print "equal to 2e-16" instead of asserting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.lessons.signals import GRID_START, GRID_STEP, grid, on_grid
from convscope.signal import convolve

Array = npt.NDArray[np.float64]


class LawCheck(TypedDict):
    """Both sides of one law, sampled at the same t, and how far apart they are."""

    law: str
    """The law in words with its formula, e.g. "f * g = g * f"."""
    t: list[float]
    """Where both sides are sampled."""
    left: list[float]
    """The left-hand side, e.g. f * g."""
    right: list[float]
    """The right-hand side, e.g. g * f."""
    max_difference: float
    """The largest |left - right|: rounding error only (about 1e-16 of the peak)."""
    peak: float
    """The largest |left|, to read max_difference against."""


class LawsLesson(TypedDict):
    """Commutativity with f and g, associativity with f, g and h."""

    commutative: LawCheck
    associative: LawCheck


@dataclass(frozen=True, eq=False)
class Laws:
    """Three signals by name (`convscope.signal.WAVEFORMS`) or drawn on the grid, (GRID_POINTS,) each."""

    f: str | Array
    g: str | Array
    h: str | Array = "box"


def _conv(a: Array, b: Array) -> Array:
    """The Riemann sum of a * b on the grid: ``np.convolve(a, b) * GRID_STEP``."""
    out: Array = convolve(a, b).astype(np.float64, copy=False) * GRID_STEP
    return out


def _check(law: str, start: float, left: Array, right: Array) -> LawCheck:
    """One law's record; both sides start at ``start`` and are GRID_STEP apart."""
    t = start + GRID_STEP * np.arange(left.size)
    return {"law": law, "t": t.tolist(), "left": left.tolist(), "right": right.tolist(),
            "max_difference": float(np.abs(left - right).max()), "peak": float(np.abs(left).max())}


def laws_lesson(setting: Laws) -> LawsLesson:
    """f * g next to g * f, and (f * g) * h next to f * (g * h), with their largest differences.

    Examples
    --------
    >>> lesson = laws_lesson(Laws("decay", "box", "gaussian"))
    >>> lesson["commutative"]["law"], lesson["commutative"]["max_difference"] < 1e-12
    ('f * g = g * f', True)
    >>> len(lesson["associative"]["t"]), lesson["associative"]["max_difference"] < 1e-12
    (361, True)
    """
    tau = grid()
    f, g, h = (on_grid(s, name, tau) for s, name in ((setting.f, "f"), (setting.g, "g"), (setting.h, "h")))
    # Sums of two grid points start at 2 GRID_START, of three at 3 GRID_START.
    return {
        "commutative": _check("f * g = g * f", 2 * GRID_START, _conv(f, g), _conv(g, f)),
        "associative": _check("(f * g) * h = f * (g * h)", 3 * GRID_START,
                              _conv(_conv(f, g), h), _conv(f, _conv(g, h))),
    }
