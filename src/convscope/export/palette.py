"""The page's colours in Python: the same stops and rules as ``static/js/draw/colors.js`` and config.js.

An exported figure must look like the page it came from, so a value gets the same colour in both. The
stops are copied here (the JS module draws the page; Python cannot import it) and
``tests/export/test_palette.py`` reads colors.js and holds the two equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Rgb = tuple[int, int, int]

# Blue, white, red (ColorBrewer RdBu ends): zero is white, sign is hue, size is saturation.
DIVERGING: tuple[Rgb, ...] = (
    (33, 102, 172), (146, 197, 222), (247, 247, 247), (244, 165, 130), (178, 24, 43),
)
# Paper to ink: 0 is white, 1 is near black, like a pencil drawing.
GREYS: tuple[Rgb, ...] = ((255, 255, 255), (20, 20, 20))

# config.js's COLORS, as RGB.
WINDOW: Rgb = (232, 89, 12)
PADDING: Rgb = (246, 231, 200)
PADDING_HATCH: Rgb = (184, 146, 74)
NOT_YET: Rgb = (223, 227, 232)
TEXT: Rgb = (61, 61, 61)
DARK_TEXT: Rgb = (17, 17, 17)
LIGHT_TEXT: Rgb = (255, 255, 255)
CELL_LINES: Rgb = (224, 224, 224)  # rgba(0, 0, 0, 0.12) over white
BACKGROUND: Rgb = (255, 255, 255)
DROPPED: Rgb = (200, 30, 30)  # a cell no window reaches


def interpolate(stops: tuple[Rgb, ...], t: float) -> Rgb:
    """Linear interpolation through evenly spaced stops, ``t`` clamped to [0, 1] (as colors.js rounds).

    Examples
    --------
    >>> interpolate(GREYS, 0.5)
    (138, 138, 138)
    """
    x = min(1.0, max(0.0, t if math.isfinite(t) else 0.0)) * (len(stops) - 1)
    i = min(len(stops) - 2, math.floor(x))
    f = x - i
    # JavaScript's Math.round rounds halves up; Python's round() would round them to even.
    r, g, b = (math.floor(a + (z - a) * f + 0.5) for a, z in zip(stops[i], stops[i + 1], strict=True))
    return (r, g, b)


def text_on(rgb: Rgb) -> Rgb:
    """Black or white text, whichever reads better on ``rgb``."""
    r, g, b = rgb
    return DARK_TEXT if 0.299 * r + 0.587 * g + 0.114 * b > 140 else LIGHT_TEXT


@dataclass(frozen=True)
class Scale:
    """A colour scale: ``rgb(v)`` for a value; ``min``/``max`` are the legend's ends."""

    kind: Literal["sequential", "diverging"]
    min: float
    max: float
    stops: tuple[Rgb, ...]

    def rgb(self, value: float) -> Rgb:
        """The colour of ``value``."""
        return interpolate(self.stops, (value - self.min) / (self.max - self.min))


INPUT_SCALE = Scale("sequential", 0.0, 1.0, GREYS)


def output_scale(lo: float, hi: float, diverging_advised: bool) -> Scale:
    """The page's scale for output values in [lo, hi] (colors.js ``outputScale``).

    Diverging and symmetric about zero when the kernel is signed or a value is negative; otherwise the
    input's greys from min(0, lo) to hi, so a blurred digit looks like a blurred digit.

    Examples
    --------
    >>> output_scale(-2.0, 1.0, False).min, output_scale(0.5, 3.0, False).kind
    (-2.0, 'sequential')
    """
    if diverging_advised or lo < 0:
        m = max(abs(lo), abs(hi)) or 1.0
        return Scale("diverging", -m, m, DIVERGING)
    low = min(0.0, lo)
    span = (hi - low) or 1.0
    return Scale("sequential", low, low + span, GREYS)


def kernel_scale(weights: list[list[float]]) -> Scale:
    """The kernel grid's scale: diverging about zero, its ends the largest weight's size."""
    m = max((abs(v) for row in weights for v in row), default=1.0) or 1.0
    return Scale("diverging", -m, m, DIVERGING)


def format_value(v: float) -> str:
    """Numbers short enough for a cell, as colors.js ``formatValue`` writes them.

    Examples
    --------
    >>> format_value(0.25), format_value(12.345), format_value(-0.001), format_value(150.0)
    ('0.25', '12.3', '0', '150')
    """
    if v == 0:
        return "0"
    size = abs(v)
    text = f"{v:.0f}" if size >= 100 else f"{v:.1f}" if size >= 10 else f"{v:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
