"""Large traces a few at a time: others wait their turn or get 503 + Retry-After; small ones never wait."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.exceptions import HTTPException

from convscope.server import create_app
from convscope.server.load import HeavySlots


def _slow() -> str:
    time.sleep(0.4)
    return "done"


async def _gather(slots: HeavySlots, costs: list[int]) -> list[object]:
    return await asyncio.gather(*(slots.run(cost, _slow) for cost in costs), return_exceptions=True)


def _together(slots: HeavySlots, costs: list[int]) -> list[object]:
    """Run one slow computation per cost at once; each one's result, or the exception it raised.

    The event loop is a fresh one in its own thread: a test run earlier in the session (Playwright's
    sync API) may leave a loop marked running in the main thread, where ``asyncio.run`` refuses to start.
    """
    def run() -> list[object]:
        return asyncio.run(_gather(slots, costs))  # the coroutine is made in the thread that runs it

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_large_traces_beyond_the_running_ones_wait_their_turn() -> None:
    results = _together(HeavySlots(running=1, max_wait=5.0, light_taps=10), [100, 100, 100])
    assert results == ["done"] * 3


def test_a_large_trace_that_waited_too_long_is_503_with_retry_after() -> None:
    results = _together(HeavySlots(running=1, max_wait=0.1, light_taps=10), [100, 100])
    assert results[0] == "done"
    refusal = results[1]
    assert isinstance(refusal, HTTPException)
    assert refusal.status_code == 503
    assert refusal.headers == {"Retry-After": "1"}
    assert "busy" in refusal.detail


def test_small_traces_never_wait() -> None:
    start = time.perf_counter()
    results = _together(HeavySlots(running=1, max_wait=0.1, light_taps=10), [10] * 4)
    assert results == ["done"] * 4
    assert time.perf_counter() - start < 1.5  # side by side in the thread pool, not one after another


@pytest.mark.parametrize(("path", "documented"), [("/api/convolve", True), ("/api/network/predict", False)])
def test_the_routes_that_take_a_slot_document_their_503(path: str, documented: bool) -> None:
    responses = create_app().openapi()["paths"][path]["post"]["responses"]
    assert ("503" in responses) == documented
