"""The Signals, Layers and Matrix & FFT pages exported: a 2x PNG figure, a GIF or APNG animation, a script.

``POST /api/export/{page}/{kind}`` with the request the page just sent for its lesson (plus ``fps`` and
``frames`` for an animation) answers the file as an attachment; an animation's ``X-Export-Note`` header
says whether it was subsampled. The Matrix & FFT page's still views (``matrix-m``, the weight-sharing
matrix, and ``fft``) answer only ``png``, ``numpy`` and ``torch``. Each route validates, calls
`convscope.export`, and encodes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Annotated, Any, BinaryIO

import numpy as np
from fastapi import APIRouter, Response
from fastapi import Path as PathParam
from PIL import Image

from convscope.data import DigitSource
from convscope.export.animation import Format
from convscope.export.pages_code import layers_code, matrix_code, signals_code
from convscope.export.pages_code_mfft import fft_code, matrix_m_code
from convscope.export.pages_fft import describe_fft, fft_figure
from convscope.export.pages_layers import describe_layers, layers_animation, layers_figure
from convscope.export.pages_matrix import describe_transposed, transposed_animation, transposed_figure
from convscope.export.pages_matrix_m import describe_matrix, matrix_figure
from convscope.export.pages_signals import (
    SlideSetting,
    describe_slide,
    full_slide_lesson,
    slide_animation,
    slide_figure,
)
from convscope.lessons.drop_slide import DropSlide
from convscope.lessons.layers import layers_lesson
from convscope.lessons.matrix import MatrixSetting, crop_origin, matrix_lesson
from convscope.lessons.signals import Slide
from convscope.lessons.spectra import FftSetting, fft_lesson
from convscope.lessons.transposed import TransposedSetting, transposed_lesson
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.export_pages import (
    DropSlideExportRequest,
    FftExportRequest,
    LayersExportRequest,
    MatrixExportRequest,
    PageExportKind,
    SlideExportRequest,
    StillExportKind,
    TransposedExportRequest,
)

NOTE_HEADER = "X-Export-Note"  # an animation's subsampling, for the panel to say
MEDIA = {"png": "image/png", "gif": "image/gif", "apng": "image/apng", "numpy": "text/x-python",
         "torch": "text/x-python"}
Kind = Annotated[PageExportKind, PathParam(description="png (the 2x figure with its legend and settings), "
                                           "gif or apng (the animation), numpy or torch (a script)")]
StillKind = Annotated[StillExportKind, PathParam(
    description="png (the 2x figure with its legend and settings), numpy or torch (a script)")]


def _answers(refusals: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers: the file, or a 4xx naming the field."""
    return {
        200: {"description": f"The file, as an attachment. An animation's `{NOTE_HEADER}` header says how "
              "many frames show how many steps (subsampled or not).",
              "content": {media: {} for media in sorted(set(MEDIA.values()))},
              "headers": {NOTE_HEADER: {"description": "GIF and APNG only: what the animation shows.",
                                        "schema": {"type": "string"}}}},
        **error_answers(**{"400": refusals}),
    }


