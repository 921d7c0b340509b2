"""The app as a whole: health, the OpenAPI document, the page's files, the body limit, HTTP errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from convscope import __version__
from convscope.kernels import kernel_catalogue
from convscope.server import ServerConfig, create_app
from convscope.server.app import STATIC_DIR
from tests.server.contract import ContractClient

LIMIT = (
    "body: the request is larger than the 262,144-byte limit (256 KiB); "
    "send a smaller image or a shorter sound"
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A static folder with a page, beside a file that must never be served."""
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "index.html").write_text("<!doctype html><title>convscope</title>")
    (tmp_path / "static" / "js" / "main.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("do not serve")
    return tmp_path / "static"


def test_health_reports_the_version(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "version": __version__}


def test_kernels_are_the_catalogue(client: TestClient) -> None:
    assert client.get("/api/kernels").json() == kernel_catalogue()


def test_default_config_binds_loopback_and_serves_the_packaged_page() -> None:
    config = ServerConfig()
    assert (config.host, config.port, config.static_dir) == ("127.0.0.1", 8000, STATIC_DIR)


@pytest.mark.parametrize(
    ("field", "value", "error", "message"),
    [
        ("port", 70000, ValueError, "port must be <= 65535, got 70000"),
        ("port", "8000", TypeError, "port must be an integer"),
        ("max_body_bytes", 0, ValueError, "max_body_bytes must be >= 1, got 0"),
        ("max_trace_values", -5, ValueError, "max_trace_values must be >= 1, got -5"),
    ],
)
def test_config_checks_its_numbers(field: str, value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        ServerConfig(**{field: value})  # type: ignore[arg-type]


def test_openapi_documents_routes_limits_and_errors(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/api/health", "/api/digits/{number}", "/api/kernels", "/api/convolve"} <= set(doc["paths"])
    request = doc["components"]["schemas"]["ConvolveRequest"]
    props = request["properties"]
    assert request["additionalProperties"] is False
    assert (props["padding"]["minimum"], props["padding"]["maximum"]) == (0, 16)
    assert (props["stride"]["minimum"], props["stride"]["maximum"]) == (1, 16)
    assert (props["dilation"]["minimum"], props["dilation"]["maximum"]) == (1, 8)
    kernel_size = props["kernel_size"]["anyOf"][0]
    assert (kernel_size["minimum"], kernel_size["maximum"]) == (1, 15)
    assert all(props[name]["description"] for name in props)
    convolve = doc["paths"]["/api/convolve"]["post"]["responses"]
    assert {"200", "400", "413", "422"} <= set(convolve)
    assert convolve["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PlaygroundLesson")
    assert "262,144 bytes (256 KiB)" in doc["info"]["description"]
    for request in ("PredictRequest", "UnitRequest"):  # a drawing's ink: checked once per image, yet
        drawing = doc["components"]["schemas"][request]["properties"]["image"]["anyOf"][0]  # documented
        ink = drawing["items"]["items"]  # per value, or the fuzz test's valid values would be refused
        assert (ink["minimum"], ink["maximum"]) == (0, 1)
    digit_params = {p["name"]: p for p in doc["paths"]["/api/digits/{number}"]["get"]["parameters"]}
    assert digit_params["number"]["schema"]["maximum"] == 9
    assert client.get("/docs").status_code == 200


def test_page_is_served_at_root(site: Path) -> None:
    with ContractClient(create_app(ServerConfig(static_dir=site))) as client:
        page = client.get("/")
        script = client.get("/js/main.js")
    assert page.status_code == 200
    assert "<title>convscope</title>" in page.text
    assert script.text == "export {};"


@pytest.mark.parametrize(
    "path",
    [
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/js/..%2f..%2fsecret.txt",
        "/js/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
    ],
)
def test_static_files_never_leave_their_folder(site: Path, path: str) -> None:
    with ContractClient(create_app(ServerConfig(static_dir=site))) as client:
        response = client.get(path)
    assert response.status_code == 404
    assert "do not serve" not in response.text
    assert "root:" not in response.text


def test_missing_page_files_are_a_clear_503_not_a_crash(tmp_path: Path) -> None:
    with ContractClient(create_app(ServerConfig(static_dir=tmp_path / "nowhere"))) as client:
        response = client.get("/")
        health = client.get("/api/health")
    assert response.status_code == 503
    assert "the browser app's files are missing" in response.text
    assert health.status_code == 200


def test_body_over_the_limit_is_413_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        "/api/convolve", content=b"x" * 300_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["message"] == LIMIT


def test_endless_chunked_body_is_refused_at_the_first_chunk_past_the_limit() -> None:
    app = create_app()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/api/convolve", "raw_path": b"/api/convolve", "root_path": "", "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                    (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8000),
    }
    chunks_read, sent = 0, []

    async def receive() -> dict[str, object]:
        nonlocal chunks_read
        chunks_read += 1
        return {"type": "http.request", "body": b" " * 16_384, "more_body": True}  # never ends

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    # In a thread of its own: the browser tests' Playwright session keeps an event loop running in the
    # main thread for the whole test session, and asyncio.run refuses to start inside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["message"] == LIMIT
    assert chunks_read == 262_144 // 16_384 + 1


def test_body_limit_comes_from_the_config() -> None:
    with ContractClient(create_app(ServerConfig(max_body_bytes=2048))) as client:
        small = client.post("/api/convolve", json={"image": [[1.0] * 8] * 8})
        large = client.post("/api/convolve", json={"image": [[1.0] * 40] * 40})
    assert small.status_code == 200
    assert large.status_code == 413
    assert "2,048-byte limit (2 KiB)" in large.json()["message"]


def test_unknown_path_and_wrong_method_say_what_was_asked(client: TestClient) -> None:
    missing = client.get("/api/nothing")
    wrong = client.delete("/api/health")
    assert (missing.status_code, missing.json()["message"]) == (404, "Not Found: GET /api/nothing")
    assert (wrong.status_code, wrong.json()["message"]) == (405, "Method Not Allowed: DELETE /api/health")


def test_every_json_route_declares_the_record_it_answers(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    undeclared = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"].get("202")
            json_answer = ok.get("content", {}).get("application/json")
            if path.startswith("/api/") and json_answer is not None and not json_answer.get("schema"):
                undeclared.append(f"{method.upper()} {path}")
    assert undeclared == []
    lesson = doc["components"]["schemas"]["PlaygroundLesson"]
    assert lesson["additionalProperties"] is False  # an answer with a key the record lacks is a drift
    assert lesson["properties"]["output"]["description"].startswith("oH x oW cross-correlation")
    assert doc["components"]["schemas"]["Explanation"]["properties"]["reasons"]
    assert "steps" not in lesson["properties"]  # the page derives each window (views/playground/trace.js)
