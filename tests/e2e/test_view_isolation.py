"""A view's late answers stay in that view: after a quick navigation, an answer (or error) that was
still on its way must not be written into the view that replaced it, nor start anything there.

Each test holds one request of the first view until the second view is on screen, then lets it finish.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PLAYGROUND_IDLE = ".playground[data-busy='false']"


def hold(page: Any, pattern: str, method: str = "GET") -> list[Any]:
    """Keep the first matching request waiting; returns the list its route lands in."""
    held: list[Any] = []

    def handler(route: Any) -> None:
        if route.request.method == method and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, handler)
    return held


def wait_for(held: list[Any], page: Any) -> None:
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "the request to hold was never sent"
        page.wait_for_timeout(20)


def test_a_late_network_error_is_not_written_into_the_next_view(
    loud_page: tuple[Any, list[str]], server: str
) -> None:
    page, errors = loud_page
    held = hold(page, "**/api/network/model")
    page.goto(f"{server}/#/network?digit=7&index=0")
    wait_for(held, page)
    page.evaluate("location.hash = '#/playground?digit=3&index=0'")
    page.wait_for_selector(PLAYGROUND_IDLE)
    held[0].fulfill(status=500, content_type="application/json", body=json.dumps({"message": "late failure"}))
    page.wait_for_timeout(300)
    assert page.get_by_test_id("error").is_hidden()
    assert "late failure" not in page.locator("#app").inner_text()
    # The one error expected is the browser's own line about the held request's 500.
    assert [e for e in errors if "status of 500" not in e] == []


def wait_until_idle(server: str) -> None:
    """Until the server's training job (if any) is no longer running."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with urllib.request.urlopen(server + "/api/training", timeout=10) as response:
            if json.load(response)["state"] != "running":
                break
        time.sleep(0.2)


@pytest.fixture
def server_idle_after(server: str) -> Iterator[None]:
    """No earlier test's job is still running (a stopped one may take a moment to end), the job this
    test starts ends before the next test, and the shipped model stays in use."""
    wait_until_idle(server)
    yield
    wait_until_idle(server)
    request = urllib.request.Request(
        server + "/api/training/use", data=json.dumps({"model": "pretrained"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_a_training_started_after_leaving_is_not_followed_by_the_next_view(
    loud_page: tuple[Any, list[str]], server: str, server_idle_after: None
) -> None:
    page, errors = loud_page
    held = hold(page, "**/api/training", method="POST")
    streams: list[str] = []
    page.goto(f"{server}/#/training")
    page.wait_for_selector("[data-testid=training-status][data-status]")
    page.wait_for_selector("[data-testid=start]:not([disabled])")
    for name, value in {"train_size": "64", "epochs": "1", "batch_size": "32"}.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("start").click()
    wait_for(held, page)
    page.evaluate("location.hash = '#/playground?digit=3&index=0'")
    page.wait_for_selector(PLAYGROUND_IDLE)
    page.on("request", lambda r: streams.append(r.url) if r.url.endswith("/api/training/events") else None)
    held[0].continue_()
    page.wait_for_timeout(800)
    assert streams == [], "the training view left behind follows the job it started"
    assert page.locator("#app .playground").count() == 1
    assert errors == []
