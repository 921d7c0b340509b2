"""Every person can operate it: axe-core in chromium on every view and the states the tests visit.

axe-core comes bundled with ``axe-playwright-python`` (nothing from a CDN); it is injected through
Playwright's evaluate, which the page's CSP does not govern. The views are read from index.html's
``[data-nav]`` links when the test runs, so a view added later is covered without editing this file.
Zero serious or critical violations anywhere. Also: every canvas has a text alternative, the playground
announces each step in a live region, and ``prefers-reduced-motion`` stops the playground's autoplay
and the page's transitions.
"""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from convscope.lessons.playground_steps import window_step, window_steps
from tests.e2e.playground_page import READY, open_playground, set_slider

pytestmark = pytest.mark.e2e

AXE = Axe()
BLOCKING = ("serious", "critical")


def nav_views(server: str) -> list[str]:
    """The routes of every view the page links to (``data-nav``), read from the served index.html."""
    with urllib.request.urlopen(f"{server}/", timeout=10) as response:
        html = response.read().decode()
    return re.findall(r'data-nav="([\w-]+)"', html)


def blocking_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v["impact"] in BLOCKING
    ]


def settled(page: Any, server: str, route: str) -> None:
    """Open a view and wait until it has drawn what it asked the server for."""
    page.goto(f"{server}/#/{route}")
    page.wait_for_selector("main#app > *[data-busy='false'], main#app > *:not([data-busy])")
    page.wait_for_load_state("networkidle")


def canvases_without_text(page: Any) -> list[str]:
    """Canvases with no text alternative: an aria-label (or labelledby) on it or on its labelled wrapper."""
    return page.eval_on_selector_all(
        "main canvas",
        """cs => cs.filter(c => {
            const own = c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
            const wrap = c.parentElement && c.parentElement.getAttribute('aria-label');
            return !(own || (wrap && c.getAttribute("aria-hidden") === "true"));
        }).map(c => c.outerHTML.slice(0, 120))""",
    )


def test_the_views_are_read_from_the_nav(server: str) -> None:
    assert {"playground", "network", "training"} <= set(nav_views(server))


def test_every_view_has_no_serious_violation_and_every_canvas_a_text(page: Any, server: str) -> None:
    for route in nav_views(server):
        settled(page, server, route)
        assert blocking_violations(page) == [], route
        assert canvases_without_text(page) == [], route


def test_the_playground_with_invalid_settings_and_mid_animation(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=2")
    page.get_by_test_id("validity").wait_for()
    assert blocking_violations(page) == []
    set_slider(page, "stride", 1)
    page.get_by_test_id("step-forward").click()
    assert blocking_violations(page) == []


def test_each_step_is_announced_from_its_products(page: Any, server: str) -> None:
    lesson = _post(server, "/api/convolve", {"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3})
    n = next(i for i, s in enumerate(window_steps(lesson)) if sum(p != 0 for p in s["products"]) >= 4)
    open_playground(page, server, f"digit=3&index=0&kernel=ones&size=3&padding=0&stride=1&step={n}")
    live = page.get_by_test_id("step-announcement")
    assert live.get_attribute("aria-live") == "polite"
    page.get_by_test_id("step-forward").click()  # step n + 1, 1-based: steps[n]
    text = live.text_content()
    step = window_step(lesson, n)
    assert text.startswith(f"output[{step['out'][0]}, {step['out'][1]}] = ")
    assert text.endswith(f"= {_format(step['sum'])}")
    terms = [_format(p).lstrip("−") for p in step["products"] if p != 0]
    assert text.split(" = ")[1].replace("−", "+").split(" + ") == terms


def test_the_arrow_keys_move_the_probe_window(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    grid = page.get_by_test_id("output-grid")
    grid.focus()
    grid.press("ArrowRight")
    first = page.get_by_test_id("input-grid").get_attribute("data-highlight")
    grid.press("ArrowRight")
    second = page.get_by_test_id("input-grid").get_attribute("data-highlight")
    assert first
    assert second
    assert first != second


def test_the_network_after_a_prediction(page: Any, server: str) -> None:
    page.goto(f"{server}/#/network?digit=7&index=0")
    page.wait_for_selector(".network[data-busy='false']")
    page.get_by_test_id("prediction").wait_for()
    assert blocking_violations(page) == []
    assert canvases_without_text(page) == []


def test_the_training_view_while_a_job_runs(page: Any, server: str) -> None:
    page.goto(f"{server}/#/training")
    for name, value in {"train_size": "2000", "epochs": "3", "batch_size": "32"}.items():
        page.get_by_test_id(f"field-{name}").fill(value)
    page.get_by_test_id("start").click()
    try:
        page.wait_for_selector("[data-testid=training-status][data-status='running']", timeout=30_000)
        assert blocking_violations(page) == []
        assert canvases_without_text(page) == []
    finally:
        _post(server, "/api/training/stop", {})
        page.wait_for_selector("[data-testid=training-status]:not([data-status='running'])", timeout=30_000)
        _post(server, "/api/training/use", {"model": "pretrained"})


def test_visible_focus_on_every_control(page: Any, server: str) -> None:
    open_playground(page, server)
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate("""() => {
            const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, parseFloat(s.outlineWidth), document.activeElement.tagName];
        }""")
        assert outline[0] != "none", outline
        assert outline[1] >= 2, outline


def test_reduced_motion_stops_autoplay_and_transitions(browser: Any, server: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(f"{server}/#/playground?digit=3&index=0&kernel=ones&size=3")
        page.wait_for_selector(READY)
        page.wait_for_timeout(600)
        assert page.get_by_test_id("play").get_attribute("aria-pressed") == "false"
        durations = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .map(e => parseFloat(getComputedStyle(e).transitionDuration) || 0)""")
        assert max(durations) <= 0.01
    finally:
        context.close()


def _post(server: str, path: str, body: Any) -> Any:
    import json

    request = urllib.request.Request(server + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _format(value: float) -> str:
    """The page's formatValue (2, 1 or 0 decimals by size, no trailing zeros), with a typographic minus."""
    if value == 0:
        return "0"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace("-", "−")
