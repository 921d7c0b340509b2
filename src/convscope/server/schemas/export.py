"""The export routes' requests: the playground's own request plus how to animate it.

A POST body is a `ConvolveRequest` (so a drawing or a matrix kernel exports as the page shows it) with
``fps`` and ``frames``; a GET takes the same settings as query parameters, so a plain link downloads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from convscope.export.animation import MAX_FPS, MIN_FPS
from convscope.server.schemas.common import STRICT
from convscope.server.schemas.playground import SOURCE_RULE, ConvolveRequest

# What an export route can answer, named in its path: a picture, a script, or the input it loads.
ExportKind = Literal["png", "gif", "apng", "numpy", "torch", "npy"]
MAX_EXPORT_FRAMES = 300  # drawn in the request: ~10 s of a loaded server's time at 1x
DEFAULT_FPS = 10.0
DEFAULT_FRAMES = 120


class PlaygroundExportRequest(ConvolveRequest):
    """The playground's settings (as POST /api/convolve takes them) and the animation's speed and length."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={"examples": [
            {"digit": 3, "index": 0, "kernel": "sobel_x", "padding": 1, "stride": 1, "fps": 10,
             "frames": 120},
        ], **SOURCE_RULE},  # this config replaces ConvolveRequest's, so its rule is stated again
    )

    fps: float = Field(DEFAULT_FPS, ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False,
                       description="Animation frames per second.")
    frames: int = Field(DEFAULT_FRAMES, ge=2, le=MAX_EXPORT_FRAMES,
                        description="The most animation frames; a longer trace is subsampled evenly.")
