"""Latency of ``POST /api/convolve`` for the playground's default request, and where the time goes.

Run: ``.venv/bin/python benchmarks/bench_api.py [--requests 300] [--warmup 50]``.

The request is a 20x20 MNIST digit, kernel "ones" 3x3, padding 1, stride 1 (400 windows). The answer
holds the padded input, the kernel, the output and the size arithmetic; the page derives each window's
taps, values and products from them (``static/js/views/playground/trace.js``,
``convscope.lessons.playground_steps``), so the server traces only the sums. The server keeps its last
encoded answers (``convscope.server.answer_cache``), so the same request twice is a cache hit: the
timings below say which they measure. All in the same run:

1. through the real server: ``convscope serve --no-browser --port 0`` in a subprocess, one keep-alive
   ``http.client`` connection over loopback, time from sending the request to the last response byte;
   the same request every time (a cache hit after the first), and a different digit example each time
   (a cache miss: the route's whole work);
2. through FastAPI's ``TestClient`` (in process, no sockets), likewise hit and miss;
3. each stage the route runs on a miss, in process: request validation and its cache key, the digit,
   the kernel, the slot's cost (``trace_taps``), the lesson (``convolution_lesson``; of which the size
   arithmetic and the traced sums) and its orjson encoding (``FastJSONResponse``); and, labelled as
   history, the old answer that carried the 400 windows' taps (``trace_convolution``), for scale.

Medians (and p90) over ``--requests`` calls after ``--warmup`` calls. Target from the issue: < 5 ms median.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import orjson
from common import add_blas_option, limit_blas, machine, running_server, summary, timings
from starlette.exceptions import StarletteDeprecationWarning

from convscope.arithmetic import explain_convolution
from convscope.data import DigitSource
from convscope.lessons.playground import Convolution, convolution_lesson, kernel_weights, trace_taps
from convscope.lessons.playground_inputs import DIGIT_BOX, digit_at_size
from convscope.server import create_app
from convscope.server.answer_cache import AnswerCache
from convscope.server.responses import FastJSONResponse
from convscope.server.schemas.playground import ConvolveRequest
from convscope.trace import pad_image, trace_convolution, trace_sums

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # httpx -> httpx2 deprecation
    from fastapi.testclient import TestClient

BODY = {"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3, "padding": 1, "stride": 1}


def bodies(hit: bool) -> Iterator[bytes]:
    """The request body over and over (``hit``), or a different example of the digit each time (a miss:
    the server keeps 64 answers, and cycling through the ~1,000 examples never asks for a kept one)."""
    count = DigitSource().count(BODY["digit"])
    for index in itertools.cycle(range(count)) if not hit else itertools.repeat(0):
        yield json.dumps({**BODY, "index": index}).encode()


def bench_server(requests: int, warmup: int) -> tuple[dict[str, list[float]], int]:
    """Per-request latency over one keep-alive loopback connection (hit, miss), and the answer's bytes."""
    headers = {"Content-Type": "application/json"}
    size = 0
    times: dict[str, list[float]] = {}
    with running_server() as url:
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)
        for name, hit in (("hit", True), ("miss", False)):
            payloads = bodies(hit)

            def call() -> None:
                nonlocal size
                connection.request("POST", "/api/convolve", body=next(payloads), headers=headers)  # noqa: B023
                response = connection.getresponse()
                body = response.read()
                assert response.status == 200, response.status
                size = len(body) if hit else size  # noqa: B023  (the default request's answer)

            times[name] = timings(call, requests, warmup)
        connection.close()
    return times, size


def bench_testclient(requests: int, warmup: int) -> dict[str, list[float]]:
    """Per-request latency through FastAPI's TestClient (hit, miss)."""
    times: dict[str, list[float]] = {}
    # The app answers only its own host names (against DNS rebinding), not TestClient's "testserver".
    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        for name, hit in (("hit", True), ("miss", False)):
            payloads = bodies(hit)

            def call() -> None:
                answer = client.post("/api/convolve", content=next(payloads),  # noqa: B023
                                     headers={"Content-Type": "application/json"})
                answer.raise_for_status()

            times[name] = timings(call, requests, warmup)
    return times


