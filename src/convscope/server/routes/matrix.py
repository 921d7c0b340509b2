"""The "Matrix & FFT" page's routes: the weight-sharing matrix, the FFT and its timing, the transposed one.

Each validates its request (``convscope.server.schemas.matrix``), calls its lesson and encodes the answer.
The timing sweep runs once per app, on its first request (`convscope.lessons.timing.TimingCache`); a plain
``def`` route, so the few seconds it takes run in the thread pool, not on the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter

from convscope.data import DigitSource
from convscope.lessons.matrix import MatrixLesson, MatrixSetting, matrix_lesson
from convscope.lessons.spectra import FftLesson, FftSetting, fft_lesson
from convscope.lessons.timing import TimingCache, TimingLesson
from convscope.lessons.transposed import TransposedLesson, TransposedSetting, transposed_lesson
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.matrix import FftRequest, MatrixRequest, TransposedRequest


def matrix_router(source: DigitSource, timing: TimingCache) -> APIRouter:
    """The page's routes, cropping digits from ``source`` and answering timings from ``timing``."""
    router = APIRouter(tags=["matrix"])

    @router.post("/api/matrix/matrix", response_model=MatrixLesson, responses=error_answers(**{
        "400": "The kernel does not fit the padded input, a size is outside the range of its dims, or "
        "there is no such example of the digit."}))
    def convolution_as_matrix(request: MatrixRequest) -> MatrixLesson:
        """The convolution, its matrix M (M @ x.ravel() = output.ravel()) and which weight each entry is."""
        return matrix_lesson(MatrixSetting(**request.model_dump()), source)

    @router.post("/api/matrix/fft", response_model=FftLesson,
                 responses=error_answers(**{"400": "Without zero padding, a kernel longer than the signal."}))
    def fft(request: FftRequest) -> FftLesson:
        """The spectra, their product, its inverse beside the direct result, and where they differ."""
        return fft_lesson(FftSetting(tuple(request.signal), tuple(request.kernel), request.zero_pad))

    @router.get("/api/matrix/timing", response_model=TimingLesson)
    def measured_timing() -> TimingLesson:
        """Direct against FFT convolution timed on this machine (measured once per server process)."""
        return timing.get()

    @router.post("/api/matrix/transposed", response_model=TransposedLesson, responses=error_answers(**{
        "400": "output_padding not below the stride or dilation, or padding that crops every cell."}))
    def transposed(request: TransposedRequest) -> TransposedLesson:
        """The transposed convolution by Mᵀ, by painting, and by zero insertion; overlaps; the output size."""
        return transposed_lesson(TransposedSetting(**request.model_dump()))

    return router
