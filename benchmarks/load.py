"""100 clients against a real ``convscope serve`` for 10 s: throughput, latency and the server's memory.

Starts ``convscope serve --port 0`` in a subprocess (loopback only), then for each scenario runs
``--clients`` concurrent keep-alive connections, each sending the same request back to back for
``--seconds``, and stops by itself. Reports requests per second, p50/p99 latency, how many answers
were errors (anything but 200 or a 503 refusal) and refusals (503 with Retry-After, the server's load
limit), and the server's resident memory (RSS, psutil) before, at its peak (sampled every 20 ms) and
after the burst (2 s later, when the server has gone idle).

    .venv/bin/python benchmarks/load.py                    # both scenarios, 100 clients, 10 s each
    .venv/bin/python benchmarks/load.py --scenario default --clients 20 --seconds 3

Scenarios: ``default`` is the playground's first request (digit 3, 3x3 ones, the page's defaults), which
the server answers from its cache after the first time; ``varied`` the same request for 200 different
digits "3" (index 0..199), each client cycling through them from its own place, so that nearly every
request misses the server's 64-answer cache and is computed; ``heavy`` 100 different 64x64 images with
an 8x8 kernel (57x57 windows x 64 taps; the issue's 4.8 MB answer before the steps left it), so that
each big trace is computed, not answered from the cache.
The client is plain asyncio on raw HTTP/1.1, light enough to share the cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import select
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil

SRC = Path(__file__).resolve().parents[1] / "src"
DEFAULT = {"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3, "padding": 0, "stride": 1,
           "dilation": 1}
SCENARIOS: dict[str, list[dict[str, object]]] = {
    "default": [DEFAULT],
    "varied": [{**DEFAULT, "index": index} for index in range(200)],
    # 100 different images, more than the 64-answer cache holds: every big trace is computed.
    "heavy": [{
        "image": np.random.default_rng(seed).random((64, 64)).round(3).tolist(),
        "kernel": np.random.default_rng(1).standard_normal((8, 8)).round(3).tolist(),
    } for seed in range(100)],
}


@dataclass
class Tally:
    """What the clients saw."""

    latencies: list[float] = field(default_factory=list)  # seconds, answered 200
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # a connection reset or an unreadable answer
    answer_bytes: int = 0


@contextmanager
def serving(src: Path) -> Iterator[tuple[str, psutil.Process]]:
    """``convscope serve --no-browser --port 0`` from ``src`` in a subprocess: its URL and its process."""
    code = "import sys; from convscope.cli import main; sys.exit(main())"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1",
             "PYTHONPATH": str(src)},
    )  # fmt: skip
    assert process.stdout is not None
    deadline, url = time.monotonic() + 60, None
    while url is None and time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.5)[0]:
            match = re.search(r"(http://127\.0\.0\.1:\d+)/", process.stdout.readline())
            url = match[1] if match else None
    if url is None:
        process.kill()
        raise RuntimeError("convscope serve printed no loopback URL")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # a full pipe would block it
    try:
        yield url, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)


async def one_client(port: int, bodies: list[bytes], first: int, stop: float, tally: Tally) -> None:
    """Send the requests back to back on one keep-alive connection until ``stop`` (monotonic), cycling
    through ``bodies`` from index ``first``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = first
    try:
        while time.monotonic() < stop:
            body = bodies[sent % len(bodies)]
            sent += 1
            head = (f"POST /api/convolve HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
            start = time.perf_counter()
            writer.write(head + body)
            status, answer = await read_answer(reader)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if status == 200:
                tally.latencies.append(time.perf_counter() - start)
                tally.answer_bytes += len(answer)
            elif status == 503:
                await asyncio.sleep(1.0)  # as its Retry-After asks
    except (ConnectionError, asyncio.IncompleteReadError, ValueError):
        tally.failures += 1
    finally:
        writer.close()


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 answer with a Content-Length: its status and body."""
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(line.split(":")[1]) for line in lines if line.lower().startswith("content-length:"))
    return status, await reader.readexactly(length)


def watch_rss(process: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    """Keep the highest RSS seen in ``peak[0]`` until ``stop`` is set."""
    while not stop.is_set():
        peak[0] = max(peak[0], process.memory_info().rss)
        time.sleep(0.02)


def settle(server: psutil.Process, most: float = 30.0) -> None:
    """Wait (at most ``most`` seconds) until the server's RSS holds still for 2 s: it frees ~140 MB
    a few seconds after starting, which would otherwise count as memory the burst gave back."""
    deadline, last = time.monotonic() + most, -1
    while time.monotonic() < deadline:
        rss = server.memory_info().rss
        if abs(rss - last) < 2**20:
            return
        last = rss
        time.sleep(2.0)


def run_scenario(url: str, server: psutil.Process, name: str, clients: int,
                 seconds: float) -> dict[str, object]:
    """One burst of ``clients`` for ``seconds``; the numbers for RESULTS.md."""
    port, bodies = int(url.rsplit(":", 1)[1]), [json.dumps(body).encode() for body in SCENARIOS[name]]
    before = server.memory_info().rss
    peak, stop_watch = [before], threading.Event()
    watcher = threading.Thread(target=watch_rss, args=(server, stop_watch, peak), daemon=True)
    watcher.start()
    tally = Tally()

    async def burst() -> None:
        stop = time.monotonic() + seconds
        spread = max(1, len(bodies) // clients)
        await asyncio.gather(*(one_client(port, bodies, k * spread, stop, tally) for k in range(clients)))

    start = time.perf_counter()
    asyncio.run(burst())
    elapsed = time.perf_counter() - start
    time.sleep(2.0)  # the server goes idle; what it keeps now is what a burst leaves behind
    stop_watch.set()
    watcher.join()
    after = server.memory_info().rss
    ok = sorted(tally.latencies)
    errors = sum(n for status, n in tally.statuses.items() if status not in (200, 503)) + tally.failures
    mb = 1 / 2**20
    return {
        "scenario": name, "clients": clients, "seconds": round(elapsed, 1),
        "ok": len(ok), "refused_503": tally.statuses.get(503, 0), "errors": errors,
        "req_per_s": round(len(ok) / elapsed, 1),
        "p50_ms": round(1e3 * statistics.median(ok), 1) if ok else None,
        "p99_ms": round(1e3 * ok[min(len(ok) - 1, int(0.99 * len(ok)))], 1) if ok else None,
        "answer_kb": round(tally.answer_bytes / max(1, len(ok)) / 1024, 1),
        "rss_before_mb": round(before * mb), "rss_peak_mb": round(peak[0] * mb),
        "rss_after_mb": round(after * mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--src", type=Path, default=SRC,
                        help="the convscope sources to serve (default this checkout's src/; another "
                        "checkout's src/ measures the code before a change)")
    args = parser.parse_args()
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start: {load}; nproc {os.cpu_count()}")
    for name in names:
        with serving(args.src) as (url, server):  # a fresh server per scenario: its memory is its own
            run_scenario(url, server, name, 4, 1.0)  # warm up: imports, the first trace
            settle(server)
            print(json.dumps(run_scenario(url, server, name, args.clients, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
