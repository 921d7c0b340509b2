"""Shared steps for the signals page's browser tests: open it, wait for it, read what it shows."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

READY = ".signals[data-busy='false']"


def state(page: Any) -> dict[str, str]:
    """The view's state as its URL holds it."""
    query = urlsplit(page.url).fragment.split("?", 1)[1]
    return {k: v[0] for k, v in parse_qs(query).items()}


def open_signals(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/#/signals{'?' + query if query else ''}")
    page.wait_for_selector(READY)


def settle(page: Any) -> None:
    """Wait for every section's newest answer (asks are merged within a frame, then sent)."""
    page.wait_for_timeout(60)
    page.wait_for_selector(READY)


def numbers(page: Any, key: str) -> list[float]:
    text = page.get_by_test_id(f"{key}-numbers").inner_text()
    return [float(v) for v in re.findall(r"[-\d.e]+", text.split("=", 1)[1])]


def set_range(page: Any, testid: str, value: int) -> None:
    page.get_by_test_id(testid).evaluate(
        "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }", value)
