"""Hostile and malformed requests are refused with a 4xx and a message, never a 500 or a dropped connection.

Over a real uvicorn server on loopback where the connection matters (a surrogate used to reset it), with
one `http.client` connection reused so that a reset shows; `ContractClient` elsewhere.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from convscope.server import ServerConfig, create_app
from convscope.server.errors import CatchAll
from convscope.server.security import DOCS_POLICY, PAGE_POLICY
from tests.server.contract import ContractClient

JSON = {"Content-Type": "application/json"}


@contextmanager
def running(app: ASGIApp) -> Iterator[int]:
    """``app`` under uvicorn on a free loopback port; yields the port."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with running(create_app()) as port:
        yield port


@pytest.fixture(scope="module")
def client() -> Iterator[ContractClient]:
    with ContractClient(create_app()) as client:
        yield client


def exchange(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
             headers: dict[str, Any] | None = None) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request on ``conn`` (kept open); the status, the response and its body."""
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response, response.read()


@cache
def string_fields() -> list[tuple[str, str]]:
    """(path, field) for every string-typed field of every POST route's body, read from the OpenAPI."""
    document = create_app().openapi()
    schemas = document["components"]["schemas"]

    def has_string(schema: dict[str, Any]) -> bool:
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        options = schema.get("anyOf", []) + schema.get("oneOf", [])
        return schema.get("type") == "string" or any(has_string(option) for option in options)

    found = []
    for path, operations in document["paths"].items():
        body = operations.get("post", {}).get("requestBody")
        if body is None or "application/json" not in body["content"]:
            continue  # the WAV uploads take a binary body, not JSON fields
        model = body["content"]["application/json"]["schema"]
        for option in model.get("anyOf", [model]):  # `UseRequest | None` is an anyOf with null
            if "$ref" in option:
                for name, field in schemas[option["$ref"].rsplit("/", 1)[1]]["properties"].items():
                    if has_string(field):
                        found.append((path, name))
    return found


def test_the_string_fields_are_found() -> None:
    assert {field for _, field in string_fields()} >= {"kernel", "layer", "model", "optimizer", "loss"}


