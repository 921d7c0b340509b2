"""Error answers a learner can act on: every 4xx carries a one-line ``message`` naming the field.

pydantic's 422 keeps its list of errors in ``detail`` (trimmed: no echo of a 64x64 image, no links) and
gains ``message``, e.g. ``"padding: must be <= 16 (got 40)"``. Other HTTP errors (400 from the routes,
404, 405, 413 from the body limit) answer ``{"message": ..., "detail": ...}`` with the same text. A
`convscope.errors.SettingError` from a lesson is answered the same way, its kind deciding the status.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convscope.errors import Kind, SettingError
from convscope.server.responses import SafeJSONResponse
from convscope.server.routing import flat_routes

# The tags of the `kernel` union appear in pydantic's locations; the learner only knows `kernel`.
# So do those of the signals page's `f` and `g` (a name or values drawn on the grid).
_UNION_TAGS = frozenset({"name", "matrix", "values"})
_UNION_FIELDS = frozenset({"kernel", "f", "g"})
_SOURCES = frozenset({"body", "query", "path"})
STATUS: dict[Kind, int] = {"invalid": 400, "missing": 404, "busy": 409}
# FastAPI's 400 when the body is not UTF-8 or nests deeper than Python's JSON parser recurses.
_UNPARSED_BODY = "There was an error parsing the body"
UNPARSED_BODY_MESSAGE = "body: could not be read as JSON (send UTF-8 JSON text, not nested hundreds deep)"
logger = logging.getLogger("convscope.server")


class CatchAll:
    """Answer any unexpected exception with a JSON 500 and log its traceback, once.

    Starlette's own catch-all answers 500 and then re-raises, so uvicorn logs the traceback a second
    time and closes the keep-alive connection; here the exception ends with the answer. An exception
    after the answer has begun cannot be answered: it is re-raised for the server to close the connection.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as exc:
            if started or scope["type"] != "http":
                raise
            logger.exception("%s %s failed", scope.get("method"), scope.get("path"))
            message = f"internal error: {type(exc).__name__}; the server's log has the details"
            response = SafeJSONResponse({"message": message, "detail": message}, status_code=500)
            await response(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, without ever holding more than that in memory.

    A declared ``Content-Length`` over the limit is answered before any of the body is read; a body
    without one (chunked) is counted as it arrives and refused at the first byte past the limit.
    (Starlette's own limit answers a plain-text 413 with no word of the limit, hence this.)
    ``larger`` gives paths under a prefix their own limit (the photo uploads: a phone's JPEG is MBs).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            message = self.message(limit)
            response = SafeJSONResponse({"message": message, "detail": message}, status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, detail=self.message(limit))  # answered by the route's handlers
            return message

        await self.app(scope, counting_receive, send)

    def limit(self, path: str) -> int:
        """The limit for ``path``: its prefix's in ``larger``, else ``max_bytes``."""
        return next((n for prefix, n in self.larger.items() if path.startswith(prefix)), self.max_bytes)

    @staticmethod
    def message(limit: int) -> str:
        """What the learner reads: the limit in bytes and KiB, and what to do."""
        return (
            f"body: the request is larger than the {limit:,}-byte limit "
            f"({limit // 1024} KiB); send a smaller image or a shorter sound"
        )


def install_error_handlers(app: FastAPI) -> None:
    """Make every error answer of ``app`` carry a readable ``message``."""

    async def on_validation_error(request: Request, exc: Exception) -> SafeJSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        fields = _body_fields(request)
        return SafeJSONResponse(
            status_code=422,
            content={
                "message": "; ".join(_describe(error, fields) for error in errors),
                "detail": [_trimmed(error, fields) for error in errors],
            },
        )

    async def on_http_error(request: Request, exc: Exception) -> SafeJSONResponse:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 400 and exc.detail == _UNPARSED_BODY:
            message = UNPARSED_BODY_MESSAGE
        elif exc.detail == HTTPStatus(exc.status_code).phrase:  # Starlette's default: say what was asked
            message = f"{exc.detail}: {request.method} {request.url.path}"
        else:
            message = str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names the methods of the first route on the path only
            headers["Allow"] = ", ".join(sorted(allowed_methods(request.app.routes, request.url.path)))
        return SafeJSONResponse(
            status_code=exc.status_code, content={"message": message, "detail": message}, headers=headers
        )

    async def on_setting_error(request: Request, exc: Exception) -> SafeJSONResponse:
        assert isinstance(exc, SettingError)
        message = str(exc)
        return SafeJSONResponse(status_code=STATUS[exc.kind], content={"message": message, "detail": message})

    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(SettingError, on_setting_error)


def allowed_methods(routes: Sequence[BaseRoute], path: str) -> set[str]:
    """Every method some route answers at ``path`` (GET and POST /api/training are two routes)."""
    methods: set[str] = set()
    for route in flat_routes(routes):
        if isinstance(route, Route) and route.methods and route.path_regex.match(path):
            methods |= route.methods
    return methods


def accepted_bodies(routes: Sequence[BaseRoute], path: str) -> set[str]:
    """The body types the POST routes at ``path`` declare (``openapi_extra``); JSON when none do."""
    kinds: set[str] = set()
    for route in flat_routes(routes):
        if isinstance(route, APIRoute) and "POST" in (route.methods or ()) and route.path_regex.match(path):
            declared = (route.openapi_extra or {}).get("requestBody", {}).get("content", {})
            kinds |= set(declared) or {"application/json"}
    return kinds


def field_name(loc: Sequence[int | str]) -> str:
    """``("body", "image", 3, 2)`` -> ``"image[3][2]"``; ``("body",)`` -> ``"body"``."""
    parts = list(loc)
    if len(parts) > 1 and parts[0] in _SOURCES:
        parts = parts[1:]
    name = ""
    for i, part in enumerate(parts):
        if isinstance(part, int):
            name += f"[{part}]"
        elif i > 0 and parts[i - 1] in _UNION_FIELDS and part in _UNION_TAGS:
            continue
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def _body_fields(request: Request) -> list[str]:
    """The JSON fields the matched route's body model accepts (so "unknown field" can list them)."""
    body = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(body.field_info, "annotation", None) if body is not None else None
    return list(getattr(model, "model_fields", {}))


def _describe(error: Any, fields: Sequence[str] = ()) -> str:
    """One pydantic error as ``"field: what is allowed (got value)"``."""
    kind, ctx = error["type"], error.get("ctx") or {}
    field = field_name(error["loc"])
    if kind == "json_invalid":
        return f"body: not valid JSON ({ctx.get('error', 'decode error')} at character {error['loc'][-1]})"
    problem = _problem(kind, ctx, error["msg"], fields)
    if isinstance(error.get("input"), bytes):  # FastAPI hands over raw bytes when the body is not JSON
        problem += " sent with Content-Type: application/json"
    shown = _shown(error.get("input"))
    if error["loc"][0] in ("path", "query") and isinstance(error.get("input"), str):
        shown = error["input"][:40]  # URL text: show it as typed, not as a JSON string
    if kind in ("missing", "extra_forbidden", "value_error") or shown is None:
        return f"{field}: {problem}"
    return f"{field}: {problem} (got {shown})"


def _problem(kind: str, ctx: dict[str, Any], msg: str, fields: Sequence[str]) -> str:
    """What is allowed, in the words of the playground rather than pydantic's."""
    phrases = {
        "less_than_equal": f"must be <= {ctx.get('le')}",
        "greater_than_equal": f"must be >= {ctx.get('ge')}",
        "int_type": "must be an integer",
        "int_parsing": "must be an integer",
        "float_type": "must be a number",
        "finite_number": "must be a finite number (NaN and Infinity are not allowed)",
        "list_type": "must be a list",
        "string_type": "must be a string",
        "string_unicode": "must be text (a lone UTF-16 surrogate such as \\ud800 is not)",
        "too_long": f"must have at most {ctx.get('max_length')} items",
        "too_short": f"must have at least {ctx.get('min_length')} item(s)",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters",
        "string_too_short": f"must be at least {ctx.get('min_length')} character(s)",
        "missing": "is required (send a JSON object; see /docs)",
        "model_attributes_type": "must be a JSON object",
        "dict_type": "must be a JSON object",
        "model_type": "must be a JSON object",
        "extra_forbidden": "unknown field" + ("; allowed fields are " + ", ".join(fields) if fields else ""),
    }
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return phrases.get(kind, msg)


def _shown(value: Any) -> str | None:
    """A short JSON rendering of a scalar input; None for lists, objects and long strings."""
    if isinstance(value, (list, dict)) or (isinstance(value, str) and len(value) > 40):
        return None
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return None


def _trimmed(error: Any, fields: Sequence[str]) -> dict[str, Any]:
    """pydantic's error without the documentation link, and without echoing large inputs."""
    out: dict[str, Any] = {"type": error["type"], "loc": list(error["loc"]), "msg": error["msg"]}
    if _shown(error.get("input")) is not None:
        try:  # NaN is shown in the message but cannot go into strict JSON
            json.dumps(error["input"], allow_nan=False)
            out["input"] = error["input"]
        except ValueError:
            pass
    out["message"] = _describe(error, fields)
    return out
