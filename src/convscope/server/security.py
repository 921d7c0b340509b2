"""Only our own page (or a non-browser client on this machine) can drive the server.

A local server is reachable by every web page the learner has open: a page on another origin can POST
to it (a no-cors ``fetch`` or an HTML form needs no permission), and a host name that resolves to
127.0.0.1 (DNS rebinding) makes the whole app same-origin with the attacker. `RequestGuard` refuses:

- a ``Host`` that is not one of this server's names (400), as Jupyter does: rebinding needs a name the
  attacker controls, and the browser sends it in ``Host``;
- a POST with a foreign ``Origin`` (403); browsers send ``Origin`` on every POST, our page sends its
  own, and the CLI and scripts send none;
- a POST whose ``Content-Type`` is not ``application/json`` (415): a form or a no-cors fetch can only
  send ``text/plain``, form-encoded or multipart bodies.

It also adds the headers that keep the page out of frames and its scripts to our own files.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from fastapi.routing import APIRoute
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convscope.server.errors import accepted_bodies, allowed_methods
from convscope.server.responses import SafeJSONResponse
from convscope.server.routing import flat_routes
from convscope.server.schemas.common import ErrorResponse

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})

# The page: its scripts, styles and requests are our files only. Views set styles through
# element.style (CSSOM), which style-src does not govern, so no 'unsafe-inline'; the favicon is a data:
# URL in index.html, hence img-src data:.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# /docs and /redoc (fastapi-offline): their HTML starts Swagger UI / ReDoc with an inline script and
# the widgets set inline styles and data: icons; ReDoc runs a worker from a blob:. Still nothing from
# another origin, and no framing.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
_ALWAYS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


_FOREIGN_ORIGIN = "`Origin` is another site's: only this server's own page (or no Origin) may POST."
_NOT_JSON = "`Content-Type` is not `application/json` (required even for an empty body `{}`)."
_UNREADABLE = ("The body is not UTF-8 JSON text, or nests hundreds of levels deep; `message` names `body` "
               "and says what to send.")


def allowed_hosts(host: str) -> frozenset[str]:
    """The ``Host`` names a server listening on ``host`` answers to (without the port).

    Examples
    --------
    >>> sorted(allowed_hosts("127.0.0.1"))
    ['127.0.0.1', '[::1]', 'localhost']
    >>> sorted(allowed_hosts("fe80::1"))
    ['127.0.0.1', '[::1]', '[fe80::1]', 'localhost']
    """
    names = set(LOOPBACK_NAMES)
    if host not in _WILDCARDS:
        names.add(f"[{host.lower()}]" if ":" in host else host.lower())
    return frozenset(names)


def listens_everywhere(host: str) -> bool:
    """Whether ``host`` is a wildcard address (all of the machine's interfaces)."""
    return host in _WILDCARDS


def host_allowed(host_header: str, names: Iterable[str], any_address: bool = False) -> bool:
    """Whether a ``Host`` header (``name[:port]``) names this server.

    ``any_address`` (a server bound to 0.0.0.0 or ::) also accepts any IP literal: the machine's
    addresses are not known in advance, and an IP literal cannot be rebound to another machine.

    Examples
    --------
    >>> host_allowed("localhost:8000", {"localhost"})
    True
    >>> host_allowed("evil.test:8000", {"localhost"})
    False
    >>> host_allowed("192.168.1.20:8000", {"localhost"}, any_address=True)
    True
    """
    try:
        parts = urlsplit(f"//{host_header}")
        name, _ = parts.hostname, parts.port  # .port raises on a port that is not 0..65535
    except ValueError:
        return False
    if name is None or parts.netloc != host_header or "@" in host_header:
        return False
    shown = f"[{name}]" if ":" in name else name
    if shown in names:
        return True
    if not any_address:
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def document_refusals(routes: Iterable[BaseRoute]) -> None:
    """Declare RequestGuard's 403 and 415 on every POST route, and the 400 for a body that is not JSON
    on those taking JSON, so that the OpenAPI document lists every refusal."""
    for route in flat_routes(routes):
        if isinstance(route, APIRoute) and "POST" in (route.methods or ()):
            route.responses.setdefault(403, {"model": ErrorResponse, "description": _FOREIGN_ORIGIN})
            route.responses.setdefault(415, {"model": ErrorResponse, "description": _NOT_JSON})
            if route.body_field is not None and not (route.openapi_extra or {}).get("requestBody"):
                bad_request = route.responses.setdefault(400, {"model": ErrorResponse, "description": ""})
                bad_request["description"] = f"{bad_request['description']} {_UNREADABLE}".strip()


class RequestGuard:
    """ASGI middleware: refuse foreign hosts, origins and content types; add the security headers."""

    def __init__(self, app: ASGIApp, host: str) -> None:
        self.app = app
        self.names = allowed_hosts(host)
        self.any_address = listens_everywhere(host)
        # path -> the body types a POST there may carry (None: no POST route). Walking every route for
        # each request cost ~1.3 ms, half of a cached answer's time; bounded, since paths are the client's.
        self._post_rules: dict[tuple[int, str], frozenset[str] | None] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            status, message = refusal
            response = SafeJSONResponse({"message": message, "detail": message}, status_code=status)
            await response(scope, receive, _with_headers(send, scope["path"]))
            return
        await self.app(scope, receive, _with_headers(send, scope["path"]))

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """(status, message) for a request this server must not answer; None to let it through."""
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not host_allowed(host, self.names, self.any_address):
            return 400, (f"Host: {host[:80]!r} is not a name of this server; open it as "
                         f"http://127.0.0.1:<port>/ (other names are refused against DNS rebinding)")
        accepted = self._post_rule(scope["app"], scope["path"]) if scope["method"] == "POST" else None
        if accepted is None:
            return None  # nothing to change here: the router answers 405 (or 404)
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in (f"http://{host}".lower(), f"https://{host}".lower()):
            return 403, (f"Origin: {origin[:80]!r} may not change this server's state; only its own page "
                         f"(or a client that sends no Origin) may")
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        # None of the types a route may declare is one a form or a no-cors fetch can send (text/plain,
        # form-urlencoded, multipart): those need a CORS preflight, which this server never grants.
        if kind not in accepted:
            names = sorted(accepted, key=lambda name: (name not in ("application/json", "audio/wav"), name))
            also = f" (also accepted: {', '.join(names[1:])})" if len(names) > 1 else ""
            return 415, f"Content-Type: must be {names[0]}{also} (got {kind[:60]!r})"
        return None


    def _post_rule(self, app: Any, path: str) -> frozenset[str] | None:
        """The body types a POST to ``path`` may carry, or None when no route takes a POST there."""
        key = (id(app), path)
        if key not in self._post_rules:
            if len(self._post_rules) >= 1024:  # a client sending ever new paths: start over
                self._post_rules.clear()
            routes = app.routes
            posts = "POST" in allowed_methods(routes, path)
            self._post_rules[key] = frozenset(accepted_bodies(routes, path)) if posts else None
        return self._post_rules[key]


def _with_headers(send: Send, path: str) -> Send:
    """``send`` that adds the frame, sniffing and referrer headers, and the CSP for the path."""
    policy = DOCS_POLICY if path in DOCS_PATHS or path.startswith("/docs/") else PAGE_POLICY

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in _ALWAYS.items():
                headers.setdefault(name, value)
            headers.setdefault("Content-Security-Policy", policy)
        await send(message)

    return sending
