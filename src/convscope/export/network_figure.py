"""The network explorer as a figure for slides: the input, every feature map, the probabilities.

Drawn with Pillow from `PredictLesson`, the record the page draws, with the page's colours: each layer's
maps share one scale (diverging about zero where a value is negative, paper to ink otherwise), as
``static/js/draw/maps.js`` does, so maps of a layer compare by eye.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from convscope.export.canvas import GridBox, fill_cells, label
from convscope.export.legend import paragraph
from convscope.export.palette import BACKGROUND, INPUT_SCALE, TEXT, WINDOW, Scale, format_value, output_scale
from convscope.lessons.network import PredictLesson

MAP_LAYERS = ("relu1", "pool1", "relu2", "pool2")  # what a learner compares: after each ReLU and pool
MAP_SIDE, MAP_GAP, MARGIN, ROW_TITLE = 56, 6, 16, 20


def _layer_scale(maps: list[list[list[float]]]) -> Scale:
    flat = [v for channel in maps for row in channel for v in row]
    return output_scale(min(flat), max(flat), False)


def network_figure(lesson: PredictLesson, caption: str, scale: int = 2) -> Image.Image:
    """The input, the feature maps of ``MAP_LAYERS`` and the ten probabilities, with ``caption`` under them.

    Examples
    --------
    >>> from convscope.data import DigitSource
    >>> from convscope.lessons.network import predict, preprocess
    >>> from convscope.nn import pretrained
    >>> lesson = predict(pretrained(), "pretrained", preprocess(DigitSource(), digit=7))
    >>> network_figure(lesson, "digit 7").width
    1456
    """
    s = scale
    layers = {layer["name"]: layer for layer in lesson["layers"]}
    widest = max(len(layers[name]["values"]) for name in MAP_LAYERS) if layers else 0
    width = max(2 * MARGIN + min(widest, 8) * (MAP_SIDE + MAP_GAP) + 200, 640) * s
    image = Image.new("RGB", (width, 2400 * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    x, y = MARGIN * s, MARGIN * s
    padded = lesson["preprocessing"]["padded"]
    label(draw, (x, y), "input (32x32, as the network reads it)", 13 * s)
    box = GridBox(x, y + ROW_TITLE * s, len(padded), len(padded[0]), 4 * s)
    fill_cells(draw, box, lambda r, c: INPUT_SCALE.rgb(padded[r][c]))
    _probabilities(draw, lesson, (x + 320 * s, y), s)  # right of the input and its title
    y = box.y + box.height + 16 * s
    for name in MAP_LAYERS:
        if name in layers:
            y = _maps(draw, name, layers[name]["values"], (x, y), s) + 12 * s  # type: ignore[arg-type]
    y += paragraph(draw, (x, y), caption, width - 2 * MARGIN * s, s, size=13) + 4 * s
    return image.crop((0, 0, width, y + MARGIN * s))


def _maps(draw: ImageDraw.ImageDraw, name: str, maps: list[list[list[float]]], xy: tuple[int, int],
          s: int) -> int:
    """One layer's channels in rows of 8, on the layer's shared scale; returns the bottom."""
    x, y = xy
    scale = _layer_scale(maps)
    h, w = len(maps[0]), len(maps[0][0])
    label(draw, (x, y), f"{name}: {len(maps)} maps of {h}x{w}, one scale {format_value(scale.min)} "
          f"to {format_value(scale.max)}", 13 * s)
    cell = max(1, MAP_SIDE // max(h, w)) * s
    top = y + ROW_TITLE * s
    for i, channel in enumerate(maps):
        row, col = divmod(i, 8)
        box = GridBox(x + col * (w * cell + MAP_GAP * s), top + row * (h * cell + MAP_GAP * s), h, w, cell)
        fill_cells(draw, box, lambda r, c, ch=channel: scale.rgb(ch[r][c]))  # type: ignore[misc]
        draw.rectangle((box.x, box.y, box.x + box.width - 1, box.y + box.height - 1), outline=(200, 200, 200))
    rows = (len(maps) + 7) // 8
    return top + rows * (h * cell + MAP_GAP * s)


def _probabilities(draw: ImageDraw.ImageDraw, lesson: PredictLesson, xy: tuple[int, int], s: int) -> None:
    """Ten horizontal bars, the prediction's in the window colour."""
    x, y = xy
    guess = lesson["prediction"]
    title = lesson["message"] or f"prediction: {guess}"
    label(draw, (x, y), title, 13 * s)
    for digit, p in enumerate(lesson["probabilities"]):
        top = y + (ROW_TITLE + digit * 11) * s
        label(draw, (x, top - s), str(digit), 10 * s)
        colour = WINDOW if digit == guess else TEXT
        draw.rectangle((x + 14 * s, top + s, x + 14 * s + round(p * 160 * s), top + 8 * s), fill=colour)
        label(draw, (x + 180 * s, top - s), f"{p:.3f}", 10 * s)
