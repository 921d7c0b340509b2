"""The Matrix & FFT page in chromium against the real server: hovering M lights the window it reads,
zero padding decides whether the FFT's result wraps round, the timing chart draws the server's measured
points, and the transposed convolution's three readings show the same numbers."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

TIMING_WAIT = 180_000  # ms: the first request for the chart runs the sweep (seconds; longer under load)


def post(server: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(server + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def open_matrix(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/#/matrix{query}")
    page.wait_for_selector("[data-testid=matrix-section][data-busy=false] [data-testid=matrix-m][data-cell]")


def hover_cell(page: Any, testid: str, row: int, col: int) -> None:
    canvas = page.get_by_test_id(testid)
    cell = float(canvas.get_attribute("data-cell"))
    canvas.hover(position={"x": col * cell + cell / 2, "y": row * cell + cell / 2})


def test_hovering_a_row_of_m_lights_its_window_and_output(page: Any, server: str) -> None:
    open_matrix(page, server, "?dims=2&size=6&k=3&stride=1&padding=1")
    lesson = post(server, "/api/matrix/matrix", {"dims": 2, "size": 6, "kernel_size": 3, "padding": 1})
    m = page.get_by_test_id("matrix-m")
    assert (int(m.get_attribute("data-rows")), int(m.get_attribute("data-cols"))) == (36, 36)
    row = 14  # output (2, 2): an inner window, nine pixels
    hover_cell(page, "matrix-m", row, 3)
    reads = [c for c, v in enumerate(lesson["weight_index"][row]) if v >= 0]
    assert page.get_by_test_id("matrix-input").get_attribute("data-lit") == ",".join(map(str, reads))
    assert len(reads) == 9
    assert page.get_by_test_id("matrix-output").get_attribute("data-lit") == str(row)
    assert m.get_attribute("data-hover-row") == str(row)
    # A corner window reads padding: fewer pixels, the same weights where it does read.
    hover_cell(page, "matrix-m", 0, 0)
    assert page.get_by_test_id("matrix-input").get_attribute("data-lit") == "0,1,6,7"
    # An input pixel: its column of M and every output that reads it.
    hover_cell(page, "matrix-input", 1, 1)  # padded coordinates: pixel (0, 0)
    assert m.get_attribute("data-hover-col") == "0"
    readers = [r for r, row_index in enumerate(lesson["weight_index"]) if row_index[0] >= 0]
    assert page.get_by_test_id("matrix-output").get_attribute("data-lit") == ",".join(map(str, readers))
    counts = page.get_by_test_id("matrix-counts").inner_text()
    assert "9 distinct" in counts
    assert "1,296" in counts


def test_stride_changes_the_matrix_live(page: Any, server: str) -> None:
    open_matrix(page, server)
    assert page.get_by_test_id("matrix-m").get_attribute("data-rows") == "6"
    page.get_by_test_id("stride").fill("2")
    page.wait_for_selector("[data-testid=matrix-m][data-rows='3']")
    assert "stride=2" in page.url


def test_zero_padding_toggle_shows_the_wrap_around(page: Any, server: str) -> None:
    open_matrix(page, server)
    verdict = page.get_by_test_id("fft-verdict")
    page.wait_for_selector("[data-testid=fft-verdict][data-wrapped=false]")
    assert "equals the direct convolution" in verdict.inner_text()
    page.get_by_test_id("fft-zero-pad").uncheck()
    page.wait_for_selector("[data-testid=fft-verdict][data-wrapped=true]")
    assert "wrapped round" in verdict.inner_text()
    assert page.get_by_test_id("fft-inverse").get_attribute("data-wrapped") == "2"  # k - 1 for kernel 1, 2, 1
    assert page.get_by_test_id("fft-inverse").get_attribute("data-count") == "16"  # length n, not n + k - 1
    assert "zp=0" in page.url
    page.get_by_test_id("fft-kernel").fill("1, x")
    assert "“x” is not a number" in page.get_by_test_id("fft-error").inner_text()


def test_the_timing_chart_draws_the_measured_points(page: Any, server: str, api: Any) -> None:
    open_matrix(page, server)
    assert page.get_by_test_id("timing-chart").get_attribute("data-points") is None  # not asked for yet
    page.get_by_test_id("timing-chart").scroll_into_view_if_needed()  # on screen: the server measures
    page.wait_for_selector("[data-testid=timing-chart][data-points]", timeout=TIMING_WAIT)
    timing = api("/api/matrix/timing")  # measured once per server: the numbers the page drew
    chart = page.get_by_test_id("timing-chart")
    assert int(chart.get_attribute("data-points")) == 2 * len(timing["sizes"]) == 34
    crossover = "" if timing["crossover"] is None else str(timing["crossover"])
    assert chart.get_attribute("data-crossover") == crossover
    assert timing["machine"] in page.get_by_test_id("timing-summary").inner_text()


@pytest.mark.parametrize("query", ["", "&ts=3&tk=4&tp=1&to=2&td=1&ti=2", "&ts=1&tk=2&td=2&to=1"])
def test_the_three_transposed_readings_agree_on_screen(page: Any, server: str, query: str) -> None:
    open_matrix(page, server, f"?dims=1{query}")
    page.wait_for_selector("[data-testid=transposed-section][data-busy=false] [data-testid=reading-c] table")
    page.get_by_test_id("to-end").click()  # reading (b) painted every input
    texts = [page.get_by_test_id(f"reading-{r}").inner_text() for r in "abc"]
    assert texts[0] == texts[1] == texts[2]
    assert texts[0].strip() != ""
    assert "= " in page.get_by_test_id("t-formula").inner_text()


def test_the_player_paints_one_input_at_a_time(page: Any, server: str) -> None:
    open_matrix(page, server, "?ti=2&tk=3&ts=2")
    page.wait_for_selector("[data-testid=transposed-section][data-busy=false] [data-testid=reading-b] table")
    page.get_by_test_id("reset").click()
    cells = page.get_by_test_id("reading-b").locator("td")
    assert set(cells.all_inner_texts()) == {"0"}
    page.get_by_test_id("step-forward").click()
    note = page.get_by_test_id("t-paint-note").inner_text()
    assert "Input (0, 0) = 1 paints 1 × kernel onto 9 output cells" in note
    assert page.get_by_test_id("reading-b").locator("td.is-lit").count() == 9
    assert page.get_by_test_id("t-checker").get_attribute("data-checkerboard") == "true"


def test_a_bad_setting_is_named_beside_the_controls(page: Any, server: str) -> None:
    open_matrix(page, server, "?ts=1&td=1")
    page.get_by_test_id("tOut").fill("1")
    error = page.get_by_test_id("t-error")
    error.wait_for(state="visible")
    assert "output_padding: must be 0..0" in error.inner_text()


def test_an_answer_for_earlier_settings_does_not_clear_a_bad_settings_message(page: Any, server: str) -> None:
    held: list[Any] = []
    page.route("**/api/matrix/transposed", lambda route: held.append(route))
    open_matrix(page, server, "?ts=1&td=1")
    assert len(held) >= 1  # the page's first transposed request, held unanswered
    page.get_by_test_id("tOut").fill("1")
    error = page.get_by_test_id("t-error")
    error.wait_for(state="visible")
    for route in held:
        route.continue_()  # the answer for output_padding 0 arrives after the message
    page.wait_for_selector("[data-testid=transposed-section][data-busy=false]")
    page.wait_for_timeout(200)
    assert "output_padding: must be 0..0" in error.inner_text()
