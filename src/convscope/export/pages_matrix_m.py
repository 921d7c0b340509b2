"""The Matrix & FFT page's weight-sharing matrix M exported: a 2x figure as the page draws it.

From `convscope.lessons.matrix.matrix_lesson`, the record the page draws: the input (a 1-D signal as a row of
cells, the 2-D digit crop in greys, padding hatched), the kernel with each weight in its own colour, the
output, and M with every entry coloured by the weight it holds (the colours of ``views/matrix/cells.js``),
so its repeated diagonals show; under them the count of distinct weights against a dense layer's, a legend
and the settings.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from convscope.export.canvas import GridBox, cell_values, fill_cells, grid_lines, hatch_cell, label
from convscope.export.legend import paragraph, swatches
from convscope.export.palette import (
    BACKGROUND,
    CELL_LINES,
    INPUT_SCALE,
    PADDING,
    PADDING_HATCH,
    Rgb,
    format_value,
    output_scale,
)
from convscope.lessons.matrix import MatrixLesson, MatrixSetting

FIGURE_SCALE = 2
MARGIN, GAP = 16, 28  # at 1x
# views/matrix/cells.js's WEIGHT_COLORS: weight i is drawn in colour i % 16, on the page and here.
WEIGHT_COLOURS: tuple[Rgb, ...] = tuple(
    (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)) for h in (
        "4e79a7", "f28e2b", "59a14f", "e15759", "b07aa1", "edc948", "76b7b2", "ff9da7",
        "9c755f", "2f4b7c", "bcbd22", "17becf", "8c564b", "d62728", "7f7f7f", "1f77b4"))


def describe_matrix(setting: MatrixSetting) -> str:
    """One line for a caption, in PyTorch's argument names.

    Examples
    --------
    >>> describe_matrix(MatrixSetting())
    '1-D · signal n 8 · kernel_size 3 · stride 1 · padding 0 · dilation 1'
    >>> describe_matrix(MatrixSetting(dims=2, size=6, digit=7))
    '2-D · MNIST digit 7 (example 0), 6x6 crop · kernel_size 3x3 · stride 1 · padding 0 · dilation 1'
    """
    s = setting
    head = (f"1-D · signal n {s.size} · kernel_size {s.kernel_size}" if s.dims == 1 else
            f"2-D · MNIST digit {s.digit} (example {s.index}), {s.size}x{s.size} crop · "
            f"kernel_size {s.kernel_size}x{s.kernel_size}")
    return f"{head} · stride {s.stride} · padding {s.padding} · dilation {s.dilation}"


def counts_text(lesson: MatrixLesson) -> str:
    """The page's sentence: M's shape, its distinct weights against a dense layer's.

    Examples
    --------
    >>> from convscope.data import DigitSource
    >>> from convscope.lessons.matrix import matrix_lesson
    >>> counts_text(matrix_lesson(MatrixSetting(size=5), DigitSource()))[:58]
    'M is 3 x 5: 3 distinct weights fill its 9 non-zero entries'
    """
    m = lesson["matrix"]
    k, dense = lesson["distinct_weights"], lesson["dense_weights"]
    used = lesson["nonzero_entries"]
    return (f"M is {len(m)} x {len(m[0])}: {k} distinct weights fill its {used} non-zero entries."
            f" A dense layer between the same shapes would need {dense:,} weights, "
            f"{format_value(dense / k)}x as many.")


def matrix_figure(lesson: MatrixLesson, caption: str, scale: int = FIGURE_SCALE) -> Image.Image:
    """Input, kernel, output and M, coloured as the page colours them; counts, legend and ``caption``.

    Examples
    --------
    >>> from convscope.data import DigitSource
    >>> from convscope.lessons.matrix import matrix_lesson
    >>> setting = MatrixSetting(size=6, padding=1)
    >>> matrix_figure(matrix_lesson(setting, DigitSource()), describe_matrix(setting)).size[0] >= 1280
    True
    """
    s = scale
    m, index = lesson["matrix"], lesson["weight_index"]
    rows, cols = len(m), len(m[0])
    m_cell = max(8, min(34, 720 // cols)) * s
    image = Image.new("RGB", (2400 * s, 4000 * s), BACKGROUND)  # cropped to what is drawn
    draw = ImageDraw.Draw(image)
    y, right = _operands(draw, lesson, MARGIN * s, s)
    width = max(2 * MARGIN * s + cols * m_cell, right + MARGIN * s, 840 * s)
    y += GAP * s
    label(draw, (MARGIN * s, y), f"M, {rows} x {cols}: one row per output, one column per input pixel; "
          "M · x = output", 13 * s)
    y += 22 * s
    box = GridBox(MARGIN * s, y, rows, cols, m_cell)

    def weight(r: int, c: int) -> Rgb:
        return WEIGHT_COLOURS[index[r][c] % 16] if index[r][c] >= 0 else BACKGROUND

    fill_cells(draw, box, weight)
    grid_lines(draw, box)
    cell_values(draw, box, m, weight, shown=lambda r, c: index[r][c] >= 0)
    draw.rectangle((box.x, box.y, box.x + box.width - 1, box.y + box.height - 1), outline=CELL_LINES)
    y += box.height + 14 * s
    text_width = width - 2 * MARGIN * s
    y += paragraph(draw, (MARGIN * s, y), counts_text(lesson), text_width, s, size=13) + 8 * s
    kernel = [v for row in lesson["kernel"] for v in row]
    items = [(WEIGHT_COLOURS[i % 16], f"w{i} = {format_value(v)}") for i, v in enumerate(kernel)]
    for start in range(0, len(items), 8):  # eight to a line: a 4x4 kernel's sixteen fit two lines
        y += swatches(draw, (MARGIN * s, y), items[start:start + 8], s) + 6 * s
    y += swatches(draw, (MARGIN * s, y), [(PADDING, "padding (zeros, hatched)"),
                                          (BACKGROUND, "structural zero of M")], s) + 8 * s
    y += paragraph(draw, (MARGIN * s, y), caption, text_width, s, size=13) + 4 * s
    y += paragraph(draw, (MARGIN * s, y), f"Input: {lesson['source']}. Cross-correlation, as conv1d/conv2d "
                   "compute it: each row of M is one output's window laid over the flattened input, the same "
                   "weights shifted along.", text_width, s) + MARGIN * s
    return image.crop((0, 0, width, y))


def _operands(draw: ImageDraw.ImageDraw, lesson: MatrixLesson, y: int, s: int) -> tuple[int, int]:
    """The input (padding hatched), the kernel and the output side by side; returns their bottom, right."""
    x, kernel, out = lesson["input"], lesson["kernel"], lesson["output"]
    h, w = len(x), len(x[0])
    pr, pc = (lesson["padding"] if lesson["dims"] == 2 else 0), lesson["padding"]
    flat_in, flat_out = [v for row in x for v in row], [v for row in out for v in row]
    in_scale = (INPUT_SCALE if lesson["dims"] == 2 else
                output_scale(min(flat_in), max(flat_in), True))
    out_scale = output_scale(min(flat_out), max(flat_out), True)
    side = max(12, min(40, 420 // (w + 2 * pc))) * s
    padded = [[x[r - pr][c - pc] if 0 <= r - pr < h and 0 <= c - pc < w else 0.0
               for c in range(w + 2 * pc)] for r in range(h + 2 * pr)]

    def inside(r: int, c: int) -> bool:
        return 0 <= r - pr < h and 0 <= c - pc < w

    def pixel(r: int, c: int) -> Rgb:
        return in_scale.rgb(padded[r][c]) if inside(r, c) else PADDING

    def weight(r: int, c: int) -> Rgb:
        return WEIGHT_COLOURS[(r * len(kernel[0]) + c) % 16]

    def value(r: int, c: int) -> Rgb:
        return out_scale.rgb(out[r][c])

    x0, bottom, right = MARGIN * s, y, 0
    top = y + 22 * s
    parts = [(f"input x {h}x{w}" + (" (padding hatched)" if lesson["padding"] else ""), padded, pixel, side,
              inside), (f"kernel {len(kernel)}x{len(kernel[0])}", kernel, weight, 40 * s, None),
             (f"output {len(out)}x{len(out[0])}", out, value, max(16, min(40, 360 // len(out[0]))) * s, None)]
    for title, grid, colour, cell, shown in parts:
        box = GridBox(x0, top, len(grid), len(grid[0]), cell)
        fill_cells(draw, box, colour)
        if shown is not None:
            for r in range(box.rows):
                for c in range(box.cols):
                    if not shown(r, c):
                        hatch_cell(draw, box, r, c, PADDING_HATCH)
        grid_lines(draw, box)
        cell_values(draw, box, grid, colour, shown)
        label(draw, (x0, y), title, 13 * s)
        right = x0 + box.width
        x0 += max(box.width, 160 * s) + GAP * s
        bottom = max(bottom, top + box.height)
    return bottom, right
