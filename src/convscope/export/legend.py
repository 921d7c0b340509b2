"""The figure's legend and caption, drawn under the grids: colour bars, swatches and wrapped text."""

from __future__ import annotations

import textwrap

from PIL import ImageDraw

from convscope.export.canvas import font, label, plain
from convscope.export.palette import PADDING, TEXT, WINDOW, Rgb, Scale, format_value

BAR_W, BAR_H = 180, 12  # one colour bar at 1x


def colour_bar(draw: ImageDraw.ImageDraw, xy: tuple[int, int], scale: Scale, caption: str, s: int) -> int:
    """A horizontal bar through ``scale`` with its ends labelled and a caption above; returns its height."""
    x, y = xy
    label(draw, (x, y), caption, 12 * s)
    top = y + 18 * s
    width = BAR_W * s
    for i in range(width):
        value = scale.min + (scale.max - scale.min) * i / max(1, width - 1)
        draw.line([(x + i, top), (x + i, top + BAR_H * s)], fill=scale.rgb(value))
    draw.rectangle((x, top, x + width - 1, top + BAR_H * s), outline=TEXT, width=1)
    label(draw, (x, top + (BAR_H + 3) * s), format_value(scale.min), 11 * s)
    end = format_value(scale.max)
    draw.text((x + width, top + (BAR_H + 3) * s), end, fill=TEXT, font=font(11 * s), anchor="ra")
    return (18 + BAR_H + 18) * s


def swatches(draw: ImageDraw.ImageDraw, xy: tuple[int, int], items: list[tuple[Rgb, str]], s: int) -> int:
    """Small coloured squares, each followed by its meaning; returns their height."""
    x, y = xy
    for colour, text in items:
        draw.rectangle((x, y, x + 12 * s, y + 12 * s), fill=colour, outline=TEXT)
        label(draw, (x + 18 * s, y - s), text, 12 * s)
        x += (18 + 8 * len(text) // 1 + 16) * s
    return 18 * s


def paragraph(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, width: int, s: int,
              size: int = 12) -> int:
    """``text`` wrapped to ``width`` pixels; returns the height it took."""
    face = font(size * s)
    per_line = max(20, int(width / max(1.0, face.getlength("x" * 10) / 10)))
    lines = textwrap.wrap(plain(text), per_line)
    for i, line in enumerate(lines):
        draw.text((xy[0], xy[1] + i * (size + 5) * s), line, fill=TEXT, font=face, anchor="la")
    return len(lines) * (size + 5) * s


INPUT_SWATCHES: list[tuple[Rgb, str]] = [(PADDING, "padding (zeros)"), (WINDOW, "window")]
