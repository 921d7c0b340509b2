"""The 1-D flip-and-slide animation: the lesson's frames, the last one's result curve at the lesson's end."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convscope.export.slide import render_slide
from convscope.lessons.signals import Slide, slide_lesson


@pytest.mark.parametrize(("fmt", "flip"), [("gif", True), ("apng", False)])
def test_the_slide_has_one_frame_per_lesson_frame(fmt: str, flip: bool, tmp_path: Path) -> None:
    setting = Slide("box", "triangle", flip=flip, max_frames=31)
    out = tmp_path / f"slide.{fmt}"
    note = render_slide(setting, out, fmt, fps=20)  # type: ignore[arg-type]
    lesson = slide_lesson(setting)
    assert note == f"subsampled: {len(lesson['frames'])} frames show 241 positions of t (one frame per 8)"
    with Image.open(out) as image:
        assert image.n_frames == len(lesson["frames"]) == 31
        assert image.size == (640, 416)
        assert image.info["duration"] == 50
        first = image.convert("RGB").copy()
        image.seek(image.n_frames - 1)
        last = image.convert("RGB")
        # The result curve (dark ink) grows along the bottom panel: more of it at the end than at the start.
        panel = (0, 230, 640, 380)
        ink = [int((np.asarray(frame.crop(panel)).max(axis=2) < 100).sum()) for frame in (first, last)]
    assert ink[1] > ink[0] + 100


@pytest.mark.slow
def test_every_position_when_frames_allow() -> None:
    assert render_slide(Slide("box", "box", max_frames=241), io.BytesIO(), "gif").startswith("every position")
