"""The Layers page exported: the layer as one figure (input slices, output maps, activation, four poolings)
and max pooling's windows over the activated map as an animation.

Both come from `convscope.lessons.layers.layers_lesson`, the record the page draws, so the figure's maps
and the animation's last frame are the page's numbers for the same request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageDraw

from convscope.export.animation import Format, write_animation
from convscope.export.canvas import GridBox, fill_cells, label
from convscope.export.legend import colour_bar, paragraph
from convscope.export.pages_palette import on_one_palette
from convscope.export.palette import BACKGROUND, DIVERGING, INPUT_SCALE, TEXT, Rgb, Scale, output_scale
from convscope.export.pool import pool_painter
from convscope.lessons.layers import LayerSetting
from convscope.lessons.layers_records import LayersLesson

FIGURE_SCALE = 2
WIDTH, MARGIN, MAP, GAP = 760, 16, 84, 14  # at 1x: the figure's width, margins, a map's side, gaps
# volume.js's TINTS: each colour slice from black to its own colour, so a slice reads as "how much red".
TINTS: dict[str, Rgb] = {"red": (230, 40, 30), "green": (30, 170, 50), "blue": (40, 80, 235)}


@dataclass(frozen=True)
class _Map:
    """One grid of the figure: its title, its (rows, cols) and the colour of each cell."""

    title: str
    size: tuple[int, int]
    colour: Callable[[int, int], Rgb]

    @classmethod
    def of(cls, title: str, values: list[list[float]], scale: Scale) -> _Map:
        """A map of ``values`` (H, W) coloured by ``scale``."""
        return cls(title, (len(values), len(values[0])), lambda r, c: scale.rgb(values[r][c]))


def describe_layers(setting: LayerSetting) -> str:
    """One line for a caption: input, filters, convolution, activation and pooling settings.

    Examples
    --------
    >>> describe_layers(LayerSetting())
    'input shapes · 4 named filters 3x3 · stride 1 · padding 1 · relu · pool 2x2 stride 2 padding 0'
    """
    source = f"digit {setting.digit} (example {setting.index})" if setting.input == "digit" else setting.input
    init = "named" if setting.init == "named" else f"random (seed {setting.seed})"
    act: str = setting.activation
    if act == "leaky_relu":
        act += f" (slope {setting.negative_slope:g})"
    k, pk = setting.kernel_size, setting.pool_kernel_size
    return (f"input {source} · {setting.filters} {init} filters {k}x{k} · stride {setting.stride} · "
            f"padding {setting.padding} · {act} · pool {pk}x{pk} stride {setting.pool_stride} "
            f"padding {setting.pool_padding}")


def _own_scale(values: list[list[float]]) -> Scale:
    """A map's own scale, as the page colours each output map: diverging with negatives, else greys."""
    array = np.asarray(values, dtype=np.float64)
    return output_scale(float(array.min()), float(array.max()), False)


