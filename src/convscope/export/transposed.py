"""A transposed convolution animated as the scatter: each input value paints a scaled copy of the kernel.

Frame k shows the output after the first k inputs (row-major) have painted, on the final output's colour
scale: the sum of the first k columns of `TransposedReadings.matrix` (column h*W + w is what input (h, w)
paints), so the last frame is `convscope.ops.conv_transpose2d`'s answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from PIL import Image, ImageDraw

from convscope.export.animation import Format, write_animation
from convscope.export.canvas import GridBox, cell_values, fill_cells, grid_lines, label, outline
from convscope.export.palette import BACKGROUND, WINDOW, Rgb, kernel_scale, output_scale
from convscope.transposed_readings import transposed_readings

CELL, MARGIN, TITLE, GAP = 36, 16, 22, 40


def transposed_frames(x: Any, kernel: Any, **settings: Any) -> list[Image.Image]:
    """One frame per painted input, plus the empty output first (``settings``: stride, padding, ...).

    Examples
    --------
    >>> len(transposed_frames([[1.0, 2.0], [3.0, 4.0]], [[1.0, 1.0], [1.0, 1.0]], stride=2))
    5
    """
    readings = transposed_readings(x, kernel, **settings)
    values = np.asarray(x, dtype=np.float64)  # (H, W)
    painted = readings.matrix * values.ravel()  # (H_out*W_out, H*W): what each input adds
    partial = np.concatenate([np.zeros((painted.shape[0], 1)), np.cumsum(painted, axis=1)], axis=1)
    out = readings.output
    scale = output_scale(float(out.min()), float(out.max()), False)
    in_scale = kernel_scale(values.tolist())
    h, w = values.shape
    inp = GridBox(MARGIN, MARGIN + TITLE, h, w, CELL)
    res = GridBox(inp.x + inp.width + GAP, inp.y, out.shape[0], out.shape[1], CELL)
    size = (res.x + res.width + MARGIN, inp.y + max(inp.height, res.height) + 36)
    frames = []
    for k in range(h * w + 1):
        image = Image.new("RGB", (max(size[0], 420), size[1]), BACKGROUND)
        draw = ImageDraw.Draw(image)
        now = partial[:, k].reshape(out.shape)

        def colour_in(r: int, c: int) -> Rgb:
            return in_scale.rgb(values[r, c])

        def colour_out(r: int, c: int, now: Any = now) -> Rgb:
            return scale.rgb(now[r, c])

        fill_cells(draw, inp, colour_in)
        fill_cells(draw, res, colour_out)
        grid_lines(draw, inp)
        grid_lines(draw, res)
        cell_values(draw, inp, values.tolist(), colour_in)
        cell_values(draw, res, now.tolist(), colour_out)
        label(draw, (inp.x, MARGIN), f"input {h}x{w}", 13)
        label(draw, (res.x, MARGIN), f"transposed convolution {out.shape[0]}x{out.shape[1]}", 13)
        if k > 0:
            r, c = divmod(k - 1, w)
            outline(draw, inp, [(r, c)], WINDOW, 3)
            hits = np.flatnonzero(readings.matrix[:, k - 1])
            outline(draw, res, [(int(i) // out.shape[1], int(i) % out.shape[1]) for i in hits], WINDOW, 3)
            text = f"input ({r}, {c}) = {values[r, c]:g} paints {values[r, c]:g} x the kernel; overlaps add"
        else:
            text = "each input paints a scaled copy of the kernel"
        label(draw, (inp.x, size[1] - 26), text, 13)
        frames.append(image)
    return frames


def render_transposed(x: Any, kernel: Any, out: Path | BinaryIO, fmt: Format, fps: float = 2.0,
                      **settings: Any) -> str:
    """Write the scatter of a transposed convolution as a GIF or APNG; returns what it shows."""
    frames = transposed_frames(x, kernel, **settings)
    write_animation(iter(frames), out, fmt, fps)
    return f"every input: {len(frames) - 1} inputs painted, {len(frames)} frames"
