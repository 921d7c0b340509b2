"""Stroke-to-update latency of the network view, measured in the real page (headless chromium).

Run: ``.venv/bin/python benchmarks/bench_network_view.py [--strokes 30] [--move-ms 16]``.

Starts ``convscope serve --no-browser --port 0``, opens ``#/network`` in Debian's chromium (Playwright's
sync API, no plugin) and draws ``--strokes`` strokes, each a short line of pointer moves ``--move-ms``
apart (about a 60 Hz pointer). An init script stamps every ``pointermove``/``pointerup`` on the pad with
``performance.now()`` and a MutationObserver stamps every update of the probabilities (their
``data-probabilities`` attribute is rewritten on each answer shown). Two numbers per run:

- **stroke end -> update**: from a stroke's ``pointerup`` to the first update of the prediction after it
  (what a learner sees when lifting the pen: debounce + request + drawing);
- **move -> update**: from each ``pointermove`` to the first update after it, while drawing (one request
  is in flight at a time, so a move waits for the answer in flight and then its own).

Medians and p90 (ms). Target: under 50 ms from stroke to update.
"""

from __future__ import annotations

import argparse
from typing import Any

from common import machine, running_server, summary
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

STAMPS = """
window.__stamps = { moves: [], ups: [], updates: [] };
document.addEventListener("pointermove", (e) => { if (e.target.dataset.testid === "pad" && e.buttons)
  window.__stamps.moves.push(performance.now()); }, true);
document.addEventListener("pointerup", (e) => { if (e.target.dataset.testid === "pad")
  window.__stamps.ups.push(performance.now()); }, true);
new MutationObserver((records) => {
  if (records.some((r) => r.attributeName === "data-probabilities"))
    window.__stamps.updates.push(performance.now());
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-probabilities"] });
"""


def latencies(starts: list[float], updates: list[float]) -> list[float]:
    """For each start, the time to the first update at or after it (starts with none after are dropped)."""
    out = []
    for start in starts:
        later = [u for u in updates if u >= start]
        if later:
            out.append(later[0] - start)
    return out


def draw_strokes(page: Any, strokes: int, move_ms: int) -> None:
    """Short strokes across the pad, each ending with the page idle (the final answer shown)."""
    box = page.get_by_test_id("pad").bounding_box()
    for i in range(strokes):
        page.get_by_test_id("clear").click()
        page.wait_for_selector(".network[data-busy='false']")
        x0, y0 = box["x"] + 60 + (i % 5) * 30, box["y"] + 40
        page.mouse.move(x0, y0)
        page.mouse.down()
        for step in range(1, 13):
            page.mouse.move(x0 + step * 3, y0 + step * 16)
            page.wait_for_timeout(move_ms)
        page.mouse.up()
        page.wait_for_selector(".network[data-busy='false']")


def row(name: str, values: list[float]) -> str:
    """A table row: name, count, median, p90 and minimum (values already in ms)."""
    s = summary(values, scale=1)
    return f"| {name} | {len(values)} | {s.median:.1f} | {s.p90:.1f} | {s.min:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=30)
    parser.add_argument("--move-ms", type=int, default=16)
    args = parser.parse_args()
    with running_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(STAMPS)
        page.goto(f"{url}/#/network")
        page.wait_for_selector(".network[data-busy='false']")
        draw_strokes(page, 2, args.move_ms)  # warm-up: the first requests pay for imports and caches
        page.evaluate("window.__stamps = { moves: [], ups: [], updates: [] }")
        draw_strokes(page, args.strokes, args.move_ms)
        stamps = page.evaluate("window.__stamps")
        fetches = page.evaluate(
            "performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/predict'))"
            ".slice(-100).map((e) => e.responseEnd - e.startTime)"
        )
        browser.close()
    print(f"machine: {machine()}")
    print(f"chromium headless; server `convscope serve` (one BLAS thread, as the CLI sets); {args.strokes} "
          f"strokes, a move every {args.move_ms} ms")
    print("| from | n | median ms | p90 ms | min ms |\n|---|---:|---:|---:|---:|")
    print(row("stroke end (pointerup) -> update", latencies(stamps["ups"], stamps["updates"])))
    print(row("pointermove -> update, while drawing", latencies(stamps["moves"], stamps["updates"])))
    print(row("of which: the predict request (fetch start -> response end)", fetches))


if __name__ == "__main__":
    main()
