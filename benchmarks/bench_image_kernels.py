"""The image kernels page: apply_kernel vs scipy.ndimage.correlate; weight edit -> picture in chromium.

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_image_kernels.py [--repeats 15] [--edits 15]

1. ``apply_kernel`` on a 512x512x3 uint8 photo (the bundled astronaut) against ``scipy.ndimage.correlate``
   in the same run, interleaved (`common.paired`), 3x3 and 15x15 kernels, zeros padding (ndimage's
   "constant"): ratio = median of per-repeat SciPy time / ours, above 1 means convscope is faster.
   Goal (issue 9): >= 1.0 for 3x3, the FFT path for 15x15.
2. The page's interactive path: in headless chromium, the weight in the kernel grid's centre is typed
   (an ``input`` event) and the time until the result canvas has the new picture and the next frame was
   painted is read with ``performance.now()``, median over ``--edits`` edits, for a 3x3 and a 15x15
   kernel on the 512x512 colour photo. Goal (issue 9): under 50 ms median. A second table splits each
   edit into its stages (Resource Timing and the server's Server-Timing header).
   ``--baseline-src /path/to/older/src`` times a second server running that code in the same run, in its
   own tab, edit by edit in turn with this tree's (a same-run A/B against an older page and server).
3. The server's CPU time per edit in process, the picture sent with each request (decoded, padded and
   transformed every time, then packed into RGBA, as before) against a kept one (`PictureStore`, its
   result quantised straight into RGBA, filtered on the store's two threads): the same RGBA bytes,
   ratio = median of per-pair old / new. CPU time adds up both threads' work; the wall time of the kept
   picture's edit is given beside it; "diagonal" edits change a kernel's diagonal, "one weight" edits its
   centre alone, as the page's typing does. ``--repeats 0`` skips parts 1 and 3.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np
import scipy.ndimage
from common import machine, paired, running_server, summary
from playwright.sync_api import sync_playwright

from convscope import apply_kernel
from convscope.data.photos import bundled_photo
from convscope.lessons.image_kernels import Filtering, result_record
from convscope.lessons.kernel_pictures import PictureStore
from convscope.server.routes.image_kernels import _raw as raw_answer
from convscope.signal import choose_method

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
# One edit: type a value into a weight, resolve when the result canvas's putImageData ran and a frame
# was painted after it. Where the time went comes from the browser's own clocks: the apply request's
# Resource Timing entry (when it was sent, when its last byte came) and the server's Server-Timing
# header (filter: the numbers and their picture's bytes; bytes: the answer), where the server sends one.
EDIT = """async ({cell, value}) => {
  const canvas = document.querySelector('[data-testid=result-canvas]');
  const ctx = canvas.getContext('2d');
  let drawnAt = 0;
  const drawn = new Promise((resolve) => {
    const original = ctx.putImageData;
    ctx.putImageData = function (...args) {
      original.apply(this, args); drawnAt = performance.now(); delete ctx.putImageData; resolve();
    };
  });
  performance.clearResourceTimings();
  const input = document.querySelector(`[data-testid=${cell}]`);
  const start = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await drawn;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const total = performance.now() - start;
  const asks = performance.getEntriesByType('resource').filter((e) => /[/]apply[?]/.test(e.name));
  const last = asks[asks.length - 1];
  const server = Object.fromEntries((last?.serverTiming ?? []).map((t) => [t.name, t.duration]));
  return { total, requests: asks.length, sent: last ? last.startTime - start : NaN,
           request: last ? last.responseEnd - last.startTime : NaN, bytes: last ? last.encodedBodySize : NaN,
           filter: server.filter ?? NaN, encode: server.bytes ?? NaN,
           draw: last ? drawnAt - last.responseEnd : NaN, frame: performance.now() - drawnAt };
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


def server_work(repeats: int) -> None:
    """The server's CPU time for one edit, in process: the picture in each request against a kept one."""
    photo = bundled_photo("astronaut")  # (512, 512, 3) uint8
    rgba = np.concatenate([photo, np.full((512, 512, 1), 255, np.uint8)], axis=2).tobytes()  # the old body
    store = PictureStore()
    stored = store.get(store.add(photo)["picture"])
    print("\nServer work per edit, CPU time (time.process_time, so less moved by other processes than wall "
          "time), median of interleaved pairs; both answer the same RGBA bytes (updates of the kept result: "
          "but for values within 1e-9 of a rounding step, convscope.kernel_edits).\n")
    print("| kernel | edit | picture in each request (ms) | kept picture (ms) | ratio "
          "| kept picture, wall (ms) |")
    print("|---|---|---:|---:|---:|---:|")
    for side, edit in itertools.product((3, 15), ("diagonal", "one weight")):
        weights = np.full((side, side), 1 / side**2)
        # Two kernels in turn, so nothing is answered from a cache of results: "diagonal" changes `side`
        # weights per edit (the kept picture computes 15x15 in full, 3x3 by three updates); "one weight"
        # changes the centre alone, as typing one weight does (an update, convscope.kernel_edits).
        step = np.eye(side) if edit == "diagonal" else np.eye(side) * np.eye(side)[side // 2]
        two = [Filtering(weights + step * 0.01 * i) for i in range(2)]
        old_turn, new_turn = itertools.cycle(two), itertools.cycle(two)

        def sent(settings: Iterator[Filtering] = old_turn) -> bytes:
            pixels = np.frombuffer(rgba, np.uint8).reshape(512, 512, 4)[:, :, :3]
            return raw_answer(*result_record(pixels, next(settings))).body

        def kept(settings: Iterator[Filtering] = new_turn) -> bytes:  # what the page's route does now
            return stored.result_rgba(next(settings))[0].tobytes()

        assert sent() == kept()  # one call each: both answer the same two kernels in turn after it
        pairs = [(cpu(sent), cpu(kept), wall(kept)) for _ in range(repeats)]
        old, new, new_wall = (statistics.median(p[k] for p in pairs) for k in (0, 1, 2))
        ratio = statistics.median(p[0] / p[1] for p in pairs)
        print(f"| {side}x{side} | {edit} | {old:.1f} | {new:.1f} | {ratio:.2f} | {new_wall:.1f} |")


def cpu(call: Any) -> float:
    """One call's CPU time in ms."""
    start = time.process_time()
    call()
    return (time.process_time() - start) * 1e3


def wall(call: Any) -> float:
    """One call's wall-clock time in ms (the store's threads work in parallel)."""
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1e3


def open_kernel(page: Any, url: str, side: int) -> str:
    """The page on a ``side`` x ``side`` box kernel, settled; the id of its centre weight's cell."""
    page.goto(f"{url}/#/kernels?photo=astronaut&kernel=box&size={side}")
    page.wait_for_selector(".ik[data-busy='false']", timeout=60_000)
    page.wait_for_selector(f"[data-testid=w-{side // 2}-{side // 2}]")
    page.wait_for_timeout(500)
    return f"w-{side // 2}-{side // 2}"


def median(rows: list[dict[str, float]], key: str) -> str:
    values = [r[key] for r in rows if r[key] == r[key]]  # NaN: not measured (no Server-Timing)
    return f"{statistics.median(values):.1f}" if values else "—"


def edit_latency(servers: dict[str, str], count: int) -> None:
    """Weight edit -> painted picture on each server (this tree's, and the baseline's if given)."""
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = {name: browser.new_page(viewport={"width": 1280, "height": 800}) for name in servers}
        for side in (3, 15):
            cells = {name: open_kernel(pages[name], url, side) for name, url in servers.items()}
            for i in range(count + 2):  # edit by edit on each server in turn: a same-run A/B; 2 warm-ups
                for name, page in pages.items():
                    timed = page.evaluate(EDIT, {"cell": cells[name], "value": 0.1 + (i % 2) * 0.05})
                    if i >= 2:
                        results.setdefault((name, side), []).append(timed)
        browser.close()
    print("\n| kernel | server | weight edit -> picture, median (ms) | min | max | edits |")
    print("|---|---|---:|---:|---:|---:|")
    for (name, side), rows in results.items():
        totals = [r["total"] for r in rows]
        print(f"| {side}x{side} | {name} | {statistics.median(totals):.1f} | {min(totals):.1f} "
              f"| {max(totals):.1f} | {count} |")
    print("\nWhere the time went (medians, ms): input -> request sent; request sent -> last byte (of "
          "which the server's filter and RGBA bytes, from Server-Timing); last byte -> putImageData; "
          "-> next frame; the answer's size.")
    print("\n| kernel | server | sent | request | server filter | server bytes | draw | frame | KiB down |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (name, side), rows in results.items():
        cells = [median(rows, k) for k in ("sent", "request", "filter", "encode", "draw", "frame")]
        kib = statistics.median(r["bytes"] for r in rows) / 1024
        print(f"| {side}x{side} | {name} | {' | '.join(cells)} | {kib:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="apply_kernel vs SciPy pairs (0: skip)")
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="also time the page served from this source tree (e.g. an older main's src)")
    args = parser.parse_args()
    print(f"machine: {machine()}\n")
    if args.repeats:
        versus_scipy(args.repeats)
        server_work(args.repeats)
    with ExitStack() as stack:
        servers = {"this tree": stack.enter_context(running_server())}
        if args.baseline_src is not None:
            env = {"PYTHONPATH": str(args.baseline_src.resolve())}
            servers["baseline"] = stack.enter_context(running_server(env=env))
        edit_latency(servers, args.edits)


if __name__ == "__main__":
    main()
