"""The Matrix & FFT page's transposed convolution exported: a figure of its numbers and the scatter animated.

Both come from `convscope.lessons.transposed.transposed_lesson`, the record the page draws: the figure shows
x, the kernel, the output every reading agrees on and the overlap counts; the animation is
`convscope.export.transposed`'s scatter, each input painting its scaled kernel copy, subsampled evenly
when fewer frames are asked for than there are inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageDraw

from convscope.export.animation import Format, plan_animation, write_animation
from convscope.export.canvas import GridBox, cell_values, fill_cells, grid_lines, label
from convscope.export.legend import colour_bar, paragraph
from convscope.export.pages_palette import on_one_palette
from convscope.export.palette import BACKGROUND, GREYS, Scale, kernel_scale, output_scale
from convscope.export.transposed import transposed_frames
from convscope.lessons.transposed import TransposedLesson, TransposedSetting

FIGURE_SCALE = 2
CELL, MARGIN, GAP = 34, 16, 28  # at 1x


def describe_transposed(setting: TransposedSetting) -> str:
    """One line for a caption, in PyTorch's argument names.

    Examples
    --------
    >>> describe_transposed(TransposedSetting())
    'x 3x3 (1..9) · kernel 3x3 (1..9) · stride 2 · padding 0 · output_padding 0 · dilation 1'
    """
    n, k = setting.input_size, setting.kernel_size
    return (f"x {n}x{n} (1..{n * n}) · kernel {k}x{k} (1..{k * k}) · stride {setting.stride} · "
            f"padding {setting.padding} · output_padding {setting.output_padding} · "
            f"dilation {setting.dilation}")


def transposed_figure(lesson: TransposedLesson, caption: str, scale: int = FIGURE_SCALE) -> Image.Image:
    """x, the kernel, the output and the overlap counts, each value in its cell; legends and ``caption``.

    Examples
    --------
    >>> from convscope.lessons.transposed import transposed_lesson
    >>> setting = TransposedSetting(input_size=2)
    >>> transposed_figure(transposed_lesson(setting), describe_transposed(setting)).size[0] >= 840
    True
    """
    s = scale
    x, kernel, out = lesson["input"], lesson["kernel"], lesson["output"]
    overlap = [[float(v) for v in row] for row in lesson["overlap"]]
    values = np.asarray(out)
    scales = [kernel_scale(x), kernel_scale(kernel),
              output_scale(float(values.min()), float(values.max()), False),
              Scale("sequential", 0.0, float(max(max(row) for row in overlap)), GREYS)]
    titles = [f"input x {len(x)}x{len(x)}", f"kernel {len(kernel)}x{len(kernel)}",
              f"output {len(out)}x{len(out)}", "kernel taps per cell"]
    grids = [x, kernel, out, overlap]
    width = MARGIN * s + sum(len(g[0]) * CELL * s + GAP * s for g in grids) + MARGIN * s
    width = max(width, 840 * s)
    image = Image.new("RGB", (width, (MARGIN + 22 + len(out) * CELL + 400) * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    x0 = MARGIN * s
    for grid, title, sc in zip(grids, titles, scales, strict=True):
        box = GridBox(x0, (MARGIN + 22) * s, len(grid), len(grid[0]), CELL * s)

        def colour(r: int, c: int, g: list[list[float]] = grid, sc: Scale = sc) -> tuple[int, int, int]:
            return sc.rgb(g[r][c])

        fill_cells(draw, box, colour)
        grid_lines(draw, box)
        cell_values(draw, box, grid, colour)
        label(draw, (x0, MARGIN * s), title, 13 * s)
        x0 += box.width + GAP * s
    y = (MARGIN + 22 + len(out) * CELL + 14) * s
    y += colour_bar(draw, (MARGIN * s, y), scales[2], "output value (paper -> ink)", s) + 6 * s
    text_width = width - 2 * MARGIN * s
    y += paragraph(draw, (MARGIN * s, y), caption, text_width, s, size=13) + 4 * s
    y += paragraph(draw, (MARGIN * s, y), f"H_out = {lesson['formula']}.", text_width, s) + 2 * s
    checker = " The kernel size is not a multiple of the stride: the overlap counts make a checkerboard." \
        if lesson["checkerboard"] else ""
    y += paragraph(draw, (MARGIN * s, y), "Each input paints a copy of the kernel scaled by its value, "
                   f"stride {lesson['stride']} apart; overlaps add (M^T x, and zero insertion with the "
                   f"flipped kernel, give the same numbers).{checker}", text_width, s) + MARGIN * s
    return image.crop((0, 0, width, y))


def transposed_animation(lesson: TransposedLesson, out: Path | BinaryIO, fmt: Format, fps: float = 2.0,
                         frames: int = 120) -> str:
    """The scatter as a GIF or APNG, at most ``frames`` frames; returns what it shows.

    Examples
    --------
    >>> import io
    >>> from convscope.lessons.transposed import transposed_lesson
    >>> lesson = transposed_lesson(TransposedSetting(input_size=4))
    >>> transposed_animation(lesson, io.BytesIO(), "gif", frames=5)
    'subsampled: 5 frames show 16 inputs painting (about one frame per 4 inputs)'
    """
    pictures = transposed_frames(lesson["input"], lesson["kernel"], stride=lesson["stride"],
                                 padding=lesson["padding"], output_padding=lesson["output_padding"],
                                 dilation=lesson["dilation"])
    total = len(pictures) - 1  # inputs painted; frame 0 is the empty output
    plan = plan_animation(total, frames, fps)
    shown = [pictures[i] for i in plan.steps]
    write_animation(on_one_palette(shown, [shown[0], shown[-1]], fmt), out, fmt, plan.fps)
    if not plan.subsampled:
        return f"every input: {total} inputs painted, {len(pictures)} frames"
    every = round(total / max(1, len(plan.steps) - 1))
    return (f"subsampled: {len(plan.steps)} frames show {total} inputs painting "
            f"(about one frame per {every} inputs)")
