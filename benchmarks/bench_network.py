"""Latency of ``POST /api/network/predict`` (the view updates while you draw) and ``/api/network/unit``.

Run: ``.venv/bin/python benchmarks/bench_network.py [--requests 200] [--warmup 30]``.

The request is what the page sends while drawing: a 140x140 canvas (the pad's half resolution) holding
a stroked "7", ink rounded to 2 decimals. Timed three ways in the same run:

1. through the real server: ``convscope serve --no-browser --port 0`` in a subprocess, one keep-alive
   ``http.client`` connection over loopback, from sending the request to the last response byte;
2. through FastAPI's ``TestClient`` (in process, no sockets);
3. each stage of the route in process: request validation, ``to_mnist``, the forward pass keeping every
   layer, rounding the activations to lists, and the JSON encoding of the response.

Medians (and p90, min) over ``--requests`` calls after ``--warmup``. Target: stroke-to-update under 50 ms,
so the route should answer in a few ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from common import add_blas_option, limit_blas, machine, running_server, summary, timings
from fastapi.responses import JSONResponse
from starlette.exceptions import StarletteDeprecationWarning

from convscope.data import to_mnist
from convscope.explore import layer_activations, run_layers
from convscope.nn import pretrained
from convscope.server import create_app
from convscope.server.schemas.network import PredictRequest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # httpx -> httpx2 deprecation
    from fastapi.testclient import TestClient


def drawing(side: int = 140) -> list[list[float]]:
    """A '7' as thick strokes (a bar and a diagonal), like a finger on the pad, ink in [0, 1]."""
    rows, cols = np.mgrid[0:side, 0:side] / side
    bar = (np.abs(rows - 0.2) < 0.05) & (cols > 0.25) & (cols < 0.75)
    diagonal = (np.abs(cols - (0.75 - 0.35 * (rows - 0.2) / 0.65)) < 0.05) & (rows > 0.2) & (rows < 0.85)
    return np.where(bar | diagonal, 1.0, 0.0).round(2).tolist()


PREDICT = {"image": drawing()}
UNIT = {"image": drawing(), "layer": "conv2", "unit": [5, 4, 4]}


def bench_server(bodies: dict[str, tuple[str, dict[str, Any]]], requests: int, warmup: int) -> dict[str, Any]:
    """Per-request latency of each (path, body) over one keep-alive loopback connection, and sizes."""
    results = {}
    with running_server() as url:
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)
        for name, (path, body) in bodies.items():
            payload, sizes = json.dumps(body).encode(), [0]

            def call(path: str = path, payload: bytes = payload, sizes: list[int] = sizes) -> None:
                connection.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                sizes[0] = len(response.read())
                assert response.status == 200

            results[name] = (timings(call, requests, warmup), len(payload), sizes[0])
        connection.close()
    return results


def bench_testclient(
    bodies: dict[str, tuple[str, dict[str, Any]]], requests: int, warmup: int
) -> dict[str, Any]:
    """Per-request latency of each (path, body) through FastAPI's TestClient."""
    # The app answers only its own host names (against DNS rebinding), not TestClient's "testserver".
    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        return {
            name: timings(lambda p=path, b=body: client.post(p, json=b).raise_for_status(), requests, warmup)
            for name, (path, body) in bodies.items()
        }


def bench_stages(requests: int, warmup: int) -> dict[str, list[float]]:
    """The predict route's stages one by one, in process."""
    raw = json.dumps(PREDICT)
    model = pretrained()
    image = np.asarray(PREDICT["image"], dtype=np.float64)
    padded = to_mnist(image).padded
    steps = run_layers(model, padded)
    layers = layer_activations(steps)
    body = {"layers": layers, "probabilities": steps[-1].output.tolist()}
    stages: dict[str, Callable[[], object]] = {
        "parse + validate request (json.loads + pydantic)": lambda: PredictRequest.model_validate_json(raw),
        "to_mnist (crop, fit 20x20, centre 28x28, pad 32x32)": lambda: to_mnist(image),
        "forward pass, every layer kept (run_layers)": lambda: run_layers(model, padded),
        "activations rounded to lists (layer_activations)": lambda: layer_activations(steps),
        "JSON encoding of the layers (JSONResponse)": lambda: JSONResponse(body),
    }
    return {name: timings(call, requests, warmup) for name, call in stages.items()}


def row(name: str, times: list[float]) -> str:
    """A table row: name, median, p90 and minimum in ms."""
    s = summary(times)
    return f"| {name} | {s.median:.2f} | {s.p90:.2f} | {s.min:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=30)
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)  # the in-process rows; the server sets its own (one thread)
    bodies = {"predict": ("/api/network/predict", PREDICT), "unit (conv2)": ("/api/network/unit", UNIT)}
    print(f"machine: {machine()}\n")
    server = bench_server(bodies, args.requests, args.warmup)
    client = bench_testclient(bodies, args.requests, args.warmup)
    print("| path | median ms | p90 ms | min ms |\n|---|---:|---:|---:|")
    for name, (times, sent, received) in server.items():
        print(row(f"{name}: real server, loopback ({sent:,} bytes in, {received:,} out)", times))
        print(row(f"{name}: TestClient (in process)", client[name]))
    print("\n| predict stage (in process) | median ms | p90 ms | min ms |\n|---|---:|---:|---:|")
    for name, times in bench_stages(args.requests, args.warmup).items():
        print(row(name, times))


if __name__ == "__main__":
    main()
