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

from convscope.export.animation import Format, plan_animation, write_animation
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
    x = np.asarray(image, dtype=np.float64)[None, None]  # (1, 1, H, W)
    win = pool_windows(x, kernel_size, stride, padding)
    out, winners = max_pool2d(x, kernel_size, stride, padding, return_indices=True)  # (1, 1, oH, oW)
    oh, ow = win.output_size
    plan = plan_animation(oh * ow, frames)
    drawn = [_frame(x[0, 0], out[0, 0], winners[0, 0], win, step) for step in plan.steps]
    return drawn, plan.note


def _frame(x: npt.NDArray[np.float64], out: npt.NDArray[np.float64], winners: npt.NDArray[np.int64],
           win: object, step: int) -> Image.Image:
    """After ``step`` windows: the current window and its winner on the padded input, the output so far."""
    height, width = win.axes  # type: ignore[attr-defined]
    (ph, _), (pw, _) = height.padding, width.padding
    h, w = x.shape
    oh, ow = out.shape
    inp = GridBox(MARGIN, MARGIN + TITLE, h + 2 * ph, w + 2 * pw, CELL)
    res = GridBox(inp.x + inp.width + GAP, inp.y, oh, ow, max(CELL, min(40, inp.height // max(oh, ow))))
    image = Image.new("RGB", (max(res.x + res.width + MARGIN, 420), inp.y + max(inp.height, res.height) + 40),
                      BACKGROUND)
    draw = ImageDraw.Draw(image)
    scale = output_scale(float(out.min()), float(out.max()), False)

    def input_colour(r: int, c: int) -> Rgb:
        inside = ph <= r < ph + h and pw <= c < pw + w
        return INPUT_SCALE.rgb(x[r - ph, c - pw]) if inside else PADDING

    fill_cells(draw, inp, input_colour)
    fill_cells(draw, res, lambda r, c: scale.rgb(out[r, c]) if r * ow + c < step else NOT_YET)
    grid_lines(draw, inp)
    grid_lines(draw, res)
    label(draw, (inp.x, MARGIN), f"input, padded {inp.rows}x{inp.cols}", 13)
    label(draw, (res.x, MARGIN), f"max pool {oh}x{ow}", 13)
    if step > 0:
        r, c = divmod(step - 1, ow)
        rows, cols = height.taps()[r] + ph, width.taps()[c] + pw  # padded rows and columns of the window
        outline(draw, inp, [(int(a), int(b)) for a in rows for b in cols], WINDOW, 2)
        wr, wc = divmod(int(winners[r, c]), w)
        outline(draw, inp, [(wr + ph, wc + pw)], ACCENT, 2)
        outline(draw, res, [(r, c)], WINDOW, 2)
        text = f"window {step} of {oh * ow}: max = {out[r, c]:.3g} at input ({wr}, {wc})"
    else:
        text = f"0 of {oh * ow} windows"
    label(draw, (inp.x, inp.y + max(inp.height, res.height) + 10), text, 13)
    return image


def render_pool(image: npt.ArrayLike, out: Path | BinaryIO, fmt: Format, kernel_size: int = 2,
                stride: int | None = None, padding: int = 0, fps: float = 5.0, frames: int = 120) -> str:
    """Write max pooling's windows over ``image`` as a GIF or APNG; returns the subsampling note."""
    pictures, note = pool_frames(image, kernel_size, stride, padding, frames)

    def each() -> Iterator[Image.Image]:
        yield from pictures

    write_animation(each(), out, fmt, fps)
    return note
