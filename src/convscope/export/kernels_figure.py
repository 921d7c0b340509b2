"""The Image kernels page as a figure for slides: the picture and its result side by side, the legend, the
settings.

Drawn with Pillow from `convscope.lessons.image_kernels.result_record`, the very computation the page's
result comes from, so the figure's pixels are the page's pixels (each shown as ``scale`` x ``scale``
pixels, nearest neighbour: a slide is sharp, not blurred) and its legend is the page's legend.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from convscope.export.canvas import font, label
from convscope.export.legend import paragraph
from convscope.export.palette import BACKGROUND, TEXT
from convscope.lessons.image_kernels import Filtering, KernelResult, ScaleRecord, result_record

MARGIN, GAP, TITLE, BAR_W, BAR_H = 16, 16, 22, 240, 14  # at 1x
VIEW_TITLES = {"result": "result", "magnitude": "edge magnitude", "border": "border difference",
               "twice": "first, then second", "once": "once, with the combined kernel",
               "difference": "twice minus once"}


def kernels_figure(image: npt.NDArray[np.uint8], setting: Filtering, caption: str,
                   scale: int = 2) -> tuple[Image.Image, KernelResult]:
    """The input and the filtered picture side by side at ``scale``, the legend and ``caption`` under them.

    Parameters
    ----------
    image : (H, W, 3) uint8, the page's picture
    setting : the page's settings
    caption : the settings in words, written under the legend
    scale : each picture's pixel drawn ``scale`` x ``scale`` (2 for slides)

    Returns
    -------
    figure : the picture, about ``2 * W * scale`` wide
    record : the page's `KernelResult` for these settings (its range, scale and notes)

    Examples
    --------
    >>> photo = np.zeros((20, 30, 3), np.uint8)
    >>> figure, record = kernels_figure(photo, Filtering(np.ones((3, 3))), "a box blur")
    >>> figure.width, record["scale"]["kind"]
    (1024, 'clamped')
    """
    s = scale
    pixels, record = result_record(image, setting)
    height, width = image.shape[:2]
    side = (width * s, height * s)
    total = max(2 * side[0] + (2 * MARGIN + GAP) * s, 512 * s)
    canvas = Image.new("RGB", (total, side[1] + 600 * s), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    x, y = MARGIN * s, MARGIN * s
    label(draw, (x, y), f"input ({width}x{height})", 13 * s)
    right = x + side[0] + GAP * s
    label(draw, (right, y), VIEW_TITLES.get(record["view"], record["view"]), 13 * s)
    top = y + TITLE * s
    canvas.paste(Image.fromarray(image).resize(side, Image.Resampling.NEAREST), (x, top))
    shown = Image.fromarray(pixels).convert("RGB")  # a grey result is (H, W): drawn as the page does
    canvas.paste(shown.resize(side, Image.Resampling.NEAREST), (right, top))
    y = top + side[1] + 12 * s
    y += colour_bar(draw, (x, y), record["scale"], s) + 8 * s
    notes = [f"values {record['minimum']:.4g} … {record['maximum']:.4g}", *record["notes"]]
    y += paragraph(draw, (x, y), "; ".join(notes), total - 2 * MARGIN * s, s) + 4 * s
    y += paragraph(draw, (x, y), caption, total - 2 * MARGIN * s, s, size=13) + 4 * s
    return canvas.crop((0, 0, total, y + MARGIN * s)), record


def colour_bar(draw: ImageDraw.ImageDraw, xy: tuple[int, int], scale: ScaleRecord, s: int) -> int:
    """The result's legend as the page draws it (its stops from ``low`` to ``high``); returns its height."""
    x, y = xy
    stops = np.asarray(scale["stops"], dtype=np.float64)  # (K, 3)
    where = np.linspace(0.0, 1.0, len(stops))
    width = BAR_W * s
    for i in range(width):
        t = i / max(1, width - 1)
        colour = tuple(round(float(np.interp(t, where, stops[:, c]))) for c in range(3))
        draw.line([(x + i, y), (x + i, y + BAR_H * s)], fill=colour)
    draw.rectangle((x, y, x + width - 1, y + BAR_H * s), outline=TEXT, width=1)
    ends = f"{scale['low']:.4g}", f"{scale['high']:.4g}"
    below = y + (BAR_H + 3) * s
    label(draw, (x, below), ends[0], 11 * s)
    draw.text((x + width, below), ends[1], fill=TEXT, font=font(11 * s), anchor="ra")
    clipped = _clipped(scale)
    meaning = {"clamped": "clamped to 0..255", "signed": "signed, 0 in the middle",
               "magnitude": "0 to the largest value"}.get(scale["kind"], scale["kind"])
    label(draw, (x + width + 16 * s, y), meaning + (f"; {clipped}" if clipped else ""), 12 * s)
    return (BAR_H + 20) * s


def _clipped(scale: ScaleRecord) -> str:
    """What the legend cannot show: the share of values beyond its ends."""
    parts = [f"{share:.1%} {where}" for share, where in ((scale["below"], f"below {scale['low']:.4g}"),
                                                         (scale["above"], f"above {scale['high']:.4g}"))
             if share > 0]
    return (", ".join(parts) + " (clipped)") if parts else ""
