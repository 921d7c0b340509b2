"""The network explorer in a real browser against the real server and the shipped LeNet.

The page must show what the API computes: a drawing's prediction is checked against ``POST
/api/network/predict`` for the very image the page sent (captured from the request), and a unit's
receptive field against ``POST /api/network/unit``. The strokes are chosen so the pretrained model reads
them as the intended digit, which is checked too.
"""

from __future__ import annotations

import json
import math
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PREDICT = "/api/network/predict"
IDLE = ".network[data-busy='false']"


@pytest.fixture(scope="session")
def post(server: str) -> Any:
    """POST a JSON body to the server and return the parsed answer."""

    def send(path: str, body: Any) -> Any:
        request = urllib.request.Request(
            server + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    return send


def open_network(page: Any, server: str, query: str = "", *, blank: bool = False) -> list[Any]:
    """Open the view; returns the list that collects every predict request body the page sends.

    A first visit opens on a sample digit; ``blank`` clears the pad first, to draw on an empty one.
    """
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith(PREDICT) else None)
    page.goto(f"{server}/#/network{'?' + query if query else ''}")
    page.wait_for_selector(IDLE)
    page.wait_for_selector("[data-testid=prediction]:not([data-prediction=''])")
    if blank:
        page.get_by_test_id("clear").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=prediction]').dataset.prediction === ''"
        )
        page.wait_for_selector(IDLE)
    return sent


def stroke(page: Any, points: list[tuple[float, float]]) -> None:
    """Draw one stroke through points given in pad pixels (0..280)."""
    box = page.get_by_test_id("pad").bounding_box()
    scale = box["width"] / 280
    x0, y0 = points[0]
    page.mouse.move(box["x"] + x0 * scale, box["y"] + y0 * scale)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=2)
    page.mouse.up()


def one() -> list[tuple[float, float]]:
    return [(140, 40 + 10 * i) for i in range(21)]


def zero() -> list[tuple[float, float]]:
    return [
        (140 + 62 * math.sin(t / 24 * 2 * math.pi), 140 - 95 * math.cos(t / 24 * 2 * math.pi))
        for t in range(26)
    ]


def size(image: list[list[float]]) -> str:
    return f"{len(image)}x{len(image[0])}"


def prediction(page: Any) -> str:
    return page.get_by_test_id("prediction").get_attribute("data-prediction")


def shown_probabilities(page: Any) -> list[float]:
    return [
        float(p) for p in page.get_by_test_id("probabilities").get_attribute("data-probabilities").split(",")
    ]


@pytest.mark.parametrize(("name", "points", "digit"), [("one", one(), 1), ("zero", zero(), 0)])
def test_a_drawing_is_predicted_as_the_api_predicts_it(
    page: Any, server: str, post: Any, screenshot: Any, name: str, points: Any, digit: int
) -> None:
    sent = open_network(page, server, blank=True)
    stroke(page, points)
    page.wait_for_selector(IDLE)
    assert sent, "the page asks the server"
    assert "image" in sent[-1], "the page sends its drawing"
    answer = post(PREDICT, sent[-1])
    assert answer["empty"] is False
    assert prediction(page) == str(answer["prediction"]) == str(digit)
    assert shown_probabilities(page) == pytest.approx(answer["probabilities"], abs=1e-5)
    stages = page.eval_on_selector_all(
        "[data-stage]", "els => els.map(e => [e.dataset.stage, e.dataset.size])"
    )
    pre = answer["preprocessing"]
    assert dict(stages) == {
        "drawing": "140x140",
        "cropped": size(pre["cropped"]),
        "fitted": size(pre["fitted"]),
        "centred": "28x28",
        "padded": "32x32",
    }
    screenshot(page, f"network-drawn-{name}")


