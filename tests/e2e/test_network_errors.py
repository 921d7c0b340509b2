"""The network explorer when the server fails it, in a real browser: the page says so and is idle again."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

IDLE = ".network[data-busy='false']"


def test_a_sample_the_server_cannot_send_leaves_the_page_idle_with_a_message(
    loud_page: tuple[Any, list[str]], server: str
) -> None:
    page, errors = loud_page
    page.goto(f"{server}/#/network")
    page.wait_for_selector(IDLE)
    page.route("**/api/digits/7*", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"detail": "the digits are not available now"}'))
    page.get_by_test_id("sample-7").click()
    error = page.get_by_test_id("error")
    error.wait_for(state="visible")
    assert "not available" in error.inner_text()
    page.wait_for_selector(IDLE)  # scripts waiting for the answer are not left waiting for ever
    assert errors, "the refused request logs a console error"
    assert all("503" in e for e in errors), errors  # and nothing else does
