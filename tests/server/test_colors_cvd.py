"""The page's colour scales stay readable under protanopia and deuteranopia (about 1 man in 16).

The scales are read from the page's own files (``static/js/draw/colors.js``: every ``Rgb[]`` stop list;
``static/js/config.js``: the named colours drawn side by side), so a changed colour is checked as it
ships. Each colour is simulated with the Machado, Oliveira and Fernandes (2009) matrices at severity 1
(applied in linear RGB) and compared in CIELAB (CIE76 distance, about 2.3 = just noticeable):

- a diverging scale keeps its order: lightness rises from each end to the middle, and a value and its
  negative stay apart (the sign must not depend on telling red from green);
- a sequential scale's lightness is monotonic, so order reads without hue;
- every scale's ends and middle are far apart, as are the colours the page draws next to each other.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

STATIC = Path(__file__).resolve().parents[2] / "src" / "convscope" / "server" / "static" / "js"

# Machado et al. 2009, Table 1, severity 1.0: linear RGB -> linear RGB as a dichromat sees it.
CVD = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
FAR = 20.0  # CIE76 distance between a scale's ends and middle, and between colours drawn side by side
APART = 15.0  # between a value and its negative, from a quarter of the range out
SIDE_BY_SIDE = [("accent", "window"), ("window", "hover"), ("accent", "hover")]  # curves; window and probe


def stop_lists() -> dict[str, np.ndarray]:
    """Every ``const NAME = /** @type {Rgb[]} */ ([[r, g, b], ...])`` in colors.js, as (n, 3) arrays."""
    text = (STATIC / "draw" / "colors.js").read_text()
    found = re.findall(r"const (\w+) = /\*\* @type \{Rgb\[\]\} \*/ \((\[\[.*?\]\])\);", text)
    return {name: np.array(eval(stops), dtype=float) for name, stops in found}  # literal lists of ints


def named_colours() -> dict[str, np.ndarray]:
    """The ``name: "#rrggbb"`` colours of config.js's COLORS."""
    text = (STATIC / "config.js").read_text()
    return {name: np.array([int(hex_[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)
            for name, hex_ in re.findall(r'(\w+): "#([0-9a-fA-F]{6})"', text)}


def lab(rgb: np.ndarray, vision: str) -> np.ndarray:
    """sRGB (..., 3) in 0..255 -> CIELAB (..., 3) as seen with ``vision``."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ CVD[vision].T, 0, 1)
    to_xyz = np.array([[0.4124564, 0.3575761, 0.1804375],
                       [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
    xyz = seen @ to_xyz.T / np.array([0.95047, 1.0, 1.08883])  # D65 white
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def sampled(stops: np.ndarray, n: int = 41) -> np.ndarray:
    """The scale at n evenly spaced points, interpolated between stops as colors.js's interpolate does."""
    x = np.linspace(0, len(stops) - 1, n)
    return np.stack([np.interp(x, np.arange(len(stops)), stops[:, k]) for k in range(3)], -1)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b))


def test_the_scales_are_found() -> None:
    assert {"DIVERGING", "GREYS"} <= set(stop_lists())
    assert {"accent", "window", "hover"} <= set(named_colours())


@pytest.mark.parametrize("vision", list(CVD))
def test_the_diverging_scale_keeps_order_and_sign(vision: str) -> None:
    colours = lab(sampled(stop_lists()["DIVERGING"]), vision)  # (41, 3): -m .. 0 .. +m
    lightness, middle = colours[:, 0], len(colours) // 2
    assert np.all(np.diff(lightness[: middle + 1]) > 0), "lightness must rise from the negative end to 0"
    assert np.all(np.diff(lightness[middle:]) < 0), "lightness must fall from 0 to the positive end"
    ends = colours[0], colours[-1]
    assert min(distance(ends[0], colours[middle]), distance(ends[1], colours[middle])) >= FAR
    assert distance(*ends) >= FAR
    for k in range(1, middle // 2 + 1):  # -v and +v for v from the ends in to a quarter of the range
        assert distance(colours[k - 1], colours[-k]) >= APART, f"±{1 - (k - 1) / middle:.2f} of the range"


@pytest.mark.parametrize("vision", list(CVD))
def test_the_sequential_scale_orders_by_lightness(vision: str) -> None:
    colours = lab(sampled(stop_lists()["GREYS"]), vision)
    assert np.all(np.diff(colours[:, 0]) < 0), "paper to ink must darken all the way"
    assert distance(colours[0], colours[-1]) >= FAR
    assert distance(colours[0], colours[len(colours) // 2]) >= FAR


@pytest.mark.parametrize("vision", list(CVD))
@pytest.mark.parametrize(("first", "second"), SIDE_BY_SIDE)
def test_colours_drawn_side_by_side_stay_apart(vision: str, first: str, second: str) -> None:
    colours = named_colours()
    assert distance(lab(colours[first], vision), lab(colours[second], vision)) >= FAR
