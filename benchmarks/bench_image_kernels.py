"""The image kernels page: apply_kernel vs scipy.ndimage.correlate; weight edit -> picture in chromium.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_image_kernels.py [--repeats 15] [--edits 15]

1. ``apply_kernel`` on a 512x512x3 uint8 photo (the bundled astronaut) against ``scipy.ndimage.correlate``
   in the same run, interleaved (`common.paired`), 3x3 and 15x15 kernels, zeros padding (ndimage's
   "constant"): ratio = median of per-repeat SciPy time / ours, above 1 means convscope is faster.
   Goal (issue 9): >= 1.0 for 3x3, the FFT path for 15x15.
2. The page's interactive path: in headless chromium, the weight in the kernel grid's centre is typed
   (an ``input`` event) and the time until the result canvas has the new picture and the next frame was
   painted is read with ``performance.now()``, median over ``--edits`` edits, for a 3x3 and a 15x15
   kernel on the 512x512 colour photo. Goal (issue 9): under 50 ms median.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

import numpy as np
import scipy.ndimage
from common import machine, paired, running_server, summary
from playwright.sync_api import sync_playwright

from convscope import apply_kernel
from convscope.data.photos import bundled_photo
from convscope.signal import choose_method

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
# One edit: type a value into a weight, resolve when the result canvas's putImageData ran and a frame
# was painted after it.
EDIT = """async ({cell, value}) => {
  const canvas = document.querySelector('[data-testid=result-canvas]');
  const ctx = canvas.getContext('2d');
  const drawn = new Promise((resolve) => {
    const original = ctx.putImageData;
    ctx.putImageData = function (...args) { original.apply(this, args); delete ctx.putImageData; resolve(); };
  });
  const input = document.querySelector(`[data-testid=${cell}]`);
  const start = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await drawn;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - start;
}"""


def versus_scipy(repeats: int) -> None:
    photo = bundled_photo("astronaut")  # (512, 512, 3) uint8
    rng = np.random.default_rng(0)
    print("| kernel | path | convscope (ms) | scipy.ndimage.correlate (ms) | ratio |")
    print("|---|---|---:|---:|---:|")
    for side in (3, 15):
        kernel = rng.standard_normal((side, side))
        weights = kernel[:, :, None]  # (k, k, 1): each channel alone
        ours = lambda: apply_kernel(photo, kernel)  # noqa: E731, B023
        peer = lambda: scipy.ndimage.correlate(photo.astype(np.float64), weights, mode="constant")  # noqa: E731, B023
        np.testing.assert_allclose(ours(), peer(), rtol=1e-9, atol=1e-9)
        path = choose_method((512 + side - 1, 512 + side - 1), kernel.shape, (512, 512))
        times = paired(ours, peer, repeats)
        mine, theirs = summary(times.ours).median, summary(times.peer).median
        print(f"| {side}x{side} | {path} | {mine:.2f} | {theirs:.2f} | {times.ratio:.2f} |")


def edit_latency(url: str, edits: int) -> None:
    print("\n| kernel | weight edit -> picture, median (ms) | min | max | edits |")
    print("|---|---:|---:|---:|---:|")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for side in (3, 15):
            page.goto(f"{url}/#/kernels?photo=astronaut&kernel=box&size={side}")
            page.wait_for_selector(".ik[data-busy='false']", timeout=60_000)
            page.wait_for_selector(f"[data-testid=w-{side // 2}-{side // 2}]")
            page.wait_for_timeout(500)
            cell = f"w-{side // 2}-{side // 2}"
            times: list[Any] = [page.evaluate(EDIT, {"cell": cell, "value": 0.1 + (i % 2) * 0.05})
                                for i in range(edits + 2)][2:]  # two warm-up edits
            print(f"| {side}x{side} | {statistics.median(times):.1f} | {min(times):.1f} | {max(times):.1f} "
                  f"| {edits} |")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {machine()}\n")
    versus_scipy(args.repeats)
    with running_server() as url:
        edit_latency(url, args.edits)


if __name__ == "__main__":
    main()
