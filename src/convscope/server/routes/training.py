"""``/api/training*``: train a LeNet live, watch it learn over an event stream, stop it, use or download it.

One job per server (``app.state.network.job``, see `convscope.server.state.NetworkState`); starting a
second while one runs is 409. Events are Server-Sent Events, one JSON object per ``data:`` line, each
with an ``id`` so a client that reconnects (``Last-Event-ID``) gets only what it missed; the stream ends
after the job's final event (``done``, ``stopped`` or ``error``), so the page should close its
EventSource then, or the browser reconnects and is told the same ending again.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from convscope.errors import SettingError
from convscope.lessons.training import TrainingStarted, TrainingStatus, status
from convscope.lessons.training_job import TrainingJob
from convscope.nn import Sequential, save
from convscope.recipe import Recipe
from convscope.server.routes.network import network_state
from convscope.server.schemas.common import error_answers
from convscope.server.schemas.training import StopRequest, TrainingRequest, UseRequest, first_event
from convscope.server.state import NetworkState

ENDINGS = frozenset({"done", "stopped", "error"})
POLL_SECONDS = 0.1  # how often a stream looks for new events
KEEPALIVE_SECONDS = 10.0  # a comment line this often keeps proxies from closing a quiet stream
_NO_MODEL = error_answers(**{"404": "Nothing has been trained yet.",
                             "409": "Training is still running, or it failed."})


def training_router() -> APIRouter:
    """The training routes; the job lives in ``request.app.state.network``."""
    router = APIRouter(tags=["training"])

    @router.post("/api/training", status_code=202, response_model=TrainingStarted,
                 responses=error_answers(**{"409": "Already training."}))
    def start(body: TrainingRequest, request: Request) -> TrainingStarted:
        """Start training a fresh LeNet in the background; follow it at GET /api/training/events."""
        settings = body.model_dump()
        pace = settings.pop("steps_per_second")  # how fast to run, not what to train: not in the recipe
        job = network_state(request).start(Recipe.from_dict(settings), pace)
        return {"job": job.id}

    @router.get("/api/training", response_model=TrainingStatus)
    def get_status(request: Request) -> TrainingStatus:
        """Where training stands, with every progress and epoch event so far (filters only in `last`)."""
        return _status(network_state(request))

    @router.post("/api/training/stop", response_model=TrainingStatus)
    def stop(body: StopRequest, request: Request) -> TrainingStatus:
        """Stop the running job after its current batch (harmless when nothing runs)."""
        state = network_state(request)
        if state.job is not None:
            state.job.stop()
        return _status(state)

    @router.post("/api/training/use", response_model=TrainingStatus, responses=_NO_MODEL)
    def use(body: UseRequest, request: Request) -> TrainingStatus:
        """Make the last job's model (with `{"model": "pretrained"}`: the shipped one) the active model."""
        state = network_state(request)
        state.use(body.model)
        return _status(state)

    @router.get(
        "/api/training/weights",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": {}}}, **_NO_MODEL},
    )
    def weights(request: Request) -> Response:
        """The last job's model as a .npz file (``convscope.nn.load`` reads it back)."""
        state = network_state(request)
        model = state.trained()
        return _npz(model, f"convscope-lenet-{state.job.id if state.job else 'trained'}.npz")

    @router.get(
        "/api/training/events",
        response_class=StreamingResponse,
        responses={
            200: {"content": {"text/event-stream": {}}, "description": "One JSON event per message."},
            **error_answers(**{"400": "`Last-Event-ID` is not an event number (ASCII digits, at most 18).",
                               "404": "No training job yet."}),
        },
    )
    def events(request: Request) -> StreamingResponse:
        """The job's events as Server-Sent Events, from the start (or after ``Last-Event-ID``)."""
        first = first_event(request.headers.get("last-event-id"))
        job = network_state(request).job
        if job is None:
            raise SettingError("training", "no training job yet: start one with POST /api/training",
                               "missing")
        return StreamingResponse(
            _stream(job, first=first),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router


def _status(state: NetworkState) -> TrainingStatus:
    return status(state.job, state.active)


async def _stream(job: TrainingJob, first: int) -> AsyncIterator[str]:
    """Every event from number ``first`` on, as SSE messages, until the job's final one."""
    with job.listening():  # left when the client disconnects: Starlette cancels this generator
        sent, quiet = first, 0.0
        while True:
            ended = job.state != "running"  # read before the events, so none published after is missed
            for event in job.events_since(sent):
                yield f"id: {event['id']}\ndata: {json.dumps(event, allow_nan=False)}\n\n"
                sent, quiet = event["id"] + 1, 0.0
                if event["type"] in ENDINGS:
                    return
            if ended:
                return
            await asyncio.sleep(POLL_SECONDS)
            quiet += POLL_SECONDS
            if quiet >= KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                quiet = 0.0


def _npz(model: Sequential, name: str) -> Response:
    """The model as a downloadable .npz (``convscope.nn.save`` writes to a path, so via a temporary one)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lenet.npz"
        save(model, path)
        content = path.read_bytes()
    return Response(
        content,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
