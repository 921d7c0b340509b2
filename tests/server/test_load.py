"""The load limit: a few lesson requests at a time, the others wait their turn or get 503 + Retry-After."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from convscope.server import create_app
from convscope.server.load import LoadLimit
from tests.server.test_security import running


async def _slow(request: Request) -> JSONResponse:
    await request.body()
    await asyncio.sleep(0.6)
    return JSONResponse({"ok": True})


def _app(max_wait: float) -> LoadLimit:
    routes = [Route(path, _slow, methods=["POST"]) for path in ("/api/convolve", "/api/training")]
    return LoadLimit(Starlette(routes=routes), running=1, max_wait=max_wait)


def _post_all(port: int, path: str, count: int) -> list[tuple[int, str | None]]:
    """``count`` POSTs at once; each one's status and Retry-After."""
    results: list[tuple[int, str | None]] = []

    def post() -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"{}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                results.append((response.status, response.headers.get("Retry-After")))
        except urllib.error.HTTPError as err:
            body = json.loads(err.read())
            assert "busy" in body["message"]
            results.append((err.code, err.headers.get("Retry-After")))

    threads = [threading.Thread(target=post) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results, key=lambda result: result[0])


def test_requests_beyond_the_running_ones_wait_their_turn() -> None:
    with running(_app(max_wait=5.0)) as port:
        assert _post_all(port, "/api/convolve", 3) == [(200, None)] * 3


def test_a_request_that_waited_too_long_is_503_with_retry_after() -> None:
    with running(_app(max_wait=0.2)) as port:
        assert _post_all(port, "/api/convolve", 2) == [(200, None), (503, "1")]


def test_routes_that_compute_no_lesson_are_not_limited() -> None:
    with running(_app(max_wait=0.2)) as port:
        assert _post_all(port, "/api/training", 2) == [(200, None)] * 2


def test_the_lesson_routes_document_their_503() -> None:
    paths = create_app().openapi()["paths"]
    assert "503" in paths["/api/convolve"]["post"]["responses"]
    assert "503" in paths["/api/network/predict"]["post"]["responses"]
    assert "503" not in paths["/api/training"]["post"]["responses"]
