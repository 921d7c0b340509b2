"""The transposed convolution's scatter animation ends on torch's conv_transpose2d, in the page's colours."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image

from convscope.export.palette import output_scale
from convscope.export.transposed import CELL, GAP, MARGIN, TITLE, render_transposed


def test_the_last_frame_is_torchs_transposed_convolution() -> None:
    x = np.array([[1.0, 2.0, 0.5], [3.0, -1.0, 2.0]])
    k = np.array([[1.0, 2.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    buffer = io.BytesIO()
    note = render_transposed(x, k, buffer, "apng", stride=2, padding=1)
    assert note == "every input: 6 inputs painted, 7 frames"
    xt, kt = torch.from_numpy(x)[None, None], torch.from_numpy(k)[None, None]
    expected = torch.nn.functional.conv_transpose2d(xt, kt, stride=2, padding=1)[0, 0].numpy()  # (3, 5)
    scale = output_scale(float(expected.min()), float(expected.max()), False)
    with Image.open(buffer) as animation:
        assert animation.n_frames == 7
        animation.seek(6)
        frame = animation.convert("RGB")
    left = MARGIN + 3 * CELL + GAP
    # A pixel near each cell's corner: away from the value written in its middle and the outline on its edge.
    drawn = np.array([[frame.getpixel((left + c * CELL + 6, MARGIN + TITLE + r * CELL + 6))
                       for c in range(expected.shape[1])] for r in range(expected.shape[0])])
    assert (drawn == np.array([[scale.rgb(v) for v in row] for row in expected])).all()
