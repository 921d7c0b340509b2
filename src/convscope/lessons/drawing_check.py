"""Is a drawing like the digits the network learnt from? Two checks, and a notice for the page.

1. **Too little ink.** MNIST's digits were written to fill their box; ``to_mnist`` blows any drawing up
   to 20x20, so a dot or a tiny scrawl becomes a thick blob. A drawing whose ink spans less than
   ``SMALL_EXTENT`` of the pad's side (in both directions) is flagged.
2. **Far from the training digits.** After preprocessing, its distance to the nearest of the 8,000
   training digits (``convscope.data.typical``) beyond what 99 in 100 real held-out digits reach.

The guess is still made and shown: the notice says how much to trust it, it does not hide it.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from convscope.data import MnistPreprocessing
from convscope.data.typical import USUAL_PERCENTILE, nearest_training_distance, usual_distance

__all__ = ["SMALL_EXTENT", "DrawingCheck", "check_drawing"]

SMALL_EXTENT = 0.2  # of the pad's side: a real digit drawn on the pad spans well over half of it


class DrawingCheck(TypedDict):
    """How a drawing compares with the digits the network learnt from."""

    extent: float
    """The ink's larger side over the drawing's side (a bundled 28x28 digit: about 0.7)."""
    distance: float
    """Distance from the preprocessed 28x28 image to the nearest training digit (pixels in [0, 1])."""
    usual_distance: float
    """The held-out digits' 99th percentile of that distance: beyond it, unusual."""
    warning: str | None
    """What is unusual and what to do about it; null when the drawing looks like a digit."""


def check_drawing(stages: MnistPreprocessing) -> DrawingCheck | None:
    """The checks for a preprocessed drawing; None for a blank one (it gets no guess at all).

    Examples
    --------
    >>> import numpy as np
    >>> from convscope.data import to_mnist
    >>> dot = np.zeros((140, 140)); dot[70:76, 70:76] = 1
    >>> check = check_drawing(to_mnist(dot))
    >>> round(check["extent"], 2), check["warning"].split(":")[0]
    (0.04, 'Too little ink')
    """
    if stages.empty or stages.box is None:
        return None
    top, bottom, left, right = stages.box
    extent = max((bottom - top) / stages.drawing.shape[0], (right - left) / stages.drawing.shape[1])
    distance = float(nearest_training_distance(stages.centred))
    usual = usual_distance()
    return {"extent": extent, "distance": distance, "usual_distance": usual,
            "warning": _warning(extent, distance, usual)}


def _warning(extent: float, distance: float, usual: float) -> str | None:
    """The notice for the first check that fails, or None."""
    if extent < SMALL_EXTENT:
        return (f"Too little ink: the drawing spans only {extent:.0%} of the pad. The network learnt from "
                "digits that fill their box, so this one was blown up and its strokes are unusually thick. "
                "Draw the digit larger; the guess below may mean little.")
    if distance > usual:
        return (f"Unlike the digits the network learnt from: after preprocessing it is {distance:.1f} from "
                f"the nearest of the 8,000 training digits, where {USUAL_PERCENTILE:.0f}% of real held-out "
                f"digits are within {usual:.1f}. Read the guess below with care.")
    return None
