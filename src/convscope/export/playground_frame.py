"""One frame of the playground's animation, drawn with Pillow from the lesson the page draws.

The padded input with the current window, the kernel, and the output filled in up to that window, side
by side as the page lays them out; under them a line saying which window it is and what it summed.
``step`` counts computed windows, as the page's player does: 0 shows none, ``step_count(lesson)`` all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from convscope.export.canvas import GridBox, cell_values, fill_cells, grid_lines, hatch_cell, label, outline
from convscope.export.palette import (
    BACKGROUND,
    DROPPED,
    INPUT_SCALE,
    NOT_YET,
    PADDING,
    PADDING_HATCH,
    WINDOW,
    Rgb,
    Scale,
    format_value,
    kernel_scale,
    output_scale,
)
from convscope.lessons.playground import PlaygroundLesson
from convscope.lessons.playground_steps import step_count, window_step

# Sizes at 1x, in pixels: grids fit GRID_SIDE, cells within the page's limits (config.js SIZES).
GRID_SIDE, KERNEL_SIDE, MARGIN, GAP, TITLE, STATUS = 320, 96, 16, 40, 22, 26


@dataclass(frozen=True)
class FrameLayout:
    """Where each grid of a frame sits; ``scale`` multiplies every size (2 for slides)."""

    scale: int
    width: int
    height: int
    input: GridBox
    kernel: GridBox
    output: GridBox | None  # None when the kernel fits nowhere
    status_y: int


def frame_layout(lesson: PlaygroundLesson, scale: int = 1) -> FrameLayout:
    """The positions of the padded input, kernel and output grids for ``lesson`` at ``scale``.

    Examples
    --------
    >>> from convscope.export.settings import PlaygroundSettings, playground_lesson
    >>> layout = frame_layout(playground_lesson(PlaygroundSettings(padding=1)), scale=2)
    >>> layout.input.rows, layout.output.rows, layout.scale
    (22, 20, 2)
    """
    s = scale
    rows, cols = len(lesson["padded"]), len(lesson["padded"][0])
    kh, kw = len(lesson["kernel"]), len(lesson["kernel"][0])
    top = (MARGIN + TITLE) * s
    grid_in = GridBox(MARGIN * s, top, rows, cols, _cell(rows, cols, GRID_SIDE, 40) * s)
    k_cell = _cell(kh, kw, KERNEL_SIDE, 32) * s
    grid_k = GridBox(grid_in.x + grid_in.width + GAP * s, top, kh, kw, k_cell)
    right = grid_k.x + grid_k.width + GAP * s
    size = lesson["output_size"]
    grid_out = None
    if size is not None:
        grid_out = GridBox(right, top, size[0], size[1], _cell(size[0], size[1], GRID_SIDE, 48) * s)
        right = grid_out.x + grid_out.width
    bottom = max(grid_in.height, grid_k.height, grid_out.height if grid_out else 0) + top
    width = max(right + MARGIN * s, 420 * s)
    return FrameLayout(s, width, bottom + (STATUS + MARGIN) * s, grid_in, grid_k, grid_out, bottom + 8 * s)


def _cell(rows: int, cols: int, side: int, largest: int) -> int:
    """A cell size (1x pixels) that fits ``side`` and stays legible, as the page's cellSize does."""
    return max(3, min(largest, side // max(rows, cols)))


def draw_frame(lesson: PlaygroundLesson, step: int, layout: FrameLayout) -> Image.Image:
    """The picture after ``step`` windows (0..step_count(lesson)): window ``step - 1`` shown, its cell filled.

    Examples
    --------
    >>> from convscope.export.settings import PlaygroundSettings, playground_lesson
    >>> lesson = playground_lesson(PlaygroundSettings(padding=1))
    >>> frame = draw_frame(lesson, 5, frame_layout(lesson))
    >>> frame.size == (frame_layout(lesson).width, frame_layout(lesson).height), frame.mode
    (True, 'RGB')
    """
    image = Image.new("RGB", (layout.width, layout.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    step = max(0, min(step, step_count(lesson)))
    current = window_step(lesson, step - 1) if step > 0 else None
    s, title_y = layout.scale, layout.input.y - (TITLE - 4) * layout.scale
    rows, cols = layout.input.rows, layout.input.cols
    label(draw, (layout.input.x, title_y), f"input, padded {rows}x{cols}", 13 * s)
    _draw_input(draw, lesson, layout.input, [tuple(p) for p in current["positions"]] if current else [])
    label(draw, (layout.kernel.x, title_y), f"kernel {layout.kernel.rows}x{layout.kernel.cols}", 13 * s)
    _draw_kernel(draw, lesson, layout.kernel)
    if layout.output is not None:
        label(draw, (layout.output.x, title_y), f"output {layout.output.rows}x{layout.output.cols}", 13 * s)
        out = current["out"] if current else None
        _draw_output(draw, lesson, layout.output, step, (out[0], out[1]) if out else None)
    label(draw, (layout.input.x, layout.status_y), _status(lesson, step), 13 * s)
    return image


def scale_of(lesson: PlaygroundLesson) -> Scale:
    """The output's colour scale, as the page chooses it."""
    lo, hi = lesson["output_range"] or [0.0, 1.0]
    return output_scale(lo, hi, lesson["diverging"])


def _mix(a: Rgb, b: Rgb, alpha: float) -> Rgb:
    """``b`` painted over ``a`` with opacity ``alpha``."""
    r, g, bl = (round(x + (y - x) * alpha) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def _draw_input(draw: ImageDraw.ImageDraw, lesson: PlaygroundLesson, box: GridBox,
                window: list[tuple[int, ...]]) -> None:
    padded, explanation = lesson["padded"], lesson["explanation"]
    p, (h, w) = explanation["padding"][0], explanation["input_size"]
    pw = explanation["padding"][1]
    dropped_rows = set(explanation["axes"][0]["dropped"] or [])
    dropped_cols = set(explanation["axes"][1]["dropped"] or [])
    taps = {(r, c) for r, c, *_ in window}

    def colour(r: int, c: int) -> Rgb:
        pad = r < p or r >= p + h or c < pw or c >= pw + w
        base = PADDING if pad else INPUT_SCALE.rgb(padded[r][c])
        if r in dropped_rows or c in dropped_cols:
            base = _mix(base, DROPPED, 0.45)
        return _mix(base, WINDOW, 0.28) if (r, c) in taps else base

    fill_cells(draw, box, colour)
    for r in range(box.rows):
        for c in range(box.cols):
            if r < p or r >= p + h or c < pw or c >= pw + w:
                hatch_cell(draw, box, r, c, PADDING_HATCH)
    grid_lines(draw, box)
    outline(draw, box, [(r, c) for r, c in taps], WINDOW, max(2, box.cell // 7))


def _draw_kernel(draw: ImageDraw.ImageDraw, lesson: PlaygroundLesson, box: GridBox) -> None:
    weights = lesson["kernel"]
    scale = kernel_scale(weights)

    def colour(r: int, c: int) -> Rgb:
        return scale.rgb(weights[r][c])

    fill_cells(draw, box, colour)
    grid_lines(draw, box)
    cell_values(draw, box, weights, colour)
    outline(draw, box, [(0, 0), (box.rows - 1, box.cols - 1)], WINDOW, max(2, box.cell // 10))


def _draw_output(draw: ImageDraw.ImageDraw, lesson: PlaygroundLesson, box: GridBox, step: int,
                 current: tuple[int, int] | None) -> None:
    output, scale = lesson["output"], scale_of(lesson)

    def done(r: int, c: int) -> bool:  # row-major: the trace's order
        return r * box.cols + c < step

    def colour(r: int, c: int) -> Rgb:
        return scale.rgb(output[r][c]) if done(r, c) else NOT_YET

    fill_cells(draw, box, colour)
    grid_lines(draw, box)
    cell_values(draw, box, output, colour, done)
    if current is not None:
        outline(draw, box, [current], WINDOW, max(2, box.cell // 7))


def _status(lesson: PlaygroundLesson, step: int) -> str:
    """Which window this frame shows and its sum, or why there is none."""
    count = step_count(lesson)
    if not count:
        return lesson["explanation"]["summary"]
    if step == 0:
        return f"0 of {count} windows computed"
    if step == count:
        return f"all {count} windows computed: each output cell is one window's sum of products"
    current = window_step(lesson, step - 1)
    (r, c), taps, total = current["out"], len(current["products"]), format_value(current["sum"])
    return f"window {step} of {count}: output[{r}][{c}] = sum of {taps} products = {total}"
