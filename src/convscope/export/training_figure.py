"""The Training page as a figure for slides: its loss and accuracy curves, with the recipe written under.

Drawn with Pillow from `convscope.lessons.training.status`, the document the page draws its charts from
after a reload, with the page's rules (``static/js/views/training/record.js``'s ``curves``): x in epochs,
each batch at ``epoch - 1 + batch / batches``; pale per-batch numbers, their solid running average, and
the held-out numbers of each epoch as dots.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

from convscope.export.canvas import font, label
from convscope.export.legend import paragraph
from convscope.export.palette import BACKGROUND, CELL_LINES, TEXT, WINDOW, Rgb
from convscope.lessons.training import TrainingStatus

ACCENT: Rgb = (11, 95, 255)  # config.js COLORS.accent: the training curves
PALE: Rgb = (182, 207, 255)  # the accent over white at 30%: each batch's own number
CHART_W, CHART_H, MARGIN, AXIS = 420, 220, 16, 44  # at 1x
Points = list[tuple[float, float]]
LOSS_NAMES = {"cross_entropy": "cross-entropy", "half_squared_error": "half squared error"}


def _curves(status: TrainingStatus) -> dict[str, Points]:
    """The page's series: x in epochs; a missing (non-finite) number is left out."""
    def points(key: str) -> Points:
        return [(e["epoch"] - 1 + e["batch"] / e["batches"], float(e[key]))  # type: ignore[literal-required]
                for e in status["progress"] if e.get(key) is not None and e["batches"]]

    def held(key: str) -> Points:
        return [(float(e["epoch"]), float(e[key])) for e in status["epochs"]  # type: ignore[literal-required]
                if e.get(key) is not None]

    return {"loss": points("loss"), "smooth_loss": points("smooth_loss"), "val_loss": held("val_loss"),
            "accuracy": points("accuracy"), "smooth_accuracy": points("smooth_accuracy"),
            "val_accuracy": held("val_accuracy")}


def recipe_caption(status: TrainingStatus) -> str:
    """The recipe in words, as the page's form shows it, and how the run ended.

    Examples
    --------
    >>> from convscope.lessons.training import status
    >>> recipe_caption(status(None, "pretrained"))
    'No training yet.'
    """
    config = status["config"]
    if config is None:
        return "No training yet."
    ending = {"running": "still running", "done": "done", "stopped": "stopped", "error": "failed"}
    last = status["last"]
    accuracy = last.get("accuracy") if last is not None and last["type"] in ("done", "stopped") else None
    held = "" if accuracy is None else f" · held-out accuracy {accuracy:.1%}"
    return (f"LeNet conv1 {config['conv1_channels']} filters, conv2 {config['conv2_channels']}, kernels "
            f"{config['kernel_size']}x{config['kernel_size']} · {config['optimizer']} lr {config['lr']:g} · "
            f"batch {config['batch_size']} · {config['epochs']} epochs · "
            f"{LOSS_NAMES.get(config['loss'], config['loss'])} · shifts ±{config['augment']} px · "
            f"{config['train_size']} training digits · seed {config['seed']} · "
            f"{ending.get(status['state'], status['state'])}{held}")


