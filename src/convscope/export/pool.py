"""Max pooling's windows animated: each window over the digit, its winner, and the output filling in.

The windows are the engine's (`convscope.ops.pool_windows`, one `geometry.Window`), the numbers and the
winners ``max_pool2d(..., return_indices=True)``'s, so the animation shows what the op computes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from convscope.export.animation import AnimationPlan, Format, plan_animation, write_animation
from convscope.export.canvas import GridBox, fill_cells, grid_lines, label, outline
from convscope.export.palette import BACKGROUND, INPUT_SCALE, NOT_YET, PADDING, WINDOW, Rgb, output_scale
from convscope.ops.pool import max_pool2d
from convscope.ops.pool_windows import pool_windows

ACCENT: Rgb = (11, 95, 255)  # config.js COLORS.accent: the window's winner
CELL, MARGIN, TITLE, GAP = 14, 16, 22, 40


def pool_frames(image: npt.ArrayLike, kernel_size: int = 2, stride: int | None = None, padding: int = 0,
                frames: int = 120) -> tuple[list[Image.Image], str]:
    """The frames of max pooling ``image`` (H, W) and a note on how they were subsampled.

    Examples
    --------
    >>> pictures, note = pool_frames(np.arange(16.0).reshape(4, 4), 2)
    >>> len(pictures), note
    (5, 'every window: 4 windows, 5 frames')
    """
    painter, plan = pool_painter(image, kernel_size, stride, padding, frames)
    return [painter.frame(step) for step in plan.steps], plan.note


def pool_painter(image: npt.ArrayLike, kernel_size: int = 2, stride: int | None = None, padding: int = 0,
                 frames: int = 120, fps: float = 5.0) -> tuple[PoolPainter, AnimationPlan]:
    """What draws max pooling's frames of ``image`` (H, W), and which steps to draw: one frame at a time.

    A long animation is then written without holding every frame (300 frames of a 32x32 map: ~450 MB).

    Examples
    --------
    >>> painter, plan = pool_painter(np.arange(16.0).reshape(4, 4), 2, frames=3)
    >>> plan.steps, painter.frame(plan.steps[-1]).size
    ((0, 2, 4), (420, 134))
    """
    x = np.asarray(image, dtype=np.float64)[None, None]  # (1, 1, H, W)
    win = pool_windows(x, kernel_size, stride, padding)
    out, winners = max_pool2d(x, kernel_size, stride, padding, return_indices=True)  # (1, 1, oH, oW)
    oh, ow = win.output_size
    return PoolPainter(x[0, 0], out[0, 0], winners[0, 0], win), plan_animation(oh * ow, frames, fps)


class PoolPainter:
    """What every frame shares, drawn once: the padded input, the output empty and the output complete.

    A frame is the empty picture with the first ``step`` output cells pasted from the complete one, then
    the current window outlined and its sentence written: a long animation costs a few pastes a frame
    instead of redrawing every cell.
    """

    def __init__(self, x: npt.NDArray[np.float64], out: npt.NDArray[np.float64],
                 winners: npt.NDArray[np.int64], win: object) -> None:
        height, width = win.axes  # type: ignore[attr-defined]
        (ph, _), (pw, _) = height.padding, width.padding
        h, w = x.shape
        oh, ow = out.shape
        self.x, self.out, self.winners, self.axes, self.pad = x, out, winners, (height, width), (ph, pw)
        self.inp = GridBox(MARGIN, MARGIN + TITLE, h + 2 * ph, w + 2 * pw, CELL)
        inp = self.inp
        cell = max(CELL, min(40, inp.height // max(oh, ow)))
        self.res = GridBox(inp.x + inp.width + GAP, inp.y, oh, ow, cell)
        self.bottom = inp.y + max(inp.height, self.res.height)
        size = (max(self.res.x + self.res.width + MARGIN, 420), self.bottom + 40)
        scale = output_scale(float(out.min()), float(out.max()), False)
        colours = [[scale.rgb(v) for v in row] for row in out.tolist()]  # each value's colour, once

        def input_colour(r: int, c: int) -> Rgb:
            inside = ph <= r < ph + h and pw <= c < pw + w
            return INPUT_SCALE.rgb(x[r - ph, c - pw]) if inside else PADDING

        self.empty = Image.new("RGB", size, BACKGROUND)
        draw = ImageDraw.Draw(self.empty)
        fill_cells(draw, inp, input_colour)
        fill_cells(draw, self.res, lambda r, c: NOT_YET)
        grid_lines(draw, inp)
        grid_lines(draw, self.res)
        label(draw, (inp.x, MARGIN), f"input, padded {inp.rows}x{inp.cols}", 13)
        label(draw, (self.res.x, MARGIN), f"max pool {oh}x{ow}", 13)
        self.full = self.empty.copy()
        draw = ImageDraw.Draw(self.full)
        fill_cells(draw, self.res, lambda r, c: colours[r][c])
        grid_lines(draw, self.res)

    def frame(self, step: int) -> Image.Image:
        """After ``step`` windows: the output so far, the current window and its winner outlined."""
        image = self.empty.copy()
        res, (oh, ow), (ph, pw) = self.res, self.out.shape, self.pad
        rows, rest = divmod(step, ow)
        for r0, r1, c1 in ((0, rows, ow), (rows, rows + 1 if rest else rows, rest)):  # full rows, then part
            if r1 > r0 and c1 > 0:
                box = (res.x, res.y + r0 * res.cell, res.x + c1 * res.cell, res.y + r1 * res.cell)
                image.paste(self.full.crop(box), box[:2])
        draw = ImageDraw.Draw(image)
        if step > 0:
            r, c = divmod(step - 1, ow)
            height, width = self.axes
            taps_r, taps_c = height.taps()[r] + ph, width.taps()[c] + pw  # padded rows and columns
            outline(draw, self.inp, [(int(a), int(b)) for a in taps_r for b in taps_c], WINDOW, 2)
            wr, wc = divmod(int(self.winners[r, c]), self.x.shape[1])
            outline(draw, self.inp, [(wr + ph, wc + pw)], ACCENT, 2)
            outline(draw, res, [(r, c)], WINDOW, 2)
            text = f"window {step} of {oh * ow}: max = {self.out[r, c]:.3g} at input ({wr}, {wc})"
        else:
            text = f"0 of {oh * ow} windows"
        label(draw, (self.inp.x, self.bottom + 10), text, 13)
        return image


def render_pool(image: npt.ArrayLike, out: Path | BinaryIO, fmt: Format, kernel_size: int = 2,
                stride: int | None = None, padding: int = 0, fps: float = 5.0, frames: int = 120) -> str:
    """Write max pooling's windows over ``image`` as a GIF or APNG; returns the subsampling note."""
    pictures, note = pool_frames(image, kernel_size, stride, padding, frames)

    def each() -> Iterator[Image.Image]:
        yield from pictures

    write_animation(each(), out, fmt, fps)
    return note
