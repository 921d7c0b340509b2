"""The Matrix & FFT page's convolution by FFT exported: a 2x figure of its bar charts, as the page draws them.

From `convscope.lessons.spectra.fft_lesson`, the record the page draws: f and g, their magnitude spectra
and the pointwise product (the phases too when the page shows them), and the product's inverse DFT beside
the direct convolution. Without zero padding the cells the tail wrapped onto are tinted, as on the page,
and the caption spells out how wrong they are.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from convscope.export.canvas import label
from convscope.export.legend import paragraph, swatches
from convscope.export.palette import BACKGROUND, CELL_LINES, TEXT, format_value, output_scale
from convscope.lessons.spectra import FftLesson, FftSetting

FIGURE_SCALE = 2
MARGIN, GAP, CHART_W, CHART_H = 16, 24, 300, 90  # at 1x
WRAP_TINT = (250, 214, 214)  # behind the wrapped cells


def describe_fft(setting: FftSetting) -> str:
    """One line for a caption: the numbers and the padding.

    Examples
    --------
    >>> describe_fft(FftSetting((1.0, 2.0, 3.0, 4.0), (1.0, 1.0), zero_pad=False))
    'f = [1, 2, 3, 4] (n 4) · g = [1, 1] (k 2) · no zero padding: DFT length n (circular)'
    """
    f, g = (", ".join(format_value(v) for v in values) for values in (setting.signal, setting.kernel))
    pad = "zero-padded to n + k - 1" if setting.zero_pad else "no zero padding: DFT length n (circular)"
    return f"f = [{f}] (n {len(setting.signal)}) · g = [{g}] (k {len(setting.kernel)}) · {pad}"


def verdict(lesson: FftLesson) -> str:
    """The page's verdict: equal up to rounding, or which cells the wrapped tail made wrong.

    Examples
    --------
    >>> from convscope.lessons.spectra import fft_lesson
    >>> verdict(fft_lesson(FftSetting((1.0, 2.0, 3.0, 4.0), (1.0, 1.0), zero_pad=False)))[:27]
    'Wrong in the first 1 cells:'
    """
    k, n = len(lesson["kernel"]), lesson["length"]
    if lesson["zero_pad"] or lesson["max_difference"] <= 1e-9:
        return (f"The inverse equals the direct convolution (largest difference "
                f"{lesson['max_difference']:.1e}: rounding).")
    cells = "; ".join(f"cell {i}: {format_value(lesson['inverse'][i])} instead of "
                      f"{format_value(lesson['direct'][i])}" for i in range(k - 1))
    return (f"Wrong in the first {k - 1} cells: the direct result's last {k - 1} values (past n = {n}) "
            f"wrapped round and were added there. {cells}.")


def _bars(draw: ImageDraw.ImageDraw, xy: tuple[int, int], title: str, values: list[float], s: int,
          fixed: tuple[float, float] | None = None, tinted: int = 0) -> None:
    """One titled bar chart, a bar per value from the zero line, coloured by the page's scale."""
    x, y = xy
    label(draw, (x, y), title, 12 * s)
    top, w, h = y + 18 * s, CHART_W * s, CHART_H * s
    lo, hi = fixed or (min(0.0, *values), max(0.0, *values))
    span = (hi - lo) or 1.0
    scale = output_scale(lo, hi, lo < 0)
    step = w / len(values)
    if tinted:
        draw.rectangle((x, top, x + round(step * tinted) - 1, top + h), fill=WRAP_TINT)
    zero = top + h - round((0.0 - lo) / span * h)
    for i, v in enumerate(values):
        edge = top + h - round((v - lo) / span * h)
        x0 = x + round(i * step + step * 0.1)
        x1 = max(x0 + 1, x + round((i + 1) * step - step * 0.1))
        draw.rectangle((x0, min(edge, zero), x1 - 1, max(edge, zero)), fill=scale.rgb(v), outline=TEXT)
    draw.line([(x, zero), (x + w, zero)], fill=TEXT)
    draw.rectangle((x, top, x + w, top + h), outline=CELL_LINES)
    ends = f"{len(values)} values, {format_value(lo)} .. {format_value(hi)}"
    label(draw, (x, top + h + 3 * s), ends, 11 * s)


def fft_figure(lesson: FftLesson, caption: str, phase: bool = False,
               scale: int = FIGURE_SCALE) -> Image.Image:
    """The page's charts, three to a row, with the wrapped cells tinted; the verdict, legend and ``caption``.

    Examples
    --------
    >>> from convscope.lessons.spectra import fft_lesson
    >>> setting = FftSetting()
    >>> fft_figure(fft_lesson(setting), describe_fft(setting)).size[0] >= 1280
    True
    """
    s, le = scale, lesson
    wrapped = sum(le["wrapped"])
    both = le["inverse"] + le["direct"]
    ends = (min(0.0, *both), max(0.0, *both))
    rows: list[list[tuple[str, list[float], tuple[float, float] | None, int]]] = [
        [("signal f", le["signal"], None, 0), ("kernel g", le["kernel"], None, 0)],
        [("|DFT(f)|, magnitude", le["signal_magnitude"], None, 0),
         ("|DFT(g)|", le["kernel_magnitude"], None, 0),
         ("|DFT(f) · DFT(g)|, pointwise", le["product_magnitude"], None, 0)]]
    if phase:
        turn = (-math.pi, math.pi)
        rows.append([("phase of DFT(f), -pi..pi", le["signal_phase"], turn, 0),
                     ("phase of DFT(g)", le["kernel_phase"], turn, 0),
                     ("phase of the product: the sum", le["product_phase"], turn, 0)])
    rows.append([("inverse DFT of the product", le["inverse"], ends, wrapped),
                 ("direct f * g: the right answer", le["direct"], ends, 0)])
    width = (2 * MARGIN + 3 * CHART_W + 2 * GAP) * s
    image = Image.new("RGB", (width, (len(rows) * (CHART_H + 60) + 600) * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    y = MARGIN * s
    for row in rows:
        for i, (title, values, fixed, tinted) in enumerate(row):
            _bars(draw, (MARGIN * s + i * (CHART_W + GAP) * s, y), title, values, s, fixed, tinted)
        y += (CHART_H + 44) * s
    text_width = width - 2 * MARGIN * s
    y += paragraph(draw, (MARGIN * s, y), verdict(le), text_width, s, size=13) + 6 * s
    length = f"L = {le['length']}" + (" = n + k - 1 (zero-padded)" if le["zero_pad"] else " = n (no padding)")
    y += paragraph(draw, (MARGIN * s, y), f"{length}; {len(le['frequencies'])} frequencies, 0 to "
                   f"{format_value(le['frequencies'][-1])} cycles per sample.", text_width, s) + 6 * s
    if wrapped:
        tint = [(WRAP_TINT, "cells the wrapped-around tail lands on")]
        y += swatches(draw, (MARGIN * s, y), tint, s) + 6 * s
    y += paragraph(draw, (MARGIN * s, y), caption, text_width, s, size=13) + 4 * s
    y += paragraph(draw, (MARGIN * s, y), "True convolution (the kernel flipped), as the convolution theorem "
                   "states it: DFT(f * g) = DFT(f) · DFT(g). Bars as on the page: "
                   "paper to ink for a chart without negatives, blue below zero and red above otherwise.",
                   text_width, s) + MARGIN * s
    return image.crop((0, 0, width, y))
