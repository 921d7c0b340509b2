"""Latency of ``POST /api/convolve`` for the playground's default request, and where the time goes.

Run: ``.venv/bin/python benchmarks/bench_api.py [--requests 300] [--warmup 50]``.

The request is a 20x20 MNIST digit, kernel "ones" 3x3, padding 1, stride 1 (400 windows in the trace).
It is timed three ways in the same run:

1. through the real server: ``convscope serve --no-browser --port 0`` in a subprocess, one keep-alive
   ``http.client`` connection over loopback, time from sending the request to the last response byte;
2. through FastAPI's ``TestClient`` (in process, no sockets);
3. each stage the route runs, in process: request validation, digit crop, explanation, trace, padding,
   and the JSON encoding of the response (``JSONResponse.render``), to say which one dominates.

Medians (and p90) over ``--requests`` calls after ``--warmup`` calls. Target from the issue: < 5 ms median.
"""

from __future__ import annotations

import argparse
import http.client
import json
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from common import add_blas_option, limit_blas, machine, running_server, summary, timings
from fastapi.responses import JSONResponse
from starlette.exceptions import StarletteDeprecationWarning

from convscope.arithmetic import explain_convolution
from convscope.data import DigitSource
from convscope.kernels import kernel
from convscope.server import create_app
from convscope.server.schemas.playground import ConvolveRequest
from convscope.trace import pad_image, trace_convolution

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # httpx -> httpx2 deprecation
    from fastapi.testclient import TestClient

BODY = {"digit": 3, "index": 0, "kernel": "ones", "kernel_size": 3, "padding": 1, "stride": 1}


def bench_server(requests: int, warmup: int) -> tuple[list[float], int]:
    """Per-request latency over one keep-alive loopback connection, and the response size in bytes."""
    payload = json.dumps(BODY).encode()
    headers = {"Content-Type": "application/json"}
    size = 0
    with running_server() as url:
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)

        def call() -> None:
            nonlocal size
            connection.request("POST", "/api/convolve", body=payload, headers=headers)
            response = connection.getresponse()
            size = len(response.read())
            assert response.status == 200

        times = timings(call, requests, warmup)
        connection.close()
    return times, size


def bench_testclient(requests: int, warmup: int) -> list[float]:
    """Per-request latency through FastAPI's TestClient."""
    # The app answers only its own host names (against DNS rebinding), not TestClient's "testserver".
    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        return timings(lambda: client.post("/api/convolve", json=BODY).raise_for_status(), requests, warmup)


def bench_stages(requests: int, warmup: int) -> dict[str, list[float]]:
    """The route's stages one by one, in process."""
    raw = json.dumps(BODY)
    source = DigitSource()
    image = source.crop(3, 0)
    weights = kernel("ones", 3)
    steps = trace_convolution(image, weights, 1, 1, 1)
    response: dict[str, Any] = {
        "input": image.tolist(), "padded": pad_image(image, 1).tolist(), "kernel": weights.tolist(),
        "output": [[s["sum"] for s in steps[r * 20 : (r + 1) * 20]] for r in range(20)],
        "explanation": explain_convolution(image.shape, weights.shape, 1, 1, 1), "steps": steps,
    }
    slim = [{k: v for k, v in step.items() if k not in ("positions", "values")} for step in steps]
    stages: dict[str, Callable[[], object]] = {
        "parse + validate request (json.loads + pydantic)": lambda: ConvolveRequest.model_validate(
            json.loads(raw)
        ),
        "digit crop (crop_digit / 255)": lambda: source.crop(3, 0),
        "explain_convolution": lambda: explain_convolution(image.shape, weights.shape, 1, 1, 1),
        "trace_convolution (400 steps)": lambda: trace_convolution(image, weights, 1, 1, 1),
        "pad_image + tolist": lambda: pad_image(image, 1).tolist(),
        "JSON encoding of the response (JSONResponse)": lambda: JSONResponse(response),
        "  of which: the 400 steps alone": lambda: JSONResponse(steps),
        "  (what-if) steps without positions and values, which the page could derive": lambda: JSONResponse(
            slim
        ),
    }
    return {name: timings(call, requests, warmup) for name, call in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per measurement")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests first")
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)  # the in-process rows; the server sets its own (one thread)
    server_times, size = bench_server(args.requests, args.warmup)
    client_times = bench_testclient(args.requests, args.warmup)
    stages = bench_stages(args.requests, args.warmup)

    print(f"machine: {machine()}")
    print(f"request: {json.dumps(BODY)}; response {size:,} bytes; {args.requests} timed after "
          f"{args.warmup} warm-up\n")
    print("| path | median ms | p90 ms | min ms |\n|---|---:|---:|---:|")
    for name, times in (("real uvicorn server, loopback, keep-alive (http.client)", server_times),
                        ("FastAPI TestClient (in process)", client_times)):
        s = summary(times)
        print(f"| {name} | {s.median:.2f} | {s.p90:.2f} | {s.min:.2f} |")
    print("\n| stage (in process) | median ms | p90 ms | min ms |\n|---|---:|---:|---:|")
    for name, times in stages.items():
        s = summary(times)
        print(f"| {name} | {s.median:.3f} | {s.p90:.3f} | {s.min:.3f} |")


if __name__ == "__main__":
    main()