@pytest.mark.parametrize(("path", "field"), string_fields())
def test_a_lone_surrogate_in_any_string_field_is_a_4xx_and_the_connection_lives(
    port: int, path: str, field: str
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for body in [f'{{"{field}": "\\ud800"}}', '{"\\udfff": 1}']:  # JSON escapes, as a client would send
        status, _, raw = exchange(conn, "POST", path, body.encode(), JSON)
        assert 400 <= status < 500, raw
        assert json.loads(raw)["message"]
        sock = conn.sock
        assert exchange(conn, "GET", "/api/health")[0] == 200
        assert sock is not None
        assert conn.sock is sock, "the server closed the keep-alive connection"
    conn.close()


@pytest.mark.parametrize("value", [b"4" * 4301, "٣".encode(), b"\xb2", b"-1", b"1e3", b"0x1f"])
def test_last_event_id_must_be_ascii_digits_of_bounded_length(port: int, value: bytes) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", "/api/training/events")
    conn.putheader("Last-Event-ID", value)
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["message"].startswith("Last-Event-ID: must be an event number")
    assert exchange(conn, "GET", "/api/health")[0] == 200
    conn.close()


@pytest.mark.parametrize("body", [b'{"kernel": "\xff\xfe"}', b"[" * 1000 + b"]" * 1000])
def test_a_body_that_is_not_utf8_or_too_deep_is_a_400_naming_body(
    client: ContractClient, body: bytes
) -> None:
    response = client.post("/api/convolve", content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["message"].startswith("body: could not be read as JSON")


def test_an_unexpected_error_is_a_json_500_logged_once_and_the_connection_lives(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def boom(request: Request) -> PlainTextResponse:
        raise RuntimeError("a bug")

    # Where create_app puts it: inside Starlette's own catch-all, which would answer plain text and re-raise
    routes = [Route("/boom", boom), Route("/ok", lambda r: PlainTextResponse("ok"))]
    app = Starlette(routes=routes, middleware=[Middleware(CatchAll)])
    with caplog.at_level(logging.ERROR), running(app) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        status, _, raw = exchange(conn, "GET", "/boom")
        assert (status, json.loads(raw)) == (500, {
            "message": "internal error: RuntimeError; the server's log has the details",
            "detail": "internal error: RuntimeError; the server's log has the details",
        })
        assert exchange(conn, "GET", "/ok")[2] == b"ok"
        conn.close()
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert [record.name for record in tracebacks] == ["convscope.server"]


def post_paths() -> list[str]:
    return sorted({path for path, _ in string_fields()} | {"/api/training/stop"})


@pytest.mark.parametrize("path", post_paths())
@pytest.mark.parametrize("method", ["OPTIONS", "GET", "PUT", "DELETE"])
def test_a_method_a_route_does_not_answer_is_405_with_allow(
    client: ContractClient, path: str, method: str
) -> None:
    response = client.request(method, path)
    both = {"GET", "POST"}  # a link downloads an export; a POST exports a drawing
    expected = {"/api/training": both, "/api/export/playground/{kind}": both,
                "/api/export/network/png": both}.get(path, {"POST"})
    if method in expected:
        return
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == expected
    assert response.json()["message"] == f"Method Not Allowed: {method} {path}"


@pytest.mark.parametrize("path", ["/api/health", "/api/kernels", "/api/training/weights"])
def test_a_post_to_a_get_route_is_405_whatever_its_content_type(client: ContractClient, path: str) -> None:
    response = client.post(path, headers={"Content-Type": "text/plain", "Origin": "http://evil.test"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def test_every_post_route_documents_its_refusals() -> None:
    paths = create_app().openapi()["paths"]
    for path in post_paths():
        assert {"403", "415", "422"} <= set(paths[path]["post"]["responses"]), path
        assert paths[path]["post"]["requestBody"]["required"] is True, path


@pytest.mark.parametrize("host", ["evil.test", "evil.test:8000", "127.0.0.1.evil.test", "localhost.:80",
                                  "user@127.0.0.1", "127.0.0.1:99999", "", "[::2]:8000"])
def test_a_foreign_host_is_refused_dns_rebinding(port: int, host: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", "/api/training/weights", skip_host=True)
    conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["message"].startswith("Host: ")
    conn.close()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_loopback_names_are_served(port: int, host: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    assert exchange(conn, "GET", "/api/health", headers={"Host": host.format(port=port)})[0] == 200
    conn.close()


def test_the_host_given_to_serve_is_allowed_and_a_wildcard_allows_ip_addresses() -> None:
    with ContractClient(create_app(ServerConfig(host="mybox.local")), base_url="http://mybox.local:80") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "10.0.0.5:8000"}).status_code == 400
    with ContractClient(create_app(ServerConfig(host="0.0.0.0")), base_url="http://10.0.0.5:8000") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "evil.test:8000"}).status_code == 400


@pytest.mark.parametrize("origin", ["http://evil.test", "http://127.0.0.1:1", "null", "http://localhost"])
def test_a_post_from_a_foreign_origin_is_403(client: ContractClient, origin: str) -> None:
    response = client.post("/api/training/stop", json={}, headers={"Origin": origin})
    assert response.status_code == 403
    assert response.json()["message"].startswith(f"Origin: {origin!r} may not change")


def test_a_post_from_our_own_page_or_without_origin_is_served(client: ContractClient) -> None:
    own = {"Origin": "http://127.0.0.1"}
    assert client.post("/api/training/stop", json={}, headers=own).status_code == 200
    assert client.post("/api/training/stop", json={}).status_code == 200


@pytest.mark.parametrize("kind", [None, "text/plain", "application/x-www-form-urlencoded",
                                  "multipart/form-data; boundary=x", "application/jsonx"])
@pytest.mark.parametrize("path", ["/api/training/stop", "/api/training/use", "/api/convolve"])
def test_a_post_that_is_not_json_is_415_even_when_empty(client: ContractClient, kind: str | None,
                                                        path: str) -> None:
    headers = {"Content-Type": kind} if kind else {}
    response = client.post(path, content=b"" if "training" in path else b'{"digit": 3}', headers=headers)
    assert response.status_code == 415
    assert response.json()["message"].startswith("Content-Type: must be application/json")


def test_json_with_a_charset_is_json(client: ContractClient) -> None:
    response = client.post("/api/training/stop", content=b"{}",
                           headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/", "/index.html", "/css/app.css", "/js/main.js", "/api/health", "/nope"])
def test_the_page_and_its_files_get_a_strict_policy_and_no_framing(client: ContractClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == PAGE_POLICY
    assert "frame-ancestors 'none'" in PAGE_POLICY
    assert "'unsafe-inline'" not in PAGE_POLICY
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_the_docs_get_their_own_policy_still_unframeable(client: ContractClient) -> None:
    headers = client.get("/docs").headers
    assert headers["content-security-policy"] == DOCS_POLICY
    assert "frame-ancestors 'none'" in DOCS_POLICY
    assert headers["x-frame-options"] == "DENY"
