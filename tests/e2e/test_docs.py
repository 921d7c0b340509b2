"""The HTTP API's documentation page renders in a real browser with no internet.

Swagger UI comes from the installed package (fastapi-offline), not a CDN; the browser is started with
background networking off, and any failed request would be a console error that fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_docs_page_lists_every_api_route_offline(page: Any, server: str, screenshot: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server}/docs")
    page.get_by_text("/api/convolve", exact=True).first.wait_for()
    for route in ["/api/digits/{number}", "/api/kernels", "/api/network/predict", "/api/training"]:
        assert page.get_by_text(route, exact=True).count() >= 1, route
    assert requested, "the page made no requests"
    elsewhere = [url for url in requested if not url.startswith(server)]
    assert elsewhere == [], "the docs page asked for files from outside convscope's server"
    screenshot(page, "docs-desktop")
