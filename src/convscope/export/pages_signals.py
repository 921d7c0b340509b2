"""The Signals page exported: flip-and-slide's figure (f, g and the whole result) and its animation.

Both are drawn from the record the page plays (`convscope.lessons.signals.slide_lesson` for the shapes,
`convscope.lessons.drop_slide.drop_slide_lesson` for the ball drop's f and g), computed here with every
position of t, so the figure's curve is the page's result and the animation can be subsampled evenly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageDraw

from convscope.export.animation import Format, plan_animation, write_animation
from convscope.export.canvas import label
from convscope.export.legend import paragraph, swatches
from convscope.export.pages_palette import on_one_palette
from convscope.export.palette import BACKGROUND, CELL_LINES, TEXT, WINDOW
from convscope.export.slide import F_COLOUR, MARGIN, PANEL, WIDTH, _Plot, _range, draw_slide_frame
from convscope.lessons.drop_slide import DropSlide, drop_slide_lesson
from convscope.lessons.signals import MAX_FRAMES, Slide, SlideLesson, slide_lesson

SlideSetting = Slide | DropSlide
FIGURE_SCALE = 2  # slides are projected large: twice the page's pixels


def full_slide_lesson(setting: SlideSetting) -> SlideLesson:
    """The page's lesson for ``setting`` with a frame for every position of t (nothing subsampled yet).

    Examples
    --------
    >>> lesson = full_slide_lesson(Slide("box", "box", max_frames=20))
    >>> len(lesson["frames"]) == len(lesson["t"]) == 241, lesson["frame_stride"]
    (True, 1)
    """
    if isinstance(setting, DropSlide):
        return drop_slide_lesson(DropSlide(setting.f, setting.g, setting.flip, setting.repeat, MAX_FRAMES))
    return slide_lesson(Slide(setting.f, setting.g, setting.flip, MAX_FRAMES, setting.repeat))


def describe_slide(setting: SlideSetting) -> str:
    """One line for a caption: the signals, convolution or cross-correlation, and the repeats.

    Examples
    --------
    >>> describe_slide(Slide("box", "triangle", flip=False))
    'f box · g triangle · cross-correlation · repeat 0'
    >>> describe_slide(DropSlide(np.ones(3), np.array([1.0, 2.0])))
    'the ball drop: f [1, 1, 1] · g [1, 2] · convolution · repeat 0'
    """
    def name(spec: str | np.ndarray) -> str:
        if isinstance(spec, str):
            return spec
        if isinstance(setting, DropSlide):
            return "[" + ", ".join(f"{v:g}" for v in spec) + "]"
        return "drawn by hand"

    kind = "convolution" if setting.flip else "cross-correlation"
    text = f"f {name(setting.f)} · g {name(setting.g)} · {kind} · repeat {setting.repeat}"
    return f"the ball drop: {text}" if isinstance(setting, DropSlide) else text


def slide_figure(lesson: SlideLesson, caption: str, scale: int = FIGURE_SCALE) -> Image.Image:
    """f and g as the page draws them (top), the whole result (bottom), the legend and ``caption`` under it.

    Examples
    --------
    >>> setting = Slide("box", "triangle")
    >>> slide_figure(full_slide_lesson(setting), describe_slide(setting)).width
    1280
    """
    s = scale
    image = Image.new("RGB", (WIDTH * s, (2 * PANEL + 6 * MARGIN + 160) * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    left, right = MARGIN * s, (WIDTH - MARGIN) * s
    tau, t, result = lesson["tau"], lesson["t"], lesson["result"]
    top_box = (left, (MARGIN + 20) * s, right, (MARGIN + 20 + PANEL) * s)
    top = _Plot(top_box, (tau[0], tau[-1]), _range(lesson["f"], lesson["g"]))
    label(draw, (left, MARGIN * s), "f and g" + (" (whole steps)" if lesson["discrete"] else ""), 13 * s)
    draw.line([top(tau[0], 0), top(tau[-1], 0)], fill=CELL_LINES, width=s)
    g = lesson["g"] + [0.0] * (len(tau) - len(lesson["g"])) if lesson["discrete"] else lesson["g"]
    g_at = tau if not lesson["discrete"] else [float(i) for i in range(len(g))]  # a drop's g from step 0
    draw.line([top(x, v) for x, v in zip(tau, lesson["f"], strict=True)], fill=F_COLOUR, width=2 * s)
    draw.line([top(x, v) for x, v in zip(g_at, g, strict=True) if x <= tau[-1]], fill=WINDOW, width=2 * s)
    y0 = top_box[3] + (MARGIN + 20) * s
    bottom = _Plot((left, y0, right, y0 + PANEL * s), (t[0], t[-1]), _range(result))
    peak = int(np.argmax(result))
    name = "(f * g)(t)" if lesson["flip"] else "the cross-correlation of f and g at t"
    heading = f"result: {name}, largest {result[peak]:.4g} at t = {t[peak]:.3g}"
    label(draw, (left, y0 - 20 * s), heading, 13 * s)
    draw.line([bottom(t[0], 0), bottom(t[-1], 0)], fill=CELL_LINES, width=s)
    draw.line([bottom(x, v) for x, v in zip(t, result, strict=True)], fill=TEXT, width=2 * s)
    cx, cy = bottom(t[peak], result[peak])
    draw.ellipse((cx - 4 * s, cy - 4 * s, cx + 4 * s, cy + 4 * s), fill=WINDOW)
    y = y0 + (PANEL + 12) * s
    y += swatches(draw, (left, y), [(F_COLOUR, "f"), (WINDOW, "g"), (TEXT, "result")], s) + 8 * s
    y += paragraph(draw, (left, y), caption, right - left, s, size=13) + 4 * s
    sum_or_area = "sum of products" if lesson["discrete"] else "area under the product"
    how = "g flipped and slid to t" if lesson["flip"] else "g slid to t unflipped"
    y += paragraph(draw, (left, y), f"Each point of the result is the {sum_or_area} of f and {how}; "
                   f"{len(t)} positions of t.", right - left, s) + MARGIN * s
    return image.crop((0, 0, image.width, y))


def slide_animation(lesson: SlideLesson, out: Path | BinaryIO, fmt: Format, fps: float = 10.0,
                    frames: int = 120) -> str:
    """Write the slide as a GIF or APNG of at most ``frames`` frames; returns a note on the subsampling.

    ``lesson`` should hold every position (`full_slide_lesson`); its first and last are always drawn.

    Examples
    --------
    >>> import io
    >>> slide_animation(full_slide_lesson(Slide("box", "box")), io.BytesIO(), "gif", frames=25)
    'subsampled: 25 frames show 241 positions of t (about one frame per 10)'
    """
    total = len(lesson["frames"])
    plan = plan_animation(total - 1, frames, fps)  # steps index the frames 0..total-1

    def each() -> Iterator[Image.Image]:
        for i in plan.steps:
            yield draw_slide_frame(lesson, i)

    widest = max(plan.steps, key=lambda i: lesson["frames"][i]["area"])  # the most product shaded
    samples = [draw_slide_frame(lesson, i) for i in (widest, plan.steps[-1])]
    write_animation(on_one_palette(each(), samples, fmt), out, fmt, plan.fps)
    if len(plan.steps) == total:
        return f"every position: {total} positions of t, {total} frames"
    every = round((total - 1) / max(1, len(plan.steps) - 1))
    return (f"subsampled: {len(plan.steps)} frames show {total} positions of t "
            f"(about one frame per {every})")


__all__ = ["SlideSetting", "describe_slide", "full_slide_lesson", "slide_animation", "slide_figure"]
