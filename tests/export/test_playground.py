"""The playground's figure and animations, decoded with Pillow and checked against the lesson they draw."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convscope.export import PlaygroundSettings, plan_animation, playground_lesson, render_playground
from convscope.export.playground_frame import frame_layout, scale_of
from convscope.lessons.playground_steps import step_count

SLIDE = PlaygroundSettings(digit=3, kernel="sobel_x", padding=1, stride=2)  # diverging, floored
BLUR = PlaygroundSettings(digit=7, kernel="box", kernel_size=3, stride=3)  # sequential greys, 36 windows


def output_colours(image: Image.Image, settings: PlaygroundSettings, scale: int) -> tuple[np.ndarray, ...]:
    """Each output cell's colour as drawn (a pixel away from its text) and as the page's scale gives it."""
    lesson = playground_lesson(settings)
    box = frame_layout(lesson, scale).output
    assert box is not None
    rgb = image.convert("RGB")
    drawn, wanted = [], []
    for r, row in enumerate(lesson["output"]):
        for c, value in enumerate(row):
            x0, y0, _, _ = box.cell_rect(r, c)
            drawn.append(rgb.getpixel((x0 + box.cell // 5, y0 + box.cell // 5)))
            wanted.append(scale_of(lesson).rgb(value))
    return np.array(drawn, dtype=int), np.array(wanted, dtype=int)


@pytest.mark.parametrize("fmt", ["gif", "apng"])
@pytest.mark.parametrize("settings", [SLIDE, BLUR], ids=["sobel", "blur"])
def test_the_animation_has_the_planned_frames_and_ends_on_the_lessons_output(
        fmt: str, settings: PlaygroundSettings, tmp_path: Path) -> None:
    out = tmp_path / f"conv.{fmt}"
    note = render_playground(settings, out, fmt, fps=12.5, max_frames=40)  # type: ignore[arg-type]
    lesson = playground_lesson(settings)
    plan = plan_animation(step_count(lesson), 40, 12.5)
    with Image.open(out) as image:
        assert image.n_frames == len(plan.steps) == min(40, step_count(lesson) + 1)
        layout = frame_layout(lesson, 1)
        assert image.size == (layout.width, layout.height)
        assert image.info["duration"] == 80  # 12.5 fps
        image.seek(image.n_frames - 1)
        drawn, wanted = output_colours(image, settings, 1)
    # A GIF frame has at most 256 colours: each drawn colour is within quantisation of the scale's.
    tolerance = 12 if fmt == "gif" else 0
    assert np.abs(drawn - wanted).max() <= tolerance
    assert ("subsampled" in note) == (step_count(lesson) + 1 > 40)


def test_the_first_frame_has_no_output_yet(tmp_path: Path) -> None:
    out = tmp_path / "conv.apng"
    render_playground(BLUR, out, "apng")
    with Image.open(out) as image:
        drawn, _ = output_colours(image, BLUR, 1)
    assert (drawn == (223, 227, 232)).all()  # config.js COLORS.notYet: nothing computed at step 0


def test_the_png_figure_is_twice_the_page_with_the_legend_and_settings_under_it(tmp_path: Path) -> None:
    out = tmp_path / "slide.png"
    assert render_playground(SLIDE, out, "png").startswith("figure ")
    lesson = playground_lesson(SLIDE)
    one, two = frame_layout(lesson, 1), frame_layout(lesson, 2)
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.width == two.width == 2 * one.width
        assert image.height > two.height + 100  # the legend, the settings and the explanation below
        drawn, wanted = output_colours(image, SLIDE, 2)
        below = np.asarray(image.convert("L").crop((0, two.height, image.width, image.height)))
    assert (drawn == wanted).all()  # PNG is lossless: exactly the page's colours
    assert (below < 128).sum() > 2000  # ink under the grids: bars and text, not an empty strip


def test_long_traces_are_subsampled_evenly_keeping_both_ends() -> None:
    plan = plan_animation(400, frames=120, fps=10)
    assert plan.steps[0] == 0
    assert plan.steps[-1] == 400
    assert len(plan.steps) == 120
    gaps = np.diff(plan.steps)
    assert gaps.min() >= 3
    assert gaps.max() <= 4
    assert plan.subsampled
    assert "subsampled: 120 frames show 400 windows" in plan.note
    assert not plan_animation(20, frames=120).subsampled


@pytest.mark.parametrize(("frames", "fps", "field"), [(1, 10, "frames"), (10, 0, "fps"), (10, 1e-300, "fps"),
                                                       (10, 90, "fps")])
def test_bad_animation_settings_name_the_field(frames: int, fps: float, field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}: "):
        plan_animation(100, frames, fps)
