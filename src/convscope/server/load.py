"""Bounded under load: at most a few lesson computations at once, the rest wait briefly or get 503.

A traced convolution of a 64x64 image with an 8x8 kernel holds ~40 MB of Python objects while it is
built and sends a 4.8 MB answer; 100 clients asking at once took the server from 270 MB to 903 MB, and
FastAPI's thread pool (40 threads) ran 40 of them side by side on 2 cores, so each took 40 times as
long (p99 24 s). `LoadLimit` lets ``running`` requests to the CPU-heavy routes through at a time,
each holding its slot until its answer is rendered (the Python objects of a trace are gone by then);
the others wait, before their body is read, costing only their socket. A request that waited ``max_wait``
seconds is answered 503 with ``Retry-After``: the server stays responsive and its memory bounded,
whatever the number of clients. The page's requests take milliseconds, so a classroom's worth of
them queue and pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convscope.server.responses import SafeJSONResponse
from convscope.server.routing import flat_routes
from convscope.server.schemas.common import ErrorResponse

_BUSY = ("The server is computing as many lessons as it runs at once and this request waited too long "
         "for its turn; `Retry-After` says when to try again.")

# POST routes whose lesson computes for long enough to matter (the training job runs in its own thread:
# starting, stopping or choosing it is quick).
HEAVY_PREFIXES = ("/api/convolve", "/api/network/", "/api/signals/")


def is_heavy(method: str, path: str) -> bool:
    """Whether a request computes a lesson (and so takes a slot).

    Examples
    --------
    >>> is_heavy("POST", "/api/convolve"), is_heavy("GET", "/api/kernels"), is_heavy("POST", "/api/training")
    (True, False, False)
    """
    return method == "POST" and path.startswith(HEAVY_PREFIXES)


def document_busy(routes: Iterable[BaseRoute]) -> None:
    """Declare the 503 on every heavy route, so that the OpenAPI document lists it."""
    for route in flat_routes(routes):
        if not isinstance(route, APIRoute):
            continue
        if any(is_heavy(method, route.path) for method in route.methods or ()):
            route.responses.setdefault(503, {"model": ErrorResponse, "description": _BUSY,
                                             "headers": {"Retry-After": {"schema": {"type": "integer"}}}})


class LoadLimit:
    """ASGI middleware: at most ``running`` heavy requests in progress; others wait up to ``max_wait`` s."""

    def __init__(self, app: ASGIApp, running: int, max_wait: float) -> None:
        self.app = app
        self.running = running
        self.max_wait = max_wait
        self._slots: asyncio.Semaphore | None = None  # made on first use, inside the server's event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_heavy(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.running)
        try:
            await asyncio.wait_for(self._slots.acquire(), self.max_wait)
        except TimeoutError:
            await self.refuse(scope, receive, send)
            return
        slots, held = self._slots, True

        async def sending(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.body" and not message.get("more_body", False):
                held = False  # the answer is computed and rendered: the next lesson may start while it goes
                slots.release()
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if held:
                slots.release()

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """503 with Retry-After: the server is busy with other lessons."""
        message = (f"busy: {self.running} lessons are being computed and this one waited "
                   f"{self.max_wait:g} s; retry in a second")
        response = SafeJSONResponse({"message": message, "detail": message}, status_code=503,
                                    headers={"Retry-After": "1"})
        await response(scope, receive, send)

