"""Bounded under load: a few heavy traces at a time; the rest wait briefly, then get 503 + Retry-After.

A traced convolution of a 64x64 image with an 8x8 kernel (57x57 windows x 64 taps) holds ~40 MB of
Python objects while it is built and sends a 7 MB answer; 100 clients asking at once took the server
from ~100 MB to ~900 MB, since FastAPI's thread pool ran up to 40 of them side by side. `HeavySlots`
lets ``running`` traces of more than ``light_taps`` taps be computed at once; the others wait in the
event loop (not in a thread, so the page's small requests keep every thread) for up to ``max_wait``
seconds, then are answered 503 with ``Retry-After``. Light traces, such as the page's default digit
(2,916 taps), pass straight through: a limit on them cost half the throughput in our load test
(benchmarks/RESULTS_load.md), since each waited for the event loop as well as for a slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TypeVar

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from convscope.server.routing import flat_routes
from convscope.server.schemas.common import ErrorResponse

T = TypeVar("T")
HEAVY_PATHS = ("/api/convolve",)
BUSY = ("The server is computing as many large traces as it runs at once and this request waited too long "
        "for its turn; `Retry-After` says when to try again (small traces are never refused).")


class HeavySlots:
    """At most ``running`` computations costing over ``light_taps`` at once; see the module docstring."""

    def __init__(self, running: int, max_wait: float, light_taps: int) -> None:
        self.running = running
        self.max_wait = max_wait
        self.light_taps = light_taps
        self._slots: asyncio.Semaphore | None = None  # made on first use, inside the server's event loop

    async def run(self, cost: int, compute: Callable[[], T]) -> T:
        """``compute()`` in a worker thread, after waiting for a slot when ``cost`` is over ``light_taps``.

        Raises
        ------
        HTTPException
            503 with ``Retry-After: 1`` when no slot came free within ``max_wait`` seconds.
        """
        if cost <= self.light_taps:
            return await run_in_threadpool(compute)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.running)
        try:
            await asyncio.wait_for(self._slots.acquire(), self.max_wait)
        except TimeoutError:
            message = (f"busy: {self.running} large traces are being computed and this one ({cost:,} taps) "
                       f"waited {self.max_wait:g} s; retry in a second, or ask for a smaller trace")
            raise HTTPException(503, detail=message, headers={"Retry-After": "1"}) from None
        try:
            return await run_in_threadpool(compute)
        finally:
            self._slots.release()


def document_busy(routes: Iterable[BaseRoute]) -> None:
    """Declare the 503 on the routes that take a slot, so that the OpenAPI document lists it."""
    for route in flat_routes(routes):
        if isinstance(route, APIRoute) and route.path in HEAVY_PATHS:
            route.responses.setdefault(503, {"model": ErrorResponse, "description": BUSY,
                                             "headers": {"Retry-After": {"schema": {"type": "integer"}}}})
