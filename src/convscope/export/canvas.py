"""Pillow drawing helpers for grids of cells: fills, hatching, lines, outlines and labels.

The Python twin of ``static/js/draw/grid.js`` for exported pictures: pure functions drawing on the
`ImageDraw.ImageDraw` they are given, at the pixel positions a `GridBox` says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from PIL import ImageDraw, ImageFont

from convscope.export.palette import CELL_LINES, TEXT, Rgb, format_value, text_on

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int) -> Font:
    """Pillow's bundled font at ``size`` pixels (no system fonts needed, so figures match everywhere)."""
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class GridBox:
    """Where a grid of ``rows`` x ``cols`` cells of ``cell`` pixels sits, its top-left at (x, y)."""

    x: int
    y: int
    rows: int
    cols: int
    cell: int

    @property
    def width(self) -> int:
        return self.cols * self.cell

    @property
    def height(self) -> int:
        return self.rows * self.cell

    def cell_rect(self, r: int, c: int) -> tuple[int, int, int, int]:
        """The (x0, y0, x1, y1) pixels of cell (r, c), both ends inclusive."""
        x0, y0 = self.x + c * self.cell, self.y + r * self.cell
        return (x0, y0, x0 + self.cell - 1, y0 + self.cell - 1)

    def centre(self, r: int, c: int) -> tuple[int, int]:
        """The pixel at the middle of cell (r, c)."""
        return (self.x + c * self.cell + self.cell // 2, self.y + r * self.cell + self.cell // 2)


def fill_cells(draw: ImageDraw.ImageDraw, box: GridBox, colour: Callable[[int, int], Rgb]) -> None:
    """Fill every cell with ``colour(r, c)``."""
    for r in range(box.rows):
        for c in range(box.cols):
            draw.rectangle(box.cell_rect(r, c), fill=colour(r, c))


def hatch_cell(draw: ImageDraw.ImageDraw, box: GridBox, r: int, c: int, colour: Rgb) -> None:
    """Two diagonal strokes across a padding cell, as the page marks padding."""
    x0, y0, x1, y1 = box.cell_rect(r, c)
    step = max(3, box.cell // 3)
    for offset in range(step, 2 * box.cell, step):
        draw.line([(x0 + max(0, offset - box.cell), y0 + min(offset, box.cell - 1)),
                   (x0 + min(offset, box.cell - 1), y0 + max(0, offset - box.cell))], fill=colour, width=1)
    del x1, y1


def grid_lines(draw: ImageDraw.ImageDraw, box: GridBox, colour: Rgb = CELL_LINES) -> None:
    """Thin lines between cells, when cells are big enough for them to help."""
    if box.cell < 6:
        return
    right, bottom = box.x + box.width - 1, box.y + box.height - 1
    for r in range(1, box.rows):
        draw.line([(box.x, box.y + r * box.cell), (right, box.y + r * box.cell)], fill=colour)
    for c in range(1, box.cols):
        draw.line([(box.x + c * box.cell, box.y), (box.x + c * box.cell, bottom)], fill=colour)


def outline(draw: ImageDraw.ImageDraw, box: GridBox, cells: Iterable[tuple[int, int]], colour: Rgb,
            width: int) -> None:
    """A rectangle around the bounding box of ``cells``."""
    listed = list(cells)
    if not listed:
        return
    r0, r1 = min(r for r, _ in listed), max(r for r, _ in listed)
    c0, c1 = min(c for _, c in listed), max(c for _, c in listed)
    x0, y0, _, _ = box.cell_rect(r0, c0)
    _, _, x1, y1 = box.cell_rect(r1, c1)
    draw.rectangle((x0, y0, x1, y1), outline=colour, width=width)


def cell_values(draw: ImageDraw.ImageDraw, box: GridBox, values: list[list[float]],
                colour: Callable[[int, int], Rgb], shown: Callable[[int, int], bool] | None = None) -> None:
    """Each value written in its cell, in black or white for its background, when it fits legibly."""
    size = box.cell * 2 // 5
    if size < 9:
        return
    face = font(size)
    for r in range(box.rows):
        for c in range(box.cols):
            if shown is None or shown(r, c):
                draw.text(box.centre(r, c), format_value(values[r][c]), fill=text_on(colour(r, c)), font=face,
                          anchor="mm")


# The bundled font has no ×, → or −: the explanations' symbols, written with the letters it has.
_PLAIN = str.maketrans({"×": "x", "→": "->", "−": "-", "…": "..."})


def plain(text: str) -> str:
    """``text`` with the symbols the bundled font lacks replaced by ASCII.

    Examples
    --------
    >>> plain("stride 2 → 1 gives 9×9")
    'stride 2 -> 1 gives 9x9'
    """
    return text.translate(_PLAIN)


def label(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, colour: Rgb = TEXT) -> None:
    """Text with its top-left at ``xy``."""
    draw.text(xy, plain(text), fill=colour, font=font(size), anchor="la")