def _row(draw: ImageDraw.ImageDraw, y: int, heading: str, maps: list[_Map], s: int) -> int:
    """A heading and the maps left to right, wrapping at the figure's width; returns the next free y."""
    label(draw, (MARGIN * s, y), heading, 13 * s)
    x, y = MARGIN * s, y + 20 * s
    for item in maps:
        rows, cols = item.size
        cell = max(1, MAP * s // max(rows, cols))
        if x + cols * cell > (WIDTH - MARGIN) * s:
            x, y = MARGIN * s, y + (MAP + 18 + GAP) * s
        box = GridBox(x, y + 16 * s, rows, cols, cell)
        label(draw, (x, y), item.title, 11 * s)
        fill_cells(draw, box, item.colour)
        draw.rectangle((box.x - 1, box.y - 1, box.x + box.width, box.y + box.height), outline=TEXT)
        x += max(cols * cell, 60 * s) + GAP * s
    return y + (MAP + 18 + GAP + 8) * s


def _input_maps(lesson: LayersLesson) -> list[_Map]:
    """The input as the page shows it: a colour picture and one tinted slice per channel (or one grey)."""
    slices, names = lesson["input"]["slices"], lesson["input"]["channel_names"]
    size = (len(slices[0]), len(slices[0][0]))
    maps = [_Map.of(name, grid, Scale("sequential", 0.0, 1.0, ((0, 0, 0), TINTS[name])) if name in TINTS
                    else INPUT_SCALE) for name, grid in zip(names, slices, strict=True)]
    if len(slices) != 3:
        return maps

    def picture(r: int, c: int) -> Rgb:
        red, green, blue = (min(255, max(0, round(255 * grid[r][c]))) for grid in slices)
        return (red, green, blue)

    return [_Map("picture", size, picture), *maps]


def layers_figure(lesson: LayersLesson, caption: str, scale: int = FIGURE_SCALE) -> Image.Image:
    """The layer for slides: input slices, one map per filter, the activation, four poolings, and legends.

    Examples
    --------
    >>> from convscope.lessons.layers import layers_lesson
    >>> setting = LayerSetting(filters=2)
    >>> layers_figure(layers_lesson(setting), describe_layers(setting)).width
    1520
    """
    s = scale
    image = Image.new("RGB", (WIDTH * s, 2000 * s), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inp = lesson["input"]
    f = lesson["unit"]["filter"]
    c, h, w = len(inp["slices"]), len(inp["slices"][0]), len(inp["slices"][0][0])
    y = _row(draw, MARGIN * s, f"Input {c} x {h} x {w} ({inp['label']})", _input_maps(lesson), s)
    shape = " x ".join(map(str, lesson["output_shape"]))
    maps = [_Map.of(f"{i + 1}: {flt['label']}"[:18], grid, _own_scale(grid))
            for i, (flt, grid) in enumerate(zip(lesson["filters"], lesson["output"], strict=True))]
    y = _row(draw, y, f"Output volume {shape}: one map per filter, each on its own scale", maps, s)
    act, pool = lesson["activation"], lesson["pooling"]
    after = [_Map.of(f"map {f + 1}", act["before"], _own_scale(act["before"])),
             _Map.of(act["label"], act["after"], _own_scale(act["after"]))]
    after += [_Map.of(kind["label"], kind["output"], _own_scale(kind["output"])) for kind in pool["kinds"]]
    k = pool["kernel_size"]
    y = _row(draw, y, f"Map {f + 1} through {act['label']}, then pooled {k}x{k} with stride {pool['stride']} "
             "(max, average, sum, L2)", after, s)
    y += colour_bar(draw, (MARGIN * s, y), INPUT_SCALE, "input (paper 0 -> ink 1)", s) + 4 * s
    colour_bar(draw, (MARGIN * s + 240 * s, y - 52 * s), Scale("diverging", -1.0, 1.0, DIVERGING),
               "maps with negatives: blue < 0 < red, ends at +-max", s)
    text = (MARGIN * s, y)
    y += paragraph(draw, text, caption, (WIDTH - 2 * MARGIN) * s, s, size=13) + 4 * s
    summary = (f"Each filter is as deep as the input ({c} channels); output {shape}. "
               f"{lesson['explanation']['summary']}")
    y += paragraph(draw, (MARGIN * s, y), summary, (WIDTH - 2 * MARGIN) * s, s) + MARGIN * s
    return image.crop((0, 0, image.width, y))


def layers_animation(lesson: LayersLesson, out: Path | BinaryIO, fmt: Format, fps: float = 5.0,
                     frames: int = 120) -> str:
    """Max pooling's windows over the activated map, as a GIF or APNG; returns the subsampling note.

    Examples
    --------
    >>> import io
    >>> from convscope.lessons.layers import layers_lesson
    >>> layers_animation(layers_lesson(LayerSetting(filters=1)), io.BytesIO(), "gif", frames=40)
    'subsampled: 40 frames show 256 windows (about one frame per 7 windows)'
    """
    pool = lesson["pooling"]
    after = np.asarray(lesson["activation"]["after"], dtype=np.float64)  # (oH, oW): the map pooled
    painter, plan = pool_painter(after, pool["kernel_size"], pool["stride"], pool["padding"], frames, fps)
    pictures = (painter.frame(step) for step in plan.steps)  # drawn as written, never all held at once
    samples = [painter.frame(plan.steps[0]), painter.frame(plan.steps[-1])]  # nothing pooled yet; all pooled
    write_animation(on_one_palette(pictures, samples, fmt), out, fmt, plan.fps)
    return plan.note
