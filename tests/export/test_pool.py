"""Max pooling animated: the last frame's output cells are torch's max_pool2d values in the page's scale."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image

from convscope.data import DigitSource
from convscope.export.palette import output_scale
from convscope.export.pool import CELL, GAP, MARGIN, TITLE, render_pool


def test_the_last_frame_shows_torchs_max_pool_in_the_pages_colours() -> None:
    image = DigitSource().crop(3, 0)  # (20, 20)
    buffer = io.BytesIO()
    note = render_pool(image, buffer, "apng", kernel_size=3, stride=2, padding=1, frames=30)
    assert note == "subsampled: 30 frames show 100 windows (about one frame per 3 windows)"
    expected = torch.nn.functional.max_pool2d(torch.from_numpy(image)[None, None], 3, 2, 1)[0, 0].numpy()
    scale = output_scale(float(expected.min()), float(expected.max()), False)
    with Image.open(buffer) as animation:
        assert animation.n_frames == 30
        animation.seek(29)
        frame = animation.convert("RGB")
    left = MARGIN + 22 * CELL + GAP  # the output grid sits right of the 22x22 padded input
    cell = max(CELL, min(40, 22 * CELL // 10))
    drawn = np.array([[frame.getpixel((left + c * cell + cell // 2, MARGIN + TITLE + r * cell + cell // 2))
                       for c in range(10)] for r in range(10)])
    wanted = np.array([[scale.rgb(v) for v in row] for row in expected])
    assert (drawn == wanted).all()
