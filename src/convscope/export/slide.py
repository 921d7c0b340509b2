"""The 1-D flip-and-slide animated: f, g flipped and shifted to t, their product's area, the result so far.

Drawn from `convscope.lessons.signals.slide_lesson`, the record the Signals page plays: its frames are
already subsampled there (``Slide.max_frames``), and `AnimationPlan`-style notes say when they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageDraw

from convscope.export.animation import Format, write_animation
from convscope.export.canvas import label
from convscope.export.palette import BACKGROUND, CELL_LINES, TEXT, WINDOW, Rgb
from convscope.lessons.signals import Slide, SlideLesson, slide_lesson

F_COLOUR: Rgb = (33, 102, 172)  # the diverging scale's blue end
PRODUCT: Rgb = (246, 200, 170)  # the window colour, light: the area under f·g
WIDTH, PANEL, MARGIN = 640, 150, 16


class _Plot:
    """Maps data (x, y) to pixels inside one panel's box."""

    def __init__(self, box: tuple[int, int, int, int], xs: tuple[float, float], ys: tuple[float, float]):
        self.box, self.xs, self.ys = box, xs, ys

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        fx = (x - self.xs[0]) / ((self.xs[1] - self.xs[0]) or 1)
        fy = (y - self.ys[0]) / ((self.ys[1] - self.ys[0]) or 1)
        return (x0 + fx * (x1 - x0), y1 - fy * (y1 - y0))


def _range(*series: list[float]) -> tuple[float, float]:
    values = [v for s in series for v in s]
    lo, hi = min(0.0, *values), max(0.0, *values)
    pad = 0.08 * ((hi - lo) or 1.0)
    return (lo - pad, hi + pad)


def draw_slide_frame(lesson: SlideLesson, i: int, scale: int = 1) -> Image.Image:
    """Frame ``i``: f and the shifted g with their product shaded (top), the result up to t (bottom).

    Examples
    --------
    >>> lesson = slide_lesson(Slide("box", "triangle", max_frames=30))
    >>> draw_slide_frame(lesson, 5, scale=2).size
    (1280, 832)
    """
    s, frame = scale, lesson["frames"][i]
    height = (2 * PANEL + 4 * MARGIN + 52) * s
    image = Image.new("RGB", (WIDTH * s, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    left, right = MARGIN * s, (WIDTH - MARGIN) * s
    tau = lesson["tau"]
    top_box = (left, (MARGIN + 20) * s, right, (MARGIN + 20 + PANEL) * s)
    top = _Plot(top_box, (tau[0], tau[-1]), _range(lesson["f"], lesson["g"], frame["product"]))
    # The bundled font has no Greek: tau is spelled out.
    operation = "f(tau) · g(t - tau)" if lesson["flip"] else "f(tau) · g(tau - t)"
    title = f"t = {frame['t']:.2f}: area of {operation} = {frame['area']:.3f}"
    label(draw, (left, MARGIN * s), title, 13 * s)
    draw.line([top(tau[0], 0), top(tau[-1], 0)], fill=CELL_LINES, width=s)
    area = [top(x, 0) for x in tau] + [top(x, p) for x, p in zip(reversed(tau), reversed(frame["product"]),
                                                                   strict=True)]
    draw.polygon(area, fill=PRODUCT)
    draw.line([top(x, v) for x, v in zip(tau, lesson["f"], strict=True)], fill=F_COLOUR, width=2 * s)
    draw.line([top(x, v) for x, v in zip(tau, frame["shifted"], strict=True)], fill=WINDOW, width=2 * s)
    t, result = lesson["t"], lesson["result"]
    y0 = top_box[3] + (MARGIN + 20) * s
    bottom = _Plot((left, y0, right, y0 + PANEL * s), (t[0], t[-1]), _range(result))
    name = "(f * g)(t)" if lesson["flip"] else "the cross-correlation of f and g at t"
    label(draw, (left, y0 - 20 * s), f"result: {name}", 13 * s)
    done = [(x, v) for x, v in zip(t, result, strict=True) if x <= frame["t"] + 1e-9]
    draw.line([bottom(t[0], 0), bottom(t[-1], 0)], fill=CELL_LINES, width=s)
    if len(done) > 1:
        draw.line([bottom(x, v) for x, v in done], fill=TEXT, width=2 * s)
    cx, cy = bottom(frame["t"], frame["area"])
    draw.ellipse((cx - 4 * s, cy - 4 * s, cx + 4 * s, cy + 4 * s), fill=WINDOW)
    label(draw, (left, y0 + (PANEL + 8) * s), "blue: f   orange: g flipped and shifted to t   shaded: "
          "their product, whose area is the result at t", 11 * s)
    return image


def render_slide(setting: Slide, out: Path | BinaryIO, fmt: Format, fps: float = 10.0, scale: int = 1,
                 progress: Callable[[int, int], None] | None = None) -> str:
    """Write the flip-and-slide of ``setting`` as a GIF or APNG; returns a note on what it shows.

    Examples
    --------
    >>> import io
    >>> render_slide(Slide("box", "box", max_frames=25), io.BytesIO(), "gif")
    'subsampled: 25 frames show 241 positions of t (one frame per 10)'
    """
    lesson = slide_lesson(setting)
    count = len(lesson["frames"])

    def frames() -> Iterator[Image.Image]:
        for i in range(count):
            yield draw_slide_frame(lesson, i, scale)

    report = None if progress is None else (lambda done: progress(done, count))
    write_animation(frames(), out, fmt, fps, report)
    total, stride = len(lesson["t"]), lesson["frame_stride"]
    if stride == 1:
        return f"every position: {total} positions of t, {count} frames"
    return f"subsampled: {count} frames show {total} positions of t (one frame per {stride})"
