"""The exported pictures use the page's colours: the stops here are the ones colors.js and config.js hold."""

from __future__ import annotations

import re
from pathlib import Path

from convscope.export import palette

JS = Path(__file__).resolve().parents[2] / "src" / "convscope" / "server" / "static" / "js"


def _stops(name: str) -> tuple[tuple[int, ...], ...]:
    text = (JS / "draw" / "colors.js").read_text()
    match = re.search(rf"const {name} = /\*\* @type {{Rgb\[\]}} \*/ \((\[.*?\])\);", text)
    assert match, name
    return tuple(tuple(int(v) for v in rgb) for rgb in re.findall(r"\[(\d+), (\d+), (\d+)\]", match[1]))


def _config_hex(name: str) -> tuple[int, int, int]:
    match = re.search(rf'\b{name}: "#([0-9a-f]{{6}})"', (JS / "config.js").read_text())
    assert match, name
    value = int(match[1], 16)
    return (value >> 16, (value >> 8) & 255, value & 255)


def test_the_scales_stops_are_the_pages() -> None:
    assert _stops("DIVERGING") == palette.DIVERGING
    assert _stops("GREYS") == palette.GREYS


def test_the_named_colours_are_the_pages() -> None:
    assert _config_hex("window") == palette.WINDOW
    assert _config_hex("padding") == palette.PADDING
    assert _config_hex("paddingHatch") == palette.PADDING_HATCH
    assert _config_hex("notYet") == palette.NOT_YET


def test_the_output_scale_follows_the_pages_rules() -> None:
    assert palette.output_scale(-1.0, 3.0, False).min == -3.0  # symmetric about zero when signed
    greys = palette.output_scale(0.5, 2.0, False)
    assert (greys.kind, greys.min) == ("sequential", 0.0)
    assert (greys.rgb(0.0), greys.rgb(2.0)) == ((255, 255, 255), (20, 20, 20))
    assert palette.output_scale(0.0, 1.0, True).rgb(0.0) == (247, 247, 247)  # zero is white
    assert palette.interpolate(palette.GREYS, 0.5) == (138, 138, 138)  # halves round up, as Math.round