def training_figure(status: TrainingStatus, scale: int = 2) -> Image.Image:
    """The loss and accuracy charts side by side at ``scale``, a key, and the recipe under them.

    Examples
    --------
    >>> from convscope.lessons.training import status
    >>> training_figure(status(None, "pretrained")).size
    (1952, 700)
    """
    s = scale
    c = _curves(status)
    config = status["config"]
    epochs = float(config["epochs"]) if config else 1.0
    width = (2 * CHART_W + 2 * AXIS + 3 * MARGIN) * s
    image = Image.new("RGB", (width, (CHART_H + 400) * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    top = (MARGIN + 22) * s
    loss_values = [v for key in ("loss", "smooth_loss", "val_loss") for _, v in c[key]]
    y_max = max(loss_values, default=1.0) * 1.05 or 1.0
    left = (MARGIN + AXIS) * s
    loss_name = LOSS_NAMES.get(config["loss"], config["loss"]) if config else "loss"
    label(draw, (MARGIN * s, MARGIN * s), f"loss (training: {loss_name}; held-out: cross-entropy)", 13 * s)
    _chart(draw, (left, top), (0.0, epochs), (0.0, y_max), [c["loss"], c["smooth_loss"], c["val_loss"]], s)
    right = left + (CHART_W + AXIS + MARGIN) * s
    label(draw, (right - AXIS * s, MARGIN * s), "accuracy", 13 * s)
    _chart(draw, (right, top), (0.0, epochs), (0.0, 1.0),
           [c["accuracy"], c["smooth_accuracy"], c["val_accuracy"]], s)
    y = top + (CHART_H + 34) * s
    _key(draw, (MARGIN * s, y), s)
    y += 24 * s
    y += paragraph(draw, (MARGIN * s, y), recipe_caption(status), width - 2 * MARGIN * s, s, size=13)
    return image.crop((0, 0, width, y + MARGIN * s))


def _chart(draw: ImageDraw.ImageDraw, xy: tuple[int, int], xs: tuple[float, float], ys: tuple[float, float],
           series: Sequence[Points], s: int) -> None:
    """Axes with ticks, then pale batches, their solid average and held-out dots."""
    x0, y0 = xy
    w, h = CHART_W * s, CHART_H * s

    def at(x: float, y: float) -> tuple[float, float]:
        fx, fy = (x - xs[0]) / ((xs[1] - xs[0]) or 1), (y - ys[0]) / ((ys[1] - ys[0]) or 1)
        return (x0 + fx * w, y0 + h - fy * h)

    for i in range(5):
        value = ys[0] + (ys[1] - ys[0]) * i / 4
        _, py = at(xs[0], value)
        draw.line([(x0, py), (x0 + w, py)], fill=CELL_LINES, width=s)
        draw.text((x0 - 6 * s, py), f"{value:.3g}", fill=TEXT, font=font(10 * s), anchor="rm")
    ticks = max(1, round(xs[1]))
    for i in range(ticks + 1):
        px, _ = at(xs[0] + (xs[1] - xs[0]) * i / ticks, ys[0])
        draw.text((px, y0 + h + 4 * s), f"{xs[0] + (xs[1] - xs[0]) * i / ticks:g}", fill=TEXT,
                  font=font(10 * s), anchor="ma")
    draw.rectangle((x0, y0, x0 + w, y0 + h), outline=TEXT, width=s)
    draw.text((x0 + w, y0 + h + 16 * s), "epoch", fill=TEXT, font=font(10 * s), anchor="ra")
    raw, smooth, held = series
    for points, colour, thick in ((raw, PALE, 1), (smooth, ACCENT, 2)):
        if len(points) > 1:
            draw.line([at(x, min(y, ys[1])) for x, y in points], fill=colour, width=thick * s)
    for x, y in held:
        px, py = at(x, min(y, ys[1]))
        draw.ellipse((px - 4 * s, py - 4 * s, px + 4 * s, py + 4 * s), fill=WINDOW)
    if len(held) > 1:
        draw.line([at(x, min(y, ys[1])) for x, y in held], fill=WINDOW, width=2 * s)


def _key(draw: ImageDraw.ImageDraw, xy: tuple[int, int], s: int) -> None:
    x, y = xy
    for colour, text in ((PALE, "each batch"), (ACCENT, "running average (by batch size)"),
                         (WINDOW, "held-out, after each epoch")):
        draw.rectangle((x, y + 2 * s, x + 18 * s, y + 8 * s), fill=colour)
        label(draw, (x + 24 * s, y - s), text, 12 * s)
        x += (24 + 8 * len(text) + 24) * s
