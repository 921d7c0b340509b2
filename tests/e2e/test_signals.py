"""The signals page in chromium: every control of the ball drop and of flip-and-slide (with the player),
the cross-correlation toggle, the URL state, the keyboard and accessibility (no console errors allowed).
The echo's sound, upload and download are in test_signals_echo.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.e2e.signals_page import READY, numbers, open_signals, set_range, settle, state


def test_ball_drop_controls(page: Any, server: str) -> None:
    open_signals(page, server)
    assert numbers(page, "f") == pytest.approx([1 / 6] * 6, abs=1e-3)
    assert page.get_by_test_id("f-preset").input_value() == "uniform"
    set_range(page, "total", 3)
    settle(page)
    expected = "(f * g)(3) = 0.028 + 0.028 + 0.028 + 0.028 = 0.111"
    assert page.get_by_test_id("sum").inner_text().startswith(expected)
    assert page.get_by_test_id("pairs").locator("li").count() == 4
    assert state(page)["c"] == "3"

    page.get_by_test_id("g-preset").select_option("triangle")
    settle(page)
    g = numbers(page, "g")
    assert sum(g) == pytest.approx(1, abs=2e-3)
    assert g[0] < max(g)
    page.get_by_test_id("f-more").click()
    settle(page)
    assert len(numbers(page, "f")) == 7
    assert numbers(page, "f")[-1] == 0
    page.get_by_test_id("f-fewer").click()
    page.get_by_test_id("f-fewer").click()
    settle(page)
    assert len(numbers(page, "f")) == 5

    # Drag f's first bar up: it grows, the others shrink in proportion (renormalised by the server).
    box = page.get_by_test_id("f-bars").bounding_box()
    before = numbers(page, "f")
    x = box["x"] + 36 + (box["width"] - 44) * (0.6 / 5.2)  # bar 0's centre (axes.js's margins)
    page.mouse.move(x, box["y"] + box["height"] - 40)
    page.mouse.down()
    page.mouse.move(x, box["y"] - 120, steps=5)  # past the axis's top: the bar keeps growing
    page.mouse.up()
    settle(page)
    after = numbers(page, "f")
    assert after[0] > 0.4
    assert sum(after) == pytest.approx(1, abs=3e-3)
    assert after[1] / after[2] == pytest.approx(before[1] / before[2], rel=0.02)
    assert page.get_by_test_id("f-preset").input_value() == ""  # no preset matches a hand-made f
    assert state(page)["f"].split("_")[0] != "1"

    # Drops: the distance printed is the lesson's; 100,000 balls land within 0.01 of f * g.
    page.get_by_test_id("field-balls").fill("100000")
    page.get_by_test_id("field-balls").dispatch_event("change")
    page.get_by_test_id("drop").click()
    page.wait_for_function("() => document.querySelector('[data-testid=distance]').dataset.distance !== ''")
    distance = float(page.get_by_test_id("distance").get_attribute("data-distance"))
    assert 0 < distance < 0.01
    assert "100,000 balls (seed 0)" in page.get_by_test_id("distance").inner_text()
    assert state(page)["n"] == "100000"
    page.get_by_test_id("field-balls").fill("5")
    page.get_by_test_id("field-balls").dispatch_event("change")
    message = page.get_by_test_id("invalid-balls").inner_text()
    assert message == "Must be a whole number from 10 to 100000 (got 5)."


def test_a_drop_draws_its_histogram(page: Any, server: str) -> None:
    """The green ticks appear on f * g only after a drop: the canvas changes and the distance is printed."""
    open_signals(page, server, "f=1_1&g=1_1&c=1&n=10&seed=3")
    before = page.get_by_test_id("conv-bars").screenshot()
    page.get_by_test_id("drop").click()
    page.wait_for_function("() => document.querySelector('[data-testid=distance]').dataset.distance !== ''")
    settle(page)
    assert page.get_by_test_id("conv-bars").screenshot() != before
    green = page.get_by_test_id("conv-bars").evaluate(
        """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
                    for (let i = 0; i < d.length; i += 4)
                      if (d[i] === 27 && d[i + 1] === 138 && d[i + 2] === 58) n++;
                    return n; }""")
    assert green > 20
    assert "10 balls (seed 3)" in page.get_by_test_id("distance").inner_text()


def test_flip_and_slide_player_and_laws(page: Any, server: str) -> None:
    open_signals(page, server, "sf=decay&sg=gaussian")
    counter = page.get_by_test_id("step-counter")
    assert counter.get_attribute("data-count") == "121"
    set_range(page, "scrubber", 0)
    assert page.get_by_test_id("slide-readout").inner_text().startswith("Press play")
    set_range(page, "scrubber", 60)
    assert counter.get_attribute("data-step") == "60"
    readout = page.get_by_test_id("slide-readout").inner_text()
    assert readout.startswith("t = ")
    assert "∫ f(τ) g(t − τ) dτ" in readout
    page.get_by_test_id("step-forward").click()
    page.get_by_test_id("step-back").click()
    page.get_by_test_id("step-back").click()
    assert counter.get_attribute("data-step") == "59"
    assert state(page)["step"] == "59"
    page.get_by_test_id("to-end").click()
    assert counter.get_attribute("data-step") == "121"
    page.get_by_test_id("reset").click()
    page.get_by_test_id("play").click()
    counter.wait_for(state="attached")
    page.wait_for_function("(el) => Number(el.dataset.step) > 2", arg=counter.element_handle())
    page.get_by_test_id("play").click()  # pause
    paused = counter.get_attribute("data-step")
    page.wait_for_timeout(300)
    assert counter.get_attribute("data-step") == paused

    page.get_by_test_id("box-box-box").click()
    settle(page)
    assert state(page)["sf"] == "box"
    assert state(page)["repeat"] == "1"
    assert "convolved with g 1 time" in page.get_by_test_id("repeat-note").inner_text()
    page.get_by_test_id("repeat").click()
    settle(page)
    assert state(page)["repeat"] == "2"
    page.get_by_test_id("unrepeat").click()
    page.get_by_test_id("box-box").click()
    settle(page)
    assert state(page)["repeat"] == "0"

    page.get_by_test_id("sf").select_option("decay")
    settle(page)
    page.get_by_test_id("swap").click()
    settle(page)
    assert (state(page)["sf"], state(page)["sg"]) == ("box", "decay")
    law = page.get_by_test_id("law-commutative-numbers")
    assert float(law.get_attribute("data-difference")) < 1e-12
    assert law.inner_text().startswith("Largest difference between f * g and g * f")
    page.get_by_test_id("associate").click()
    law = page.get_by_test_id("law-associative-numbers")
    law.wait_for()
    assert float(law.get_attribute("data-difference")) < 1e-12


def test_drawn_signal_and_the_cross_correlation_toggle(page: Any, server: str) -> None:
    open_signals(page, server)
    page.get_by_test_id("sg").select_option("drawn")
    pad = page.get_by_test_id("pad-g")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + 30)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + 30, steps=8)
    page.mouse.up()
    settle(page)
    assert state(page)["sg"] == "drawn"
    assert state(page)["dg"].startswith("1x121-")
    area = float(page.get_by_test_id("slide-readout").get_attribute("data-area"))
    assert np.isfinite(area)

    page.get_by_test_id("flip").uncheck()
    settle(page)
    assert state(page)["flip"] == "0"
    assert page.get_by_test_id("flip-explain").inner_text().startswith("Unflipped: this is cross-correlation")
    assert "∫ f(τ) g(τ − t) dτ" in page.get_by_test_id("slide-readout").inner_text()
    href = page.get_by_test_id("playground-link").get_attribute("href")
    assert href.startswith("#/playground?")
    assert "matrix=3x3_0_0_0_" in href
    # A link with the drawing opens the same drawing.
    page.reload()
    page.wait_for_selector(READY)
    assert page.get_by_test_id("sg").input_value() == "drawn"
    assert page.get_by_test_id("pad-g").count() == 1
    page.get_by_test_id("playground-link").click()
    page.wait_for_selector(".playground[data-busy='false']")
    assert "matrix=3x3" in page.url


def test_state_comes_back_from_the_url(page: Any, server: str) -> None:
    query = ("f=1_2_1&g=3_1&c=2&n=500&seed=7&sf=triangle&sg=decay&flip=0&repeat=0&speed=5&step=30"
             "&sound=melody&impulse=box")
    open_signals(page, server, query)
    assert page.get_by_test_id("sum").inner_text().startswith("(f * g)(2) = ")
    assert page.get_by_test_id("field-balls").input_value() == "500"
    assert page.get_by_test_id("sf").input_value() == "triangle"
    assert not page.get_by_test_id("flip").is_checked()
    assert page.get_by_test_id("step-counter").get_attribute("data-step") == "30"
    assert page.get_by_test_id("sound").input_value() == "melody"
    assert page.get_by_test_id("impulse").input_value() == "box"
    kept = {k: state(page)[k] for k in ("c", "sf", "sg", "flip", "step", "sound", "impulse")}
    assert kept == {"c": "2", "sf": "triangle", "sg": "decay", "flip": "0", "step": "30", "sound": "melody",
                    "impulse": "box"}


def test_bars_answer_the_keyboard(page: Any, server: str) -> None:
    """Arrow keys pick a bar of g and raise it, as a drag does; the numbers follow."""
    open_signals(page, server, "f=1_1&g=1_1_1_1&c=1")
    bars = page.get_by_test_id("g-bars")
    bars.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    for _ in range(5):
        page.keyboard.press("ArrowUp")
    settle(page)
    g = numbers(page, "g")
    assert g[2] > 0.3
    assert g[0] == pytest.approx(g[1], abs=1e-3)
    assert sum(g) == pytest.approx(1, abs=3e-3)
    assert bars.get_attribute("aria-valuetext").startswith("step 2: ")


def test_keys_faster_than_the_answers_each_count(page: Any, server: str) -> None:
    """Five ArrowUps while the server's answers are held: each builds on the one before, none is lost."""
    open_signals(page, server, "f=1_1&g=1_1_1_1&c=1")
    held: list[Any] = []
    done = False
    page.route("**/api/signals/ball-drop", lambda route: route.continue_() if done else held.append(route))
    bars = page.get_by_test_id("g-bars")
    bars.focus()
    for key in ["ArrowRight", "ArrowRight", "ArrowUp"]:
        page.keyboard.press(key)
    # The first ask leaves after a short delay: wait (handling the browser's events) until it is held,
    # so that the next four keys surely come while an answer is outstanding.
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    assert held, "no answer was held: the test would not show a lost key"
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    done = True
    for route in held:
        route.continue_()
    settle(page)
    g = numbers(page, "g")
    assert g[2] == pytest.approx(0.35, abs=2e-3)  # 0.25 + 5 * 0.02; 0.27 when each read the old answer
    assert sum(g) == pytest.approx(1, abs=3e-3)


