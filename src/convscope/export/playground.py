"""The playground exported: a figure for slides (PNG) and the sliding windows animated (GIF, APNG).

Both are drawn from `playground_lesson`, the record the page draws, so a figure shows exactly the numbers
the page shows for the same settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Literal

from PIL import Image, ImageDraw

from convscope.data import DigitSource
from convscope.export.animation import AnimationPlan, plan_animation, write_animation
from convscope.export.legend import INPUT_SWATCHES, colour_bar, paragraph, swatches
from convscope.export.palette import BACKGROUND, DROPPED, INPUT_SCALE
from convscope.export.playground_frame import MARGIN, draw_frame, frame_layout, scale_of
from convscope.export.settings import PlaygroundSettings, playground_lesson
from convscope.lessons.playground import PlaygroundLesson
from convscope.lessons.playground_steps import step_count

ExportFormat = Literal["png", "gif", "apng"]
FIGURE_SCALE = 2  # slides are projected large: twice the page's pixels


def figure(lesson: PlaygroundLesson, caption: str, scale: int = FIGURE_SCALE) -> Image.Image:
    """The finished convolution with its legends, ``caption`` (the settings) and the explanation under it.

    Examples
    --------
    >>> settings = PlaygroundSettings(kernel="sobel_x", padding=1)
    >>> image = figure(playground_lesson(settings), settings.describe())
    >>> image.width == frame_layout(playground_lesson(settings), 2).width
    True
    """
    layout = frame_layout(lesson, scale)
    grids = draw_frame(lesson, step_count(lesson), layout)
    s, width = scale, layout.width
    text_width = width - 2 * MARGIN * s
    below = Image.new("RGB", (width, 400 * s), BACKGROUND)
    draw = ImageDraw.Draw(below)
    x, y = MARGIN * s, 4 * s
    height = colour_bar(draw, (x, y), INPUT_SCALE, "pixel value (paper 0 -> ink 1)", s)
    if lesson["output_range"] is not None:
        out = scale_of(lesson)
        words = "blue < 0 < red" if out.kind == "diverging" else "paper -> ink"
        colour_bar(draw, (x + 220 * s, y), out, f"output value ({words})", s)
    y += height + 4 * s
    dropped = any(axis["dropped"] for axis in lesson["explanation"]["axes"])
    items = INPUT_SWATCHES + ([(DROPPED, "dropped: no window reaches it")] if dropped else [])
    y += swatches(draw, (x, y), items, s) + 8 * s
    y += paragraph(draw, (x, y), caption, text_width, s, size=13) + 4 * s
    y += paragraph(draw, (x, y), lesson["explanation"]["summary"], text_width, s) + MARGIN * s
    result = Image.new("RGB", (width, grids.height + y), BACKGROUND)
    result.paste(grids, (0, 0))
    result.paste(below.crop((0, 0, width, y)), (0, grids.height))
    return result


def frames(lesson: PlaygroundLesson, plan: AnimationPlan, scale: int = 1) -> Iterator[Image.Image]:
    """One picture per step of ``plan``, drawn as they are asked for (a long animation is not held twice)."""
    layout = frame_layout(lesson, scale)
    for step in plan.steps:
        yield draw_frame(lesson, step, layout)


def render_playground(settings: PlaygroundSettings, out: Path | BinaryIO, fmt: ExportFormat, *,
                      fps: float = 10.0, max_frames: int = 120, scale: int | None = None,
                      source: DigitSource | None = None,
                      progress: Callable[[int, int], None] | None = None) -> str:
    """Write the playground for ``settings`` to ``out`` as a PNG figure, or a GIF or APNG animation.

    Parameters
    ----------
    settings : the playground's settings
    out : a path or a binary stream
    fmt : ``"png"`` (the figure, at 2x unless ``scale``), ``"gif"`` or ``"apng"`` (1x unless ``scale``)
    fps, max_frames : the animation's speed and its most frames (longer traces are subsampled)
    progress : called as ``progress(done, total)`` for each animation frame drawn

    Returns
    -------
    str
        What was written, e.g. ``"figure 1012x884"`` or the plan's note about subsampling.

    Examples
    --------
    >>> import io
    >>> render_playground(PlaygroundSettings(stride=3), io.BytesIO(), "gif", max_frames=200)
    'every window: 36 windows, 37 frames'
    """
    lesson = playground_lesson(settings, source)
    if fmt == "png":
        image = figure(lesson, settings.describe(), scale or FIGURE_SCALE)
        image.save(out, format="PNG", optimize=True)
        return f"figure {image.width}x{image.height}"
    plan = plan_animation(step_count(lesson), max_frames, fps)
    total = len(plan.steps)
    report = None if progress is None else (lambda done: progress(done, total))
    write_animation(frames(lesson, plan, scale or 1), out, fmt, plan.fps, report)
    return plan.note
