"""Click-to-sound time of the signals page's echo, measured in the real page (headless chromium).

Run: ``.venv/bin/python benchmarks/bench_click_to_sound.py [--clicks 20]``.

Starts ``convscope serve --no-browser --port 0``, opens ``#/signals?sound=pluck&impulse=echo`` in
Debian's chromium (``--autoplay-policy=no-user-gesture-required``; Playwright's sync API, no plugin) and
clicks a play button ``--clicks`` times. The page times each click itself (``views/signals/audio.js``):
from the click event's timestamp to the first animation frame at which the AudioContext's clock has
passed the moment the AudioBufferSourceNode was started; it writes that to the view's
``data-click-to-sound-ms``. So a number covers decoding the WAV, (re)starting the source, and the audio
clock actually running: what a learner waits for between pressing play and the sound starting, except
the sound card's output latency (headless chromium has no sound card; its clock runs on a fake device).
The clock is read once per animation frame, so a time is rounded up to the next frame (about 16 ms).

Three rows: the **first click** (creates the AudioContext at the sound's rate), then **echo** (decode the
answer's WAV, already in the page) and **input** (fetch the bundled WAV from the server, then decode).
Medians and p90 in ms. No peer to compare with in the same run: the Web Audio ConvolverNode would
normalise the impulse response (the page does not use it, by design).
"""

from __future__ import annotations

import argparse
from typing import Any

from common import machine, running_server, summary
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--autoplay-policy=no-user-gesture-required"]

BUTTONS = {
    "echo (decode the answer's WAV)": "play-output",
    "input (fetch the bundled WAV, decode)": "play-input",
}


def click_and_time(page: Any, button: str) -> float:
    """Click a play button and return the page's own click-to-sound time (ms)."""
    page.get_by_test_id("stop").click()
    page.evaluate("() => { delete document.querySelector('.signals').dataset.clickToSoundMs; }")
    page.get_by_test_id(button).click()
    handle = page.wait_for_function(
        "() => document.querySelector('.signals').dataset.clickToSoundMs", timeout=20_000)
    return float(handle.json_value())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20, help="clicks per button (default 20)")
    args = parser.parse_args()
    with running_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/#/signals?sound=pluck&impulse=echo")
        page.wait_for_selector(".signals[data-busy='false']", timeout=30_000)
        first = click_and_time(page, "play-output")
        rows = {name: [click_and_time(page, button) for _ in range(args.clicks)]
                for name, button in BUTTONS.items()}
        browser.close()
    print(machine())
    print(f"clicks per row: {args.clicks}; sound: pluck, 22,050 Hz; impulse response: the echo preset\n")
    print("| click | median (ms) | p90 (ms) |")
    print("|---|---|---|")
    print(f"| first click (creates the AudioContext) | {first:.1f} | — |")
    for name, times in rows.items():
        s = summary([t / 1e3 for t in times])
        print(f"| {name} | {s.median:.1f} | {s.p90:.1f} |")


if __name__ == "__main__":
    main()
