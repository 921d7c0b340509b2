"""The export routes: the playground as a PNG figure, a GIF or APNG animation, or a script reproducing it.

``GET /api/export/playground/{kind}?digit=3&kernel=sobel_x&padding=1`` answers a file (a plain link
downloads it); ``POST`` the same path with the playground's JSON request for a drawing or a matrix kernel.
Each route validates, calls `convscope.export`, and encodes. Nothing else happens here.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.export import INPUT_FILE, PlaygroundSettings, as_matrix, playground_code, render_playground
from convscope.export.animation import MAX_FPS, MIN_FPS
from convscope.export.network_figure import network_figure
from convscope.lessons.network import predict, preprocess
from convscope.lessons.playground_inputs import DIGIT_BOX, digit_at_size, textbook_input
from convscope.server.routes.network import network_state
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.export import (
    DEFAULT_FPS,
    DEFAULT_FRAMES,
    MAX_EXPORT_FRAMES,
    ExportKind,
    PlaygroundExportRequest,
)
from convscope.server.schemas.network import NetworkInput, PredictRequest
from convscope.server.schemas.playground import MAX_DILATION, MAX_KERNEL_SIDE, MAX_PADDING, MAX_STRIDE

MEDIA = {"png": "image/png", "gif": "image/gif", "apng": "image/apng", "numpy": "text/x-python",
         "torch": "text/x-python", "npy": "application/octet-stream"}
FILENAMES = {"png": "convscope-playground.png", "gif": "convscope-playground.gif",
             "apng": "convscope-playground.apng", "numpy": "convscope_playground_numpy.py",
             "torch": "convscope_playground_torch.py", "npy": INPUT_FILE}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file, as an attachment.",
          "content": {media: {} for media in sorted(set(MEDIA.values()))}},
    **error_answers(**{"400": "Unknown kernel, a kernel that fits nowhere (for a script), a trace too "
                       "large to draw, or `npy` asked for a digit (it is for your own image)."}),
}
_PNG_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The figure, as an attachment.", "content": {"image/png": {}}},
    **error_answers(**{"400": "`index` is past the last example, or the drawing is unusable."}),
}
Kind = Annotated[ExportKind, PathParam(description="png (2x figure), gif, apng, numpy or torch (a script), "
                                       "npy (your image, which the script loads)")]


def export_router(source: DigitSource) -> APIRouter:
    """The export routes, reading digits from ``source``."""
    router = APIRouter(tags=["export"])

    @router.get("/api/export/playground/{kind}", response_class=Response, responses=_ANSWERS)
    def export_link(
        kind: Kind,
        digit: Annotated[int, Query(ge=0, le=9, description="MNIST digit class.")] = 3,
        index: Annotated[int, Query(ge=0, description="Which example of the digit.")] = 0,
        kernel: Annotated[str, Query(min_length=1, max_length=40, description="A kernel name.")] = "ones",
        kernel_size: Annotated[int | None, Query(ge=1, le=MAX_KERNEL_SIDE)] = None,
        padding: Annotated[int, Query(ge=0, le=MAX_PADDING)] = 0,
        stride: Annotated[int, Query(ge=1, le=MAX_STRIDE)] = 1,
        dilation: Annotated[int, Query(ge=1, le=MAX_DILATION)] = 1,
        fps: Annotated[float, Query(ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False,
                                     description="Animation frames per second.")] = DEFAULT_FPS,
        frames: Annotated[int, Query(ge=2, le=MAX_EXPORT_FRAMES)] = DEFAULT_FRAMES,
    ) -> Response:
        """The playground for these settings as a file: a link to it downloads it."""
        settings = PlaygroundSettings(digit, index, kernel, kernel_size, padding, stride, dilation)
        return _export(settings, kind, fps, frames, source)

    @router.post("/api/export/playground/{kind}", response_class=Response, responses=_ANSWERS)
    def export_request(kind: Kind, request: PlaygroundExportRequest) -> Response:
        """The playground for this request (a drawing, a matrix kernel) as a file."""
        return _export(settings_from(request, source), kind, request.fps, request.frames, source)

    @router.get("/api/export/network/png", response_class=Response, responses=_PNG_ANSWERS)
    def network_link(
        request: Request,
        digit: Annotated[int, Query(ge=0, le=9, description="MNIST digit class.")] = 7,
        index: Annotated[int, Query(ge=0, description="Which example of the digit.")] = 0,
    ) -> Response:
        """The network explorer for this digit as a 2x PNG figure: input, feature maps, probabilities."""
        return _network_png(request, NetworkInput(image=None, digit=digit, index=index, model=None), source)

    @router.post("/api/export/network/png", response_class=Response, responses=_PNG_ANSWERS)
    def network_request(body: PredictRequest, request: Request) -> Response:
        """The network explorer for this drawing or digit as a 2x PNG figure."""
        # PredictRequest, not NetworkInput: its schema states "image or digit, not both".
        return _network_png(request, body, source)

    return router


def _network_png(request: Request, body: NetworkInput, source: DigitSource) -> Response:
    """Predict with the active model, as the page does, and draw the figure."""
    which, model = network_state(request).model(body.model)
    lesson = predict(model, which, preprocess(source, body.image, body.digit, body.index or 0))
    shown = "your drawing" if body.image is not None else f"digit {body.digit} (example {body.index or 0})"
    guess = "" if lesson["prediction"] is None else f" · prediction {lesson['prediction']}"
    buffer = io.BytesIO()
    network_figure(lesson, f"{shown} · {which} LeNet{guess}").save(buffer, format="PNG", optimize=True)
    headers = {"Content-Disposition": 'attachment; filename="convscope-network.png"'}
    return Response(buffer.getvalue(), media_type="image/png", headers=headers)


def settings_from(request: PlaygroundExportRequest, source: DigitSource) -> PlaygroundSettings:
    """The export settings for the playground's request.

    A textbook example or a digit at another size than the page's 20x20 box travels as its numbers, as a
    drawing does, so the figure and the script show exactly the input the page shows.
    """
    image = None if request.image is None else as_matrix(request.image)
    if request.example is not None:
        image = as_matrix(textbook_input(request.example))
    elif image is None and request.input_size not in (None, DIGIT_BOX):
        assert request.digit is not None  # the request model requires an input
        assert request.input_size is not None
        image = as_matrix(digit_at_size(source, request.digit, request.index or 0, request.input_size))
    kernel = request.kernel if isinstance(request.kernel, str) else as_matrix(request.kernel)
    return PlaygroundSettings(request.digit or 0, request.index or 0, kernel, request.kernel_size,
                              request.padding, request.stride, request.dilation, image)


def _export(settings: PlaygroundSettings, kind: ExportKind, fps: float, frames: int,
            source: DigitSource) -> Response:
    """Encode one export; a `SettingError` from the lesson becomes the 400 naming its field."""
    buffer = io.BytesIO()
    if kind == "numpy" or kind == "torch":
        buffer.write(playground_code(settings, kind).encode())
    elif kind == "npy":
        if settings.image is None:
            raise SettingError("kind", "npy is your own image, saved for the script; a digit's script "
                               "loads the digit itself")
        np.save(buffer, settings.image_array())
    else:
        render_playground(settings, buffer, kind, fps=fps, max_frames=frames, source=source)
    headers = {"Content-Disposition": f'attachment; filename="{FILENAMES[kind]}"'}
    return Response(buffer.getvalue(), media_type=MEDIA[kind], headers=headers)
