"""Every 200 answer a test receives is checked against the response model its route declares.

`ContractClient` is FastAPI's ``TestClient`` with that check after each request; `check_answer` does
it for any response (e.g. from ``httpx`` against a real server). The check is strict JSON validation
with unknown keys forbidden, so an answer that drifts from its documented record fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from starlette.routing import BaseRoute

from convscope.server.routing import flat_routes


def check_answer(app: FastAPI, response: httpx.Response) -> None:
    """Validate a 200 (or 202) JSON ``response`` against its route's ``response_model`` (raise if not)."""
    json_answer = "json" in response.headers.get("content-type", "")
    api = response.request.url.path.startswith("/api/")  # /openapi.json and the page are not the contract
    if response.status_code not in (200, 202) or not json_answer or not api:
        return
    route = _route(app, response.request.method, response.request.url.path)
    assert route is not None, f"no route answers {response.request.method} {response.request.url.path}"
    assert route.response_model is not None, f"{route.path} declares no response model"
    _adapter(route.response_model).validate_json(response.content, strict=True)


def _route(app: FastAPI, method: str, path: str) -> APIRoute | None:
    for route in api_routes(app.routes):
        if method in route.methods and route.path_regex.match(path):
            return route
    return None


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, including those of included routers."""
    yield from (route for route in flat_routes(routes) if isinstance(route, APIRoute))


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


class ContractClient(TestClient):
    """``TestClient`` that checks every 200 JSON answer against its declared response model.

    It calls the app as ``http://127.0.0.1``: the server refuses host names that are not its own.
    """

    def __init__(self, app: Any, base_url: str = "http://127.0.0.1", **kwargs: Any) -> None:
        super().__init__(app, base_url=base_url, **kwargs)

    def request(self, method: str, url: httpx._types.URLTypes, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = super().request(method, url, **kwargs)
        assert isinstance(self.app, FastAPI)
        check_answer(self.app, response)
        return response
