"""The signals page's routes: the ball drop, flip-and-slide, and the echo of a bundled or uploaded sound.

Each route validates its request (``convscope.server.schemas.signals``), calls its lesson
(``convscope.lessons.signals``, ``convscope.lessons.echo``) and encodes the answer. A WAV travels as the
raw body (``Content-Type: audio/wav``) under the app's body limit; WAV answers are ``audio/wav``.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from starlette.exceptions import HTTPException

from convscope.lessons.drop_slide import DropImpulse, DropSlide, drop_impulse, drop_slide_lesson
from convscope.lessons.echo import (
    Echo,
    EchoLesson,
    ImpulsePreset,
    SoundRecord,
    echo_lesson,
    echo_samples,
    impulse_presets,
    preset_taps,
    sounds,
)
from convscope.lessons.signal_laws import Laws, LawsLesson, laws_lesson
from convscope.lessons.signals import (
    BallDropLesson,
    BallDropSetting,
    DistributionRecord,
    Slide,
    SlideLesson,
    ball_drop_lesson,
    distributions,
    slide_lesson,
)
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.signals import (
    BallDropRequest,
    DropImpulseRequest,
    DropSlideRequest,
    EchoRequest,
    LawsRequest,
    SlideRequest,
    UploadQuery,
)
from convscope.signal import bundled_sound, bundled_wav, read_wav, sound_names, write_wav

WAV_TYPES = ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave")
_WAV_ANSWER = {"content": {"audio/wav": {}}, "description": "A 16-bit PCM WAV file."}
_UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in WAV_TYPES}}}  # fmt: skip
_UPLOAD_ERRORS = {
    "400": "The WAV is corrupt, not PCM, not mono or stereo, longer than 30 s or above 192,000 Hz; an "
    "unknown preset; or delays past the limit.",
    "413": "The WAV is over the body limit.",
    "415": "The body is not sent as Content-Type: audio/wav.",
    "422": "A parameter is out of range; or neither or both of `preset` and the `delay`/`gain` pairs are "
    "given (exactly one is needed: a rule between query parameters, which OpenAPI cannot state).",
}


def signals_router() -> APIRouter:
    """The signals page's routes (they keep no state: an uploaded sound is sent with each request)."""
    router = APIRouter(tags=["signals"])

    @router.get("/api/signals/distributions", response_model=list[DistributionRecord])
    def get_distributions() -> list[DistributionRecord]:
        """The preset distributions for f and g, in menu order."""
        return distributions()

    @router.post("/api/signals/ball-drop", response_model=BallDropLesson,
                 responses=error_answers(**{"400": "Negative or all-zero weights, or `total` past the end."}))
    def ball_drop(request: BallDropRequest) -> BallDropLesson:
        """f, g, f*g, the ways of reaching `total` and, with `balls`, a seeded simulation."""
        setting = BallDropSetting(np.asarray(request.f), np.asarray(request.g), request.total,
                                  request.balls, request.seed)
        return ball_drop_lesson(setting)

    @router.post("/api/signals/slide", response_model=SlideLesson, response_class=FastJSONResponse,
                 responses=error_answers(**{"400": "An unknown signal name."}))
    def slide(request: SlideRequest) -> FastJSONResponse:
        """Flip g (unless `flip` is false), slide it over f: the result and frames of the slide."""
        f, g = _signal(request.f), _signal(request.g)
        setting = Slide(f, g, request.flip, request.max_frames, request.repeat)
        return FastJSONResponse(slide_lesson(setting))

    @router.post("/api/signals/slide-drops", response_model=SlideLesson, response_class=FastJSONResponse,
                 responses=error_answers(**{"400": "Negative or all-zero weights."}))
    def slide_drops(request: DropSlideRequest) -> FastJSONResponse:
        """The ball drop's f and g flipped and slid on whole steps: the result is its f * g."""
        setting = DropSlide(np.asarray(request.f), np.asarray(request.g), request.flip, request.repeat,
                            request.max_frames)
        return FastJSONResponse(drop_slide_lesson(setting))

    @router.post("/api/signals/drop-impulse", response_model=DropImpulse,
                 responses=error_answers(**{"400": "Negative or all-zero weights."}))
    def get_drop_impulse(request: DropImpulseRequest) -> DropImpulse:
        """The ball drop's g (or f * g) as spikes `spacing` seconds apart, gains its probabilities."""
        f = None if request.f is None else np.asarray(request.f)
        return drop_impulse(np.asarray(request.g), request.spacing, f)

    @router.post("/api/signals/laws", response_model=LawsLesson, response_class=FastJSONResponse,
                 responses=error_answers(**{"400": "An unknown signal name."}))
    def laws(request: LawsRequest) -> FastJSONResponse:
        """f * g next to g * f and (f * g) * h next to f * (g * h), with their largest differences."""
        setting = Laws(_signal(request.f), _signal(request.g), _signal(request.h))
        return FastJSONResponse(laws_lesson(setting))

    @router.get("/api/signals/impulses", response_model=list[ImpulsePreset])
    def get_impulses() -> list[ImpulsePreset]:
        """The impulse-response presets (echo, slap-back, room, box low-pass) with their spikes."""
        return impulse_presets()

    @router.get("/api/signals/sounds", response_model=list[SoundRecord])
    def get_sounds() -> list[SoundRecord]:
        """The bundled sounds."""
        return sounds()

    @router.get("/api/signals/sounds/{name}.wav", response_class=Response, responses={
        200: _WAV_ANSWER, **error_answers(**{"404": "No bundled sound of that name."})})
    def get_sound(name: Annotated[str, PathParam(max_length=40, description="A sound's name.")]) -> Response:
        """A bundled sound as its WAV file, to play or download."""
        if name not in sound_names():  # a missing file is a 404, not a bad setting
            choices = ", ".join(sound_names())
            raise HTTPException(404, f"name: unknown sound {name!r}; choose one of {choices}")
        return Response(bundled_wav(name), media_type="audio/wav")

    @router.post("/api/signals/echo", response_model=EchoLesson, response_class=FastJSONResponse,
                 responses=error_answers(**{"400": "An unknown sound or preset, or delays past the limit."}))
    def echo(request: EchoRequest) -> FastJSONResponse:
        """A bundled sound convolved with the impulse response: envelopes and the output as WAV."""
        samples, rate = bundled_sound(request.sound)
        if request.preset is not None:
            taps = preset_taps(request.preset, rate)
        else:
            taps = [(d, g) for d, g in request.taps or []]
        return FastJSONResponse(echo_lesson(Echo(samples, rate, taps, request.columns)))

    @router.post("/api/signals/echo/upload", response_model=EchoLesson, response_class=FastJSONResponse,
                 openapi_extra=_UPLOAD_BODY, responses=error_answers(**_UPLOAD_ERRORS))
    async def echo_upload(request: Request, query: Annotated[UploadQuery, Query()]) -> FastJSONResponse:
        """Your WAV (the raw body) convolved with the impulse response in the URL: envelopes and WAV."""
        return FastJSONResponse(echo_lesson(await _uploaded(request, query)))

    @router.post("/api/signals/echo.wav", response_class=Response, openapi_extra=_UPLOAD_BODY,
                 responses={200: _WAV_ANSWER, **error_answers(**_UPLOAD_ERRORS)})
    async def echo_wav(request: Request, query: Annotated[UploadQuery, Query()]) -> Response:
        """Your WAV (the raw body) convolved with the impulse response in the URL, as a WAV file."""
        setting = await _uploaded(request, query)
        return Response(write_wav(echo_samples(setting), setting.sample_rate), media_type="audio/wav")

    return router


def _signal(spec: str | list[float]) -> str | npt.NDArray[np.float64]:
    """A signal as the lesson takes it: a waveform's name, or the drawn values as an array."""
    return spec if isinstance(spec, str) else np.asarray(spec, dtype=np.float64)


async def _uploaded(request: Request, query: UploadQuery) -> Echo:
    """The echo an upload asks for: the body read as WAV, the spikes from the URL."""
    # Its Content-Type was checked against the route's declared WAV types by RequestGuard.
    samples, rate = read_wav(await request.body(), "body")
    taps = query.taps if query.preset is None else preset_taps(query.preset, rate)
    return Echo(samples, rate, taps or [], query.columns)