def test_a_blank_pad_shows_the_servers_message_not_a_guess(
    page: Any, server: str, post: Any, screenshot: Any
) -> None:
    sent = open_network(page, server, blank=True)
    blank = post(PREDICT, sent[-1])
    assert blank["empty"] is True
    assert blank["prediction"] is None
    message = page.get_by_test_id("message")
    assert message.is_visible()
    assert message.text_content() == blank["message"]
    assert prediction(page) == ""
    stroke(page, one())
    page.wait_for_selector(IDLE)
    assert prediction(page) == "1"
    assert not message.is_visible()
    page.get_by_test_id("clear").click()
    page.wait_for_selector(IDLE)
    assert prediction(page) == ""
    assert message.text_content() == blank["message"]
    screenshot(page, "network-blank")


def test_the_pad_draws_and_erases_from_the_keyboard(page: Any, server: str) -> None:
    """Arrows move the pad's cursor, Space inks a dot there, Delete erases it (as on the playground's pad)."""
    sent = open_network(page, server, blank=True)
    page.get_by_test_id("pad").focus()
    for key in [" ", "ArrowDown", " ", "ArrowDown", " "]:
        page.keyboard.press(key)
    page.wait_for_selector(IDLE)
    assert any(v > 0 for row in sent[-1]["image"] for v in row), "the keys put ink on the pad"
    assert prediction(page) != ""
    for key in ["Delete", "ArrowUp", "Delete", "ArrowUp", "Delete"]:
        page.keyboard.press(key)
    page.wait_for_selector(IDLE)
    assert all(v == 0 for row in sent[-1]["image"] for v in row), "Delete took the ink off again"
    assert prediction(page) == ""


def test_clicking_a_conv2_unit_draws_the_apis_receptive_field(
    page: Any, server: str, post: Any, screenshot: Any
) -> None:
    open_network(page, server, "digit=3&index=0")
    assert prediction(page) == str(post(PREDICT, {"digit": 3, "index": 0})["prediction"]) == "3"
    channel, row, col = 5, 7, 2
    target = page.locator("canvas[data-layer='conv2']").nth(channel)
    box = target.bounding_box()
    target.click(position={"x": (col + 0.5) * box["width"] / 10, "y": (row + 0.5) * box["height"] / 10})
    unit = page.get_by_test_id("unit")
    page.wait_for_selector("[data-testid=unit][data-busy='false'][data-unit='5,7,2']")
    expected = post(
        "/api/network/unit", {"digit": 3, "index": 0, "layer": "conv2", "unit": [channel, row, col]}
    )
    field = ",".join(map(str, expected["receptive_field"]["input"]))
    assert unit.get_attribute("data-receptive-field") == field
    assert page.get_by_test_id("receptive-field").get_attribute("data-receptive-field") == field
    assert unit.get_attribute("data-layer") == "conv2"
    assert "#/network?digit=3&index=0&layer=conv2&unit=5%2C7%2C2" in page.url
    screenshot(page, "network-unit-desktop")