def export_pages_router(source: DigitSource) -> APIRouter:
    """The export routes of the Signals, Layers and Matrix & FFT pages, reading digits from ``source``."""
    router = APIRouter(tags=["export"])

    @router.post("/api/export/signals/{kind}", response_class=Response,
                 responses=_answers("An unknown signal name."))
    def signals(kind: Kind, request: SlideExportRequest) -> Response:
        """Flip-and-slide of named or drawn signals: the figure, the slide animated, or the script."""
        f, g = (v if isinstance(v, str) else np.asarray(v, dtype=np.float64) for v in (request.f, request.g))
        return _slide(kind, Slide(f, g, request.flip, request.max_frames, request.repeat), request.fps,
                      request.frames)

    @router.post("/api/export/signals-drops/{kind}", response_class=Response,
                 responses=_answers("Negative or all-zero weights."))
    def signals_drops(kind: Kind, request: DropSlideExportRequest) -> Response:
        """Flip-and-slide of the ball drop's f and g on whole steps: figure, animation or script."""
        setting = DropSlide(np.asarray(request.f, dtype=np.float64), np.asarray(request.g, dtype=np.float64),
                            request.flip, request.repeat, request.max_frames)
        return _slide(kind, setting, request.fps, request.frames)

    @router.post("/api/export/layers/{kind}", response_class=Response, responses=_answers(
        "More named filters than exist at this kernel size, pool padding above half the pool kernel, a pool "
        "kernel larger than the map, a unit outside the output, or an MNIST example that is not there."))
    def layers(kind: Kind, request: LayersExportRequest) -> Response:
        """The layer's figure, max pooling's windows animated, or the script (convscope or PyTorch)."""
        setting = request.setting()
        lesson = layers_lesson(setting, source)  # also checks what only the lesson can judge
        return _file("layers", kind, figure=lambda: layers_figure(lesson, describe_layers(setting)),
                     animate=lambda out, fmt: layers_animation(lesson, out, fmt, request.fps, request.frames),
                     code=lambda framework: layers_code(setting, framework, lesson["unit"]["filter"]))

    @router.post("/api/export/matrix/{kind}", response_class=Response, responses=_answers(
        "`output_padding` not smaller than the stride or the dilation, or padding that crops everything."))
    def matrix(kind: Kind, request: TransposedExportRequest) -> Response:
        """The transposed convolution's figure, its scatter animated, or the script."""
        setting = TransposedSetting(**request.model_dump(exclude={"fps", "frames"}))
        lesson = transposed_lesson(setting)
        return _file("matrix", kind, figure=lambda: transposed_figure(lesson, describe_transposed(setting)),
                     animate=lambda out, fmt: transposed_animation(lesson, out, fmt, request.fps,
                                                                   request.frames),
                     code=lambda framework: matrix_code(setting, framework))

    @router.post("/api/export/matrix-m/{kind}", response_class=Response, responses=_answers(
        "The kernel does not fit the padded input, a size is outside the range of its dims, or there is no "
        "such example of the digit."))
    def matrix_m(kind: StillKind, request: MatrixExportRequest) -> Response:
        """The weight-sharing matrix M: its figure, or the script building M and checking it."""
        setting = MatrixSetting(**request.model_dump())
        lesson = matrix_lesson(setting, source)
        origin = crop_origin(setting, source) if setting.dims == 2 else (0, 0)
        return _file("matrix-m", kind, figure=lambda: matrix_figure(lesson, describe_matrix(setting)),
                     animate=_still, code=lambda framework: matrix_m_code(setting, framework, origin))

    @router.post("/api/export/fft/{kind}", response_class=Response,
                 responses=_answers("Without zero padding, a kernel longer than the signal."))
    def fft(kind: StillKind, request: FftExportRequest) -> Response:
        """Convolution through the FFT: its figure, or the script with numpy.fft or torch.fft."""
        setting = FftSetting(tuple(request.signal), tuple(request.kernel), request.zero_pad)
        lesson = fft_lesson(setting)
        return _file("fft", kind, figure=lambda: fft_figure(lesson, describe_fft(setting), request.phase),
                     animate=_still, code=lambda framework: fft_code(setting, framework))

    return router


def _still(out: BinaryIO, fmt: Format) -> str:
    """A still view's animation: never asked for, its path takes only png, numpy and torch."""
    raise AssertionError(f"no {fmt} animation for a still view")


def _slide(kind: PageExportKind, setting: SlideSetting, fps: float, frames: int) -> Response:
    lesson = full_slide_lesson(setting)  # checks the signals (a `SettingError` names the field)
    return _file("signals", kind, figure=lambda: slide_figure(lesson, describe_slide(setting)),
                 animate=lambda out, fmt: slide_animation(lesson, out, fmt, fps, frames),
                 code=lambda framework: signals_code(setting, framework))


def _file(page: str, kind: PageExportKind | StillExportKind, *, figure: Callable[[], Image.Image],
          animate: Callable[[BinaryIO, Format], str], code: Callable[[Any], str]) -> Response:
    """Encode one export as an attachment named for the page."""
    buffer = io.BytesIO()
    headers: dict[str, str] = {}
    if kind == "numpy" or kind == "torch":
        buffer.write(code(kind).encode())
        filename = f"convscope_{page}_{kind}.py"
    elif kind == "png":
        figure().save(buffer, format="PNG", optimize=True)
        filename = f"convscope-{page}.png"
    else:
        headers[NOTE_HEADER] = animate(buffer, kind)
        filename = f"convscope-{page}.{kind}"
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(buffer.getvalue(), media_type=MEDIA[kind], headers=headers)
