"""Two checkouts' servers side by side: the same requests, alternating, in one run.

Run: ``.venv/bin/python benchmarks/bench_api_commits.py --before ../old --after . [--rounds 20]``
(``--before`` and ``--after`` are checkouts of convscope; each is served from its own ``src/`` by
``convscope serve`` in a subprocess with ``PYTHONPATH`` pointing there).

Each round sends ``--per-round`` requests of each kind to one server, then to the other (the order
alternates between rounds), over one keep-alive loopback connection per server. Both servers run on the
same shared machine at the same time, so load hits both alike: the ratio before/after is what to read.
Requests: the playground's default ``POST /api/convolve`` (digit 3, kernel "ones" 3x3, padding 1) and
the network view's ``POST /api/network/predict`` for a drawn 140x140 "7" (as ``bench_network.py``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bench_network import drawing
from common import machine

PLAYGROUND = {"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3, "padding": 1, "stride": 1}
REQUESTS = {
    "POST /api/convolve (digit 3, ones 3x3, padding 1)": ("/api/convolve", PLAYGROUND),
    "POST /api/network/predict (140x140 drawing)": ("/api/network/predict", {"image": drawing()}),
}


@contextmanager
def serve(checkout: Path) -> Iterator[http.client.HTTPConnection]:
    """``convscope serve`` from ``checkout/src`` on a free port; a keep-alive connection to it."""
    code = "import sys; from convscope.cli import main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        url = next(word for line in process.stdout for word in line.split() if word.startswith("http://"))
        threading.Thread(target=process.stdout.read, daemon=True).start()  # a full pipe would block it
        yield http.client.HTTPConnection(urlsplit(url.rstrip("/")).netloc, timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=15)


def timed(connection: http.client.HTTPConnection, path: str, body: bytes, n: int) -> list[float]:
    """Milliseconds for each of ``n`` requests, from sending to the last byte of the answer."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, response.status
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the older checkout")
    parser.add_argument("--after", type=Path, required=True, help="the newer checkout")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=25)
    args = parser.parse_args()
    print(f"machine: {machine()}\n")
    sides = {"before": args.before.resolve(), "after": args.after.resolve()}
    with serve(sides["before"]) as before, serve(sides["after"]) as after:
        connections = {"before": before, "after": after}
        results: dict[str, dict[str, list[float]]] = {name: {"before": [], "after": []} for name in REQUESTS}
        for name, (path, payload) in REQUESTS.items():
            body = json.dumps(payload).encode()
            for side in sides:  # warm-up: first requests load the model and fill caches
                timed(connections[side], path, body, 10)
            for round_ in range(args.rounds):
                order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
                for side in order:
                    results[name][side] += timed(connections[side], path, body, args.per_round)
    print(f"{args.rounds} rounds x {args.per_round} requests per side, alternating; medians in ms\n")
    print("| request | before | after | ratio before/after (> 1: after is faster) |")
    print("|---|---:|---:|---:|")
    for name, by_side in results.items():
        b, a = statistics.median(by_side["before"]), statistics.median(by_side["after"])
        print(f"| {name} | {b:.2f} | {a:.2f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
