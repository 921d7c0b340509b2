"""The Signals, Layers and Matrix & FFT export routes' requests: each page's own request plus the animation's.

A page posts the request it just sent for its lesson (so the export is drawn from the lesson the page
shows), with ``fps`` and ``frames`` for a GIF or APNG. The limits are those of `export.py`'s playground.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from convscope.export.animation import MAX_FPS, MIN_FPS
from convscope.lessons.layers import LayerSetting
from convscope.server.schemas.common import STRICT
from convscope.server.schemas.export import DEFAULT_FPS, DEFAULT_FRAMES, MAX_EXPORT_FRAMES
from convscope.server.schemas.layers import LayersRequest
from convscope.server.schemas.matrix import FftRequest, MatrixRequest, TransposedRequest
from convscope.server.schemas.signals import DropSlideRequest, SlideRequest

# What these routes answer, named in the path: a 2x figure, an animation, or a script.
PageExportKind = Literal["png", "gif", "apng", "numpy", "torch"]
# A still view (the matrix M, the FFT) has no animation: its figure or a script.
StillExportKind = Literal["png", "numpy", "torch"]
FPS_DESCRIPTION = "Animation frames per second (GIF and APNG only)."
FRAMES_DESCRIPTION = "The most animation frames; a longer one is subsampled evenly, first and last kept."


class SlideExportRequest(SlideRequest):
    """The Signals page's flip-and-slide request (POST /api/signals/slide) and the animation's.

    ``max_frames`` is accepted as the page sends it; the export draws every position and subsamples to
    ``frames``.
    """

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"f": "box", "g": "triangle", "flip": True, "repeat": 0, "fps": 10, "frames": 60}]})

    fps: float = Field(DEFAULT_FPS, ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False, description=FPS_DESCRIPTION)
    frames: int = Field(DEFAULT_FRAMES, ge=2, le=MAX_EXPORT_FRAMES, description=FRAMES_DESCRIPTION)


class DropSlideExportRequest(DropSlideRequest):
    """The ball drop's f and g slid on whole steps (POST /api/signals/slide-drops), and the animation's."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"f": [1, 1, 1, 1, 1, 1], "g": [1, 2, 1], "flip": True, "fps": 5, "frames": 60}]})

    fps: float = Field(DEFAULT_FPS, ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False, description=FPS_DESCRIPTION)
    frames: int = Field(DEFAULT_FRAMES, ge=2, le=MAX_EXPORT_FRAMES, description=FRAMES_DESCRIPTION)


class LayersExportRequest(LayersRequest):
    """The Layers page's request (POST /api/layers) and the pooling animation's speed and length."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"input": "shapes", "filters": 4, "kernel_size": 3, "padding": 1, "activation": "relu",
         "pool_kernel_size": 2, "pool_stride": 2, "fps": 5, "frames": 120}]})

    fps: float = Field(5.0, ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False, description=FPS_DESCRIPTION)
    frames: int = Field(DEFAULT_FRAMES, ge=2, le=MAX_EXPORT_FRAMES, description=FRAMES_DESCRIPTION)

    def setting(self) -> LayerSetting:
        """The lesson's setting: the page's fields, without the animation's."""
        page = LayersRequest.model_validate(self.model_dump(exclude={"fps", "frames"}))
        return page.setting()


class TransposedExportRequest(TransposedRequest):
    """The transposed convolution's request (POST /api/matrix/transposed) and the animation's."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"input_size": 3, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1, "fps": 2,
         "frames": 10}]})

    fps: float = Field(2.0, ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False, description=FPS_DESCRIPTION)
    frames: int = Field(DEFAULT_FRAMES, ge=2, le=MAX_EXPORT_FRAMES, description=FRAMES_DESCRIPTION)


class MatrixExportRequest(MatrixRequest):
    """The weight-sharing matrix's request (POST /api/matrix/matrix), exported as it is: no animation."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"dims": 1, "size": 8, "kernel_size": 3}, {"dims": 2, "size": 6, "kernel_size": 3, "padding": 1}]})


class FftExportRequest(FftRequest):
    """The FFT's request (POST /api/matrix/fft) and whether the page shows the phases."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"signal": [1, 2, 3, 4], "kernel": [1, 1], "zero_pad": False, "phase": True}]})

    phase: bool = Field(False, description="Draw the phase spectra too, as the page does when asked "
                        "(PNG only).")
