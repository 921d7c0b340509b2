"""Browser tests' fixtures: the real server in a subprocess, a real chromium, and a page per test
that fails the test on any console error or uncaught page error.

No pytest-playwright plugin. Playwright's sync API drives Debian's chromium (``/usr/bin/chromium``, or
``CONVSCOPE_CHROMIUM``) where there is one, else Playwright's own chromium if it was downloaded
(``python -m playwright install chromium``, what scripts/test does on a machine without apt-get); with
neither, the browser tests are skipped, saying why. Screenshots go to ``artifacts/screenshots/``
(gitignored).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CONVSCOPE_CHROMIUM", "/usr/bin/chromium")
NO_BROWSER = (
    f"no chromium to drive: neither Debian's ({CHROMIUM}) nor Playwright's own download is installed; "
    "install chromium, or run `python -m playwright install chromium` (scripts/test does one or the other)"
)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """``convscope serve --no-browser --port 0`` in a subprocess; yields its base URL."""
    code = "import sys; from convscope.cli import main; sys.exit(main())"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # the address line must arrive before the first request
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        match = re.search(r"(http://[\d.]+:\d+)/", line)
        if match:
            break
    else:
        process.kill()
        pytest.fail("convscope serve printed no address:\n" + "".join(lines))
    try:
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="session")
def api(server: str) -> Any:
    """GET a JSON document from the server: ``api("/api/digits/3?index=0")``."""

    def get(path: str) -> Any:
        with urllib.request.urlopen(server + path, timeout=10) as response:
            return json.load(response)

    return get


def chromium_path(browser_type: Any) -> str | None:
    """Debian's chromium if it is there, else Playwright's own if downloaded, else None."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    bundled = str(browser_type.executable_path)
    return bundled if Path(bundled).exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        path = chromium_path(p.chromium)
        if path is None:
            pytest.skip(NO_BROWSER)
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def logging_page(
    browser: Any, viewport: dict[str, int] = DESKTOP, timeout_ms: int = 10_000, **context_options: Any
) -> Iterator[tuple[Any, list[str]]]:
    """A fresh context and page, and the list its console errors and uncaught page errors land in.

    The caller decides what the errors must be once the context is closed (each fixture below does).
    """
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page, errors
    finally:
        context.close()


def _open_page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A fresh context and page; any console error or page error fails the test at teardown."""
    with logging_page(browser, viewport) as (page, errors):
        yield page
    assert errors == [], f"the page logged errors: {errors}"


@pytest.fixture
def loud_page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A desktop page and the errors it logs, for a test that provokes some (a held or failed request)
    and checks them itself."""
    with logging_page(browser) as opened:
        yield opened


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _open_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    yield from _open_page(browser, PHONE)


@pytest.fixture(scope="session")
def screenshot() -> Any:
    """Save a screenshot of a page as ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def post(server: str) -> Any:
    """POST JSON to the session's server and return the parsed answer (for setting up a page's state)."""

    def send(path: str, body: Any) -> Any:
        request = urllib.request.Request(
            server + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    return send


@pytest.fixture
def clipboard_page(browser: Any) -> Iterator[Any]:
    """A page allowed to use the clipboard and to download (the export panels); console errors fail the
    test."""
    with logging_page(browser, timeout_ms=60_000, accept_downloads=True) as (page, errors):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield page
    assert errors == []
