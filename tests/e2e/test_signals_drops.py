"""The ball drop's own f and g carried through the signals page in chromium: flip-and-slide "from the
ball drop" reads the ball drop's (f * g)(c) at t = c, and the echo made from g has g's bars as spikes
(no console errors allowed); the page says it is busy while the spikes, or a law, are being asked for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from tests.e2e.conftest import logging_page
from tests.e2e.signals_page import numbers, open_signals, set_range, settle, state


@pytest.fixture
def epage(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose test names the refusals it provokes on purpose (chromium logs each as a console
    error, "... status of 422 ..."): any other console or page error still fails the test."""
    expected: list[str] = []
    with logging_page(browser) as (page, errors):
        yield page, expected
    assert len(errors) == len(expected), f"the page logged errors: {errors}"
    assert all(status in error for status, error in zip(expected, errors, strict=True)), errors


def distributions(page: Any) -> tuple[np.ndarray, np.ndarray]:
    """f and g as the URL carries them (6 significant digits), renormalised as the server does."""
    f, g = (np.array([float(v) for v in state(page)[k].split("_")]) for k in ("f", "g"))
    return f / f.sum(), g / g.sum()


def test_the_slide_from_the_ball_drop_reads_its_bar(page: Any, server: str) -> None:
    open_signals(page, server)
    page.get_by_test_id("f-preset").select_option("geometric")
    page.get_by_test_id("g-preset").select_option("triangle")
    set_range(page, "total", 4)
    settle(page)
    bar = float(page.get_by_test_id("sum").inner_text().rsplit("=", 1)[1])  # the ball drop's (f * g)(4)

    page.get_by_test_id("slide-source").select_option("drops")
    settle(page)
    readout = page.get_by_test_id("slide-readout")
    f, g = distributions(page)
    expected = np.convolve(f, g)[4]
    assert readout.inner_text().startswith("t = 4: Σ f(τ) g(4 − τ) = ")
    assert f"the ball drop's (f * g)(4) above is {expected:.4f}" in readout.inner_text()
    assert float(readout.get_attribute("data-area")) == pytest.approx(expected, abs=1e-6)
    assert float(readout.get_attribute("data-area")) == pytest.approx(bar, abs=5e-4)
    assert page.get_by_test_id("sf").is_hidden()  # the shapes' menus step aside
    assert state(page)["slide"] == "drops"

    # The slide follows the ball drop: a new f above, the same t, the new f * g.
    page.get_by_test_id("f-preset").select_option("uniform")
    settle(page)
    f, g = distributions(page)
    assert float(readout.get_attribute("data-area")) == pytest.approx(np.convolve(f, g)[4], abs=1e-6)
    # Scrub to another total: the slide's value is that total's bar.
    set_range(page, "scrubber", 3)  # step 3 is the third frame: t = 2
    assert readout.inner_text().startswith("t = 2: ")
    assert float(readout.get_attribute("data-area")) == pytest.approx(np.convolve(f, g)[2], abs=1e-6)

    # A link keeps the choice; the shapes come back with one click.
    page.reload()
    page.wait_for_selector(".signals[data-busy='false']")
    assert page.get_by_test_id("slide-source").input_value() == "drops"
    page.get_by_test_id("box-box").click()
    settle(page)
    assert page.get_by_test_id("slide-source").input_value() == "shapes"
    assert "slide" not in state(page)
    assert page.get_by_test_id("sf").is_visible()


def test_the_echo_made_from_g_has_gs_bars_as_spikes(epage: tuple[Any, list[str]], server: str) -> None:
    page, expected_errors = epage
    open_signals(page, server)
    page.get_by_test_id("g-preset").select_option("triangle")
    settle(page)
    page.get_by_test_id("make-echo").click()
    settle(page)
    f, g = distributions(page)
    assert page.get_by_test_id("impulse").input_value() == "custom"
    for i, p in enumerate(g):
        assert float(page.get_by_test_id(f"tap-delay-{i}").input_value()) == pytest.approx(100 * i)
        assert float(page.get_by_test_id(f"tap-gain-{i}").input_value()) == pytest.approx(p, rel=1e-3)
    assert page.get_by_test_id(f"tap-gain-{g.size}").count() == 0
    assert numbers(page, "g") == pytest.approx(g.tolist(), abs=1e-3)
    assert f"convolved with {g.size} spikes" in page.get_by_test_id("echo-about").inner_text()

    # f * g, 50 ms a step: one spike per total, as loud as the chance of that total.
    page.get_by_test_id("spikes").select_option("fg")
    page.get_by_test_id("spacing").fill("50")
    page.get_by_test_id("make-echo").click()
    settle(page)
    fg = np.convolve(f, g)
    assert f"convolved with {fg.size} spikes" in page.get_by_test_id("echo-about").inner_text()
    for i in range(min(12, fg.size)):  # the editor lists the first 12
        assert float(page.get_by_test_id(f"tap-delay-{i}").input_value()) == pytest.approx(50 * i)
        assert float(page.get_by_test_id(f"tap-gain-{i}").input_value()) == pytest.approx(fg[i], rel=1e-3)
    assert state(page)["spikes"] == "fg"
    assert state(page)["spacing"] == "50"

    # A spacing out of range is refused by the server, its message beside the control; nothing changes.
    page.get_by_test_id("spacing").fill("500")
    page.get_by_test_id("make-echo").click()
    expected_errors.append("status of 422")
    error = page.get_by_test_id("spikes-error")
    error.wait_for(state="visible")
    assert "spacing: must be <= 0.4 (got 0.5)" in error.inner_text()
    assert state(page)["spacing"] == "50"


def held_until_let_through(page: Any, path: str, button: str) -> Any:
    """Click ``button`` with the answer from ``path`` held in the browser: the page must say it is busy
    meanwhile (tests and scripts wait for data-busy='false' before reading what it shows). Returns the
    held route, for the caller to let through."""
    held: list[Any] = []
    page.route(f"**/api/signals/{path}", lambda route: held.append(route))
    page.get_by_test_id(button).click()
    page.wait_for_function("() => document.querySelector('.signals').dataset.busy === 'true'")
    page.wait_for_timeout(300)  # longer than `settle` waits before it looks
    assert len(held) == 1
    assert page.locator(".signals").get_attribute("data-busy") == "true"
    return held[0]


def test_the_page_is_busy_until_the_spikes_from_the_drop_are_in(
    epage: tuple[Any, list[str]], server: str
) -> None:
    page, _ = epage
    open_signals(page, server)
    route = held_until_let_through(page, "drop-impulse", "make-echo")
    assert page.get_by_test_id("impulse").input_value() != "custom"
    route.continue_()
    settle(page)
    assert page.get_by_test_id("impulse").input_value() == "custom"
    assert "convolved with" in page.get_by_test_id("echo-about").inner_text()


def test_the_page_is_busy_until_a_law_is_in(epage: tuple[Any, list[str]], server: str) -> None:
    page, _ = epage
    open_signals(page, server)
    route = held_until_let_through(page, "laws", "associate")
    assert page.get_by_test_id("law-associative-numbers").count() == 0
    route.continue_()
    settle(page)
    assert page.get_by_test_id("law-associative-numbers").count() == 1
