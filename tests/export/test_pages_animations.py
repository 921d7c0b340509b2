"""The Signals, Layers and Matrix & FFT pages' figures and animations: frame counts, sizes, the last frame.

Each last frame is checked against the lesson the page draws: the slide's dot sits on the result's last
value, max pooling's output cells are torch's max_pool2d of the activated map in the page's colours, and
the transposed convolution's output cells are conv_transpose2d's values in theirs.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image

from convscope.export import pool as pool_layout
from convscope.export import transposed as transposed_layout
from convscope.export.animation import Format
from convscope.export.pages_layers import layers_animation, layers_figure
from convscope.export.pages_matrix import transposed_animation, transposed_figure
from convscope.export.pages_signals import full_slide_lesson, slide_animation, slide_figure
from convscope.export.palette import WINDOW, output_scale
from convscope.export.slide import MARGIN, PANEL, WIDTH, _Plot, _range
from convscope.lessons.drop_slide import DropSlide
from convscope.lessons.layers import LayerSetting, layers_lesson
from convscope.lessons.signals import Slide
from convscope.lessons.transposed import TransposedSetting, transposed_lesson


def _frames(data: bytes) -> tuple[int, tuple[int, int], Image.Image, list[int]]:
    """Frame count, size, the last frame (RGB) and each frame's duration."""
    with Image.open(io.BytesIO(data)) as image:
        count, size, durations = image.n_frames, image.size, []
        for i in range(count):
            image.seek(i)
            durations.append(image.info["duration"])
        last = image.convert("RGB")
    return count, size, last, durations


@pytest.mark.parametrize(("setting", "fmt", "frames", "shown"), [
    (Slide("box", "triangle"), "apng", 25, 25),
    (DropSlide(np.ones(6), np.array([1.0, 2.0, 1.0]), flip=False), "gif", 60, 8),  # 8 positions: all shown
])
def test_the_slide_animation_is_subsampled_and_ends_on_the_last_position(setting: Slide | DropSlide,
                                                                         fmt: Format, frames: int,
                                                                         shown: int) -> None:
    lesson = full_slide_lesson(setting)
    buffer = io.BytesIO()
    note = slide_animation(lesson, buffer, fmt, fps=20, frames=frames)
    count, size, last, durations = _frames(buffer.getvalue())
    total = len(lesson["t"])
    assert count == shown
    assert note.startswith("subsampled" if shown < total else "every position")
    assert size == (640, 416)
    assert durations[0] == 50
    # The dot on the result panel marks (t, result) of the last position: the lesson's last value.
    s, t, result = 1, lesson["t"], lesson["result"]
    y0 = MARGIN + 20 + PANEL + MARGIN + 20
    bottom = _Plot((MARGIN, y0, WIDTH - MARGIN, y0 + PANEL), (t[0], t[-1]), _range(result))
    x, y = bottom(t[-1], result[-1])
    assert last.getpixel((round(x) - 2 * s, round(y))) == WINDOW


def test_the_slide_figure_is_twice_the_page_and_taller_than_an_animation_frame() -> None:
    image = slide_figure(full_slide_lesson(Slide("box", "box")), "f box · g box")
    assert image.width == 2 * WIDTH
    assert image.height > 2 * 416


def test_the_pooling_animation_ends_on_torchs_max_pool_of_the_activated_map() -> None:
    setting = LayerSetting(input="digit", filters=2, activation="tanh", pool_kernel_size=3, pool_stride=2,
                           pool_padding=1)
    lesson = layers_lesson(setting)
    buffer = io.BytesIO()
    note = layers_animation(lesson, buffer, "apng", fps=8, frames=12)
    count, (width, _height), last, durations = _frames(buffer.getvalue())
    assert count == 12
    assert note.startswith("subsampled: 12 frames show 196 windows")
    assert durations[0] == 125
    after = torch.tensor(lesson["activation"]["after"])[None, None]  # (1, 1, 28, 28)
    expected = F.max_pool2d(after, 3, 2, 1)[0, 0].numpy()  # (14, 14)
    np.testing.assert_allclose(expected, lesson["pooling"]["kinds"][0]["output"], atol=1e-12)
    scale = output_scale(float(expected.min()), float(expected.max()), False)
    cell, side = pool_layout.CELL, 30  # the padded input is 30x30
    left, top = pool_layout.MARGIN + side * cell + pool_layout.GAP, pool_layout.MARGIN + pool_layout.TITLE
    out_cell = max(cell, min(40, side * cell // 14))
    assert width == left + 14 * out_cell + pool_layout.MARGIN
    drawn = np.array([[last.getpixel((left + c * out_cell + 2, top + r * out_cell + 2)) for c in range(14)]
                      for r in range(14)])
    assert (drawn == np.array([[scale.rgb(v) for v in row] for row in expected])).all()


def test_the_layers_figure_grows_with_the_filters() -> None:
    small = layers_figure(layers_lesson(LayerSetting(filters=1)), "one filter")
    large = layers_figure(layers_lesson(LayerSetting(filters=16, init="random")), "sixteen filters")
    assert small.width == large.width == 1520
    assert large.height > small.height


@pytest.mark.parametrize(("frames", "count"), [(120, 17), (5, 5)])
def test_the_transposed_animation_ends_on_conv_transpose2d(frames: int, count: int) -> None:
    setting = TransposedSetting(input_size=4, kernel_size=3, stride=2, padding=1, output_padding=1)
    lesson = transposed_lesson(setting)
    buffer = io.BytesIO()
    note = transposed_animation(lesson, buffer, "gif", fps=4, frames=frames)
    got, _, last, durations = _frames(buffer.getvalue())
    assert got == count
    assert durations[0] == 250
    assert note.startswith("every input" if count == 17 else "subsampled: 5 frames show 16 inputs")
    x, w = (torch.tensor(v, dtype=torch.float64)[None, None] for v in (lesson["input"], lesson["kernel"]))
    expected = F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)[0, 0].numpy()  # (8, 8)
    scale = output_scale(float(expected.min()), float(expected.max()), False)
    cell, margin = transposed_layout.CELL, transposed_layout.MARGIN
    left, top = margin + 4 * cell + transposed_layout.GAP, margin + transposed_layout.TITLE
    # A cell's corner: its middle holds the written value. GIF quantises: within a few levels.
    drawn = np.array([[last.getpixel((left + c * cell + 3, top + r * cell + 3)) for c in range(8)]
                      for r in range(8)], dtype=float)
    wanted = np.array([[scale.rgb(v) for v in row] for row in expected], dtype=float)
    assert np.abs(drawn - wanted).max() <= 8


def test_the_transposed_figure_colours_each_output_cell_by_its_value() -> None:
    lesson = transposed_lesson(TransposedSetting(input_size=2, kernel_size=3, stride=2))
    image = transposed_figure(lesson, "caption")
    out = np.asarray(lesson["output"])  # (5, 5)
    scale = output_scale(float(out.min()), float(out.max()), False)
    s, cell = 2, 2 * 34
    left = s * 16 + (2 * cell + s * 28) + (3 * cell + s * 28)  # after x (2 wide) and the kernel (3 wide)
    top = s * (16 + 22)
    drawn = [[image.getpixel((left + c * cell + 4, top + r * cell + 4)) for c in range(5)] for r in range(5)]
    assert drawn == [[scale.rgb(v) for v in row] for row in out]