def test_no_serious_accessibility_problems(page: Any, server: str) -> None:
    """axe-core on the page with every part shown (a drawn g, a law): nothing serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    open_signals(page, server, "sg=drawn&dg=1x121-A*50.z*20.A*51.")
    page.get_by_test_id("associate").click()
    page.get_by_test_id("law-associative-numbers").wait_for()
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], [n["target"] for n in v["nodes"]])
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert "page-has-heading-one" not in [v["id"] for v in violations]  # the shell's h1
    # The slide of the ball drop's own f and g (stems, a disabled menu) and the echo's spikes from g.
    open_signals(page, server, "slide=drops")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


def test_url_state_round_trips_and_refuses_nonsense(page: Any, server: str) -> None:
    """stateFromUrl / stateToUrl are inverse on a full state (a drawing included); bad values fall back."""
    open_signals(page, server)
    query = ("f=4_3_2_1&g=0.5_0.5&c=2&n=500&seed=7&slide=drops&sf=drawn&sg=decay&df=1x121-A*50.z*20.A*51."
             "&flip=0&repeat=1&speed=5&step=30&sound=drum&impulse=custom&taps=0%3A1_250%3A-0.4&spikes=fg&spacing=40")
    round_trip, fallback = page.evaluate(
        """async (query) => {
            const { view } = await import("/js/views/signals/index.js");
            const bad = view.stateFromUrl(new URLSearchParams(
              "f=1_-1&g=0_0&n=5&sf=sine&sg=drawn&repeat=9&taps=0%3A1_99999%3A1&step=x&slide=x&spikes=x&spacing=999"));
            return [view.stateToUrl(view.stateFromUrl(new URLSearchParams(query))).toString(), bad];
        }""",
        query,
    )
    assert round_trip == query
    assert fallback["f"] == [1, 1, 1, 1, 1, 1]
    assert fallback["g"] == [1, 1, 1, 1, 1, 1]
    assert fallback["balls"] == 1000
    assert (fallback["sf"], fallback["sg"], fallback["repeat"]) == ("box", "box", 0)
    assert fallback["taps"] == [[0, 1], [300, 0.5]]
    assert fallback["step"] == 0
    assert (fallback["slide"], fallback["spikes"], fallback["spacing"]) == ("shapes", "g", 100)
