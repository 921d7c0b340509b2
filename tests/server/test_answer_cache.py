"""Kept answers: the same convolve request gets the same bytes from the cache; GETs revalidate by ETag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from convscope.data import DigitSource
from convscope.server import create_app
from convscope.server.answer_cache import AnswerCache
from convscope.server.errors import install_error_handlers
from convscope.server.load import HeavySlots
from convscope.server.routes.playground import playground_router
from tests.server.contract import ContractClient

DEFAULT = {"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3, "padding": 0, "stride": 1,
           "dilation": 1}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with ContractClient(create_app()) as test_client:
        yield test_client


def test_the_same_request_is_answered_from_the_cache_and_others_are_not() -> None:
    cache = AnswerCache(max_entries=4)
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(playground_router(DigitSource(), 250_000, HeavySlots(2, 5.0, 50_000), cache))
    with ContractClient(app) as client:
        first = client.post("/api/convolve", json=DEFAULT)
        assert (first.status_code, len(cache)) == (200, 1)
        # The same settings written otherwise (padding, stride and dilation left at their defaults, keys
        # reordered) are the same validated request.
        same = {"kernel_size": 3, "index": 0, "digit": 3, "kernel": "ones"}
        again = client.post("/api/convolve", json=same)
        assert (again.content, len(cache)) == (first.content, 1)
        other = client.post("/api/convolve", json={**DEFAULT, "padding": 1})
        assert other.status_code == 200
        assert other.content != first.content
        assert len(cache) == 2
        refused = client.post("/api/convolve", json={**DEFAULT, "kernel": "nope"})
        assert refused.status_code == 400
        assert len(cache) == 2
        for padding in range(2, 6):
            client.post("/api/convolve", json={**DEFAULT, "padding": padding})
        assert len(cache) == 4  # the least recently used went


def test_the_cache_is_bounded_by_entries_and_by_bytes() -> None:
    cache = AnswerCache(max_entries=3, max_bytes=30)
    for key in "abcd":
        cache.put(key, b"x" * 5)  # 6 bytes each with its key
    assert len(cache) == 3
    assert cache.get("a") is None
    cache.put("e", b"y" * 20)  # 21 bytes: "b" and "c" go to stay within 30
    kept = (cache.get("b"), cache.get("c"), cache.get("d"), cache.get("e"))
    assert kept == (None, None, b"x" * 5, b"y" * 20)
    cache.put("d", b"z")  # replacing an answer counts its new size only
    assert cache.get("d") == b"z"
    assert len(cache) == 2


@pytest.mark.parametrize("path", ["/api/kernels", "/api/digits/3?index=2"])
def test_gets_carry_an_etag_and_answer_304_when_the_client_has_it(client: TestClient, path: str) -> None:
    first = client.get(path)
    tag = first.headers["etag"]
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    assert tag.startswith('"')
    assert client.get(path).headers["etag"] == tag
    cached = client.get(path, headers={"If-None-Match": f'W/"old", {tag}'})
    assert (cached.status_code, cached.content, cached.headers["etag"]) == (304, b"", tag)
    assert client.get(path, headers={"If-None-Match": '"old"'}).content == first.content
    if "digits" in path:
        assert client.get("/api/digits/4?index=2").headers["etag"] != tag
