"""The playground's routes: real MNIST digits, the kernel catalogue, and one convolution traced.

Each route validates its request (``convscope.server.schemas.playground``), calls its lesson
(``convscope.lessons.playground``) and encodes the answer; the same request gets the same bytes, so
the encoded answers are kept (``convscope.server.answer_cache``). Nothing else happens here.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam

from convscope.data import DigitSource
from convscope.lessons.playground import (
    Convolution,
    DigitLesson,
    PlaygroundLesson,
    convolution_lesson,
    digit_lesson,
    kernel_weights,
    kernels,
    trace_taps,
)
from convscope.lessons.playground_inputs import DIGIT_BOX, digit_at_size, textbook_input
from convscope.records import KernelRecord
from convscope.server.answer_cache import NOT_MODIFIED, AnswerCache, etag_answer
from convscope.server.load import HeavySlots
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.playground import ConvolveRequest


def playground_router(source: DigitSource, max_trace_values: int, slots: HeavySlots,
                      cache: AnswerCache | None = None) -> APIRouter:
    """The routes, reading digits from ``source`` and tracing at most ``max_trace_values`` numbers,
    large traces a few at a time (``slots``), recent answers kept in ``cache`` (a new one by default)."""
    router = APIRouter(tags=["playground"])
    answers = AnswerCache() if cache is None else cache

    @router.get(
        "/api/digits/{number}",
        response_model=DigitLesson,
        responses={**NOT_MODIFIED, **error_answers(**{"400": "`index` is past the last example."})},
    )
    def get_digit(
        request: Request,
        number: Annotated[int, PathParam(ge=0, le=9, description="The digit class, 0..9.")],
        index: Annotated[int, Query(ge=0, description="Which example of that class (0..count-1).")] = 0,
    ) -> Response:
        """One real MNIST digit: its 20x20 box (what the playground convolves) and the full 28x28 image.

        Sent with an `ETag` and `Cache-Control: no-cache`: 304 when `If-None-Match` names it."""
        return etag_answer(request, digit_lesson(source, number, index))

    @router.get("/api/kernels", response_model=list[KernelRecord], responses=NOT_MODIFIED)
    def get_kernels(request: Request) -> Response:
        """Every named kernel in menu order (convscope.kernels.kernel_catalogue).

        Sent with an `ETag` and `Cache-Control: no-cache`: 304 when `If-None-Match` names it."""
        return etag_answer(request, kernels())

    @router.post(
        "/api/convolve",
        response_model=PlaygroundLesson,
        response_class=FastJSONResponse,
        responses=error_answers(**{
            "400": "Unknown kernel or example name, unsupported or mismatched `kernel_size`, `index` past "
            "the last example, a trace too large to show, or values so large the products overflow.",
            "413": "The body is over the documented size limit.",
        }),
    )
    async def convolve(request: ConvolveRequest) -> Response:
        """Slide the kernel over the image; return the padded input, the output and the size arithmetic.

        Each window's taps, values and products are not sent: they follow exactly from `padded`, `kernel`,
        `output` and the explanation's stride, padding and dilation (window `i` computes output cell
        `divmod(i, output_size[1])`; its sum is that cell). The same request always gets the same answer,
        so the server keeps its last 64 encoded answers (16 MiB at most), keyed by the validated request.
        """
        key = request.model_dump_json()
        kept = answers.get(key)
        if kept is not None:
            return Response(kept, media_type="application/json")
        if request.image is not None:
            image = np.asarray(request.image, dtype=np.float64)  # (H, W)
        elif request.example is not None:
            image = textbook_input(request.example)
        else:
            assert request.digit is not None  # the request model requires one input
            image = digit_at_size(source, request.digit, request.index or 0, request.input_size or DIGIT_BOX)
        spec = request.kernel if isinstance(request.kernel, str) else np.asarray(request.kernel, dtype=float)
        weights, name = kernel_weights(spec, request.kernel_size)
        setting = Convolution(image, weights, name, request.padding, request.stride, request.dilation)
        # Encoded straight from the lesson (a 400-window trace is not validated a second time), in a worker
        # thread; the lesson's objects are gone once it is rendered.
        def compute() -> FastJSONResponse:
            return FastJSONResponse(convolution_lesson(setting, max_trace_values))

        answer = await slots.run(trace_taps(setting), compute)
        answers.put(key, bytes(answer.body))
        return answer

    return router