def bench_stages(requests: int, warmup: int) -> tuple[dict[str, list[float]], int]:
    """The route's stages on a cache miss, one by one, in process; then the old answer, as history.
    Also the old answer's size in bytes."""
    raw = json.dumps(BODY)
    request = ConvolveRequest.model_validate(json.loads(raw))
    source = DigitSource()
    image = digit_at_size(source, 3, 0, DIGIT_BOX)
    weights, name = kernel_weights("ones", 3)
    setting = Convolution(image, weights, name, padding=1, stride=1, dilation=1)
    lesson = convolution_lesson(setting)
    answers = AnswerCache()
    answers.put(request.model_dump_json(), bytes(FastJSONResponse(lesson).body))
    steps = trace_convolution(image, weights, 1, 1, 1)
    old: dict[str, Any] = {**lesson, "steps": steps}
    stages: dict[str, Callable[[], object]] = {
        "parse + validate request (json.loads + pydantic)": lambda: ConvolveRequest.model_validate(
            json.loads(raw)),
        "cache key + lookup (model_dump_json, AnswerCache.get)": lambda: answers.get(
            request.model_dump_json()),
        "digit (digit_at_size, 20x20 box / 255)": lambda: digit_at_size(source, 3, 0, DIGIT_BOX),
        "kernel (kernel_weights)": lambda: kernel_weights("ones", 3),
        "slot cost (trace_taps)": lambda: trace_taps(setting),
        "lesson (convolution_lesson)": lambda: convolution_lesson(setting),
        "  of which: explain_convolution": lambda: explain_convolution(image.shape, weights.shape, 1, 1, 1),
        "  of which: the traced sums (trace_sums, 400 windows)": lambda: trace_sums(image, weights, 1, 1, 1),
        "  of which: pad_image + tolist": lambda: pad_image(image, 1).tolist(),
        "orjson encoding of the answer (FastJSONResponse)": lambda: FastJSONResponse(lesson),
        "(history) the old answer's 400 steps (trace_convolution)": lambda: trace_convolution(
            image, weights, 1, 1, 1),
        "(history) orjson encoding of the old answer, with its steps": lambda: FastJSONResponse(old),
    }
    return {name: timings(call, requests, warmup) for name, call in stages.items()}, len(orjson.dumps(old))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per measurement")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests first")
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)  # the in-process rows; the server sets its own (one thread)
    server_times, size = bench_server(args.requests, args.warmup)
    client_times = bench_testclient(args.requests, args.warmup)
    stages, old_size = bench_stages(args.requests, args.warmup)

    print(f"machine: {machine()}")
    print(f"request: {json.dumps(BODY)}; answer {size:,} bytes (the old one, with its steps: {old_size:,}); "
          f"{args.requests} timed after {args.warmup} warm-up\n")
    print("| path | median ms | p90 ms | min ms |\n|---|---:|---:|---:|")
    rows = (("real uvicorn server, loopback, keep-alive (http.client), cache miss", server_times["miss"]),
            ("real uvicorn server, same request again (cache hit)", server_times["hit"]),
            ("FastAPI TestClient (in process), cache miss", client_times["miss"]),
            ("FastAPI TestClient (in process), cache hit", client_times["hit"]))
    for name, times in rows:
        s = summary(times)
        print(f"| {name} | {s.median:.2f} | {s.p90:.2f} | {s.min:.2f} |")
    print("\n| stage on a cache miss (in process) | median ms | p90 ms | min ms |\n|---|---:|---:|---:|")
    for name, times in stages.items():
        s = summary(times)
        print(f"| {name} | {s.median:.3f} | {s.p90:.3f} | {s.min:.3f} |")


if __name__ == "__main__":
    main()