def test_units_are_reachable_from_the_keyboard(page: Any, server: str, post: Any) -> None:
    open_network(page, server, "digit=7&index=0")
    pool = page.locator("canvas[data-layer='pool1']").nth(2)
    pool.focus()
    for key in ("Enter", "ArrowRight", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
    page.wait_for_selector("[data-testid=unit][data-busy='false'][data-unit='2,1,2']")
    expected = post("/api/network/unit", {"digit": 7, "index": 0, "layer": "pool1", "unit": [2, 1, 2]})
    unit = page.get_by_test_id("unit")
    assert unit.get_attribute("data-receptive-field") == ",".join(
        map(str, expected["receptive_field"]["input"])
    )
    assert "winner" in expected
    assert f"row {expected['winner'][0]}" in unit.text_content()
    outline = pool.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused map shows where the keyboard is"
    fc = page.locator("canvas[data-layer='fc3']")
    fc.focus()
    page.keyboard.press("ArrowRight")  # the first key picks the first entry, the next one moves
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("[data-testid=unit][data-busy='false'][data-unit='1']")
    assert "Σ weights × inputs" in page.get_by_test_id("unit-equation").text_content()


def test_phone_width_stacks_without_horizontal_scroll(phone_page: Any, server: str, screenshot: Any) -> None:
    open_network(phone_page, server, "digit=4&index=0&layer=conv1&unit=0,10,12")
    phone_page.wait_for_selector("[data-testid=unit][data-busy='false'][data-unit='0,10,12']")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    pad = phone_page.get_by_test_id("pad").bounding_box()
    layers = phone_page.get_by_test_id("layers").bounding_box()
    assert layers["y"] > pad["y"] + pad["height"], "stacked: the layers come below the pad"
    phone_page.get_by_test_id("clear").click()
    stroke(phone_page, one())
    phone_page.wait_for_selector(IDLE)
    assert prediction(phone_page) == "1"
    assert "digit=" not in phone_page.url, "a drawing replaces the sample in the address"
    screenshot(phone_page, "network-phone")
    screenshot(phone_page, "network-phone-full", full_page=True)


def in_view(selector: str) -> str:
    """A predicate for wait_for_function: the element's top edge is on screen."""
    return (
        f"() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight - 100; }"
    )


def test_a_tapped_unit_is_explained_in_view_on_a_phone_with_a_way_back(phone_page: Any, server: str) -> None:
    open_network(phone_page, server, "digit=4&index=0")
    target = phone_page.locator("canvas[data-layer='conv2']").nth(3)
    target.scroll_into_view_if_needed()
    assert phone_page.locator(".nw-unit").bounding_box()["y"] > 844, "the panel starts below the screen"
    target.click(position={"x": 20, "y": 20})
    phone_page.wait_for_selector("[data-testid=unit][data-busy='false'][data-layer='conv2']")
    phone_page.wait_for_function(in_view(".nw-unit"))
    back = phone_page.get_by_test_id("back-to-layer")
    assert back.text_content() == "↑ back to conv2"
    back.click()
    phone_page.wait_for_function(in_view("canvas[data-layer='conv2'][data-channel='3']"))
    focused = phone_page.evaluate("(d => [d.layer, d.channel])(document.activeElement.dataset)")
    assert focused == ["conv2", "3"]


def test_the_desktop_keeps_its_place_and_hides_the_way_back(page: Any, server: str) -> None:
    open_network(page, server, "digit=4&index=0")
    page.locator("canvas[data-layer='conv1']").nth(0).click(position={"x": 20, "y": 20})
    page.wait_for_selector("[data-testid=unit][data-busy='false'][data-layer='conv1']")
    assert page.evaluate("scrollY") == 0, "the unit panel is beside the layers: nothing to scroll to"
    assert not page.get_by_test_id("back-to-layer").is_visible()


def test_asking_while_drawing_sends_requests_before_the_pen_stops(page: Any, server: str) -> None:
    """A pointer moving every few ms must not hold the prediction back until it pauses."""
    open_network(page, server)
    sends_while_asking = page.evaluate(
        """async () => {
          const { createLatest } = await import("/js/components/latest.js");
          let sends = 0;
          const latest = createLatest(async () => { sends += 1; }, { onResult: () => {}, onError: () => {} });
          for (let i = 0; i < 40; i += 1) {
            latest.ask(i);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          const during = sends;
          latest.cancel();
          return during;
        }"""
    )
    assert sends_while_asking >= 2


def test_a_map_is_drawn_in_its_scales_colours(page: Any, server: str) -> None:
    open_network(page, server)
    got = page.evaluate(
        """async () => {
          const { drawMap } = await import("/js/draw/maps.js");
          const { greys } = await import("/js/draw/colors.js");
          const canvas = document.createElement("canvas");
          const map = [[0, 0.25, 1], [0.5, null, 0.75]];
          drawMap(canvas, map, { cell: 10, scale: null });
          const ctx = canvas.getContext("2d");
          const ratio = canvas.width / 30;
          const at = (r, c) =>
            Array.from(ctx.getImageData((c * 10 + 5) * ratio, (r * 10 + 5) * ratio, 1, 1).data);
          return { pixels: map.map((row, r) => row.map((_, c) => at(r, c))),
                   greys: map.map((row) => row.map((v) => (v === null ? null : [...greys(v), 255]))) };
        }"""
    )
    expected = [[g if g is not None else [217, 221, 227, 255] for g in row] for row in got["greys"]]
    assert got["pixels"] == expected
