"""How long the playground's trace takes for a digit, and how long turning it into JSON takes.

Usage::

    .venv/bin/python benchmarks/bench_trace.py [--repeats 200]

The budget: ``POST /api/convolve`` for a 20x20 digit with a 3x3 kernel and padding 1 (400 steps) must
answer in under 5 ms median including JSON. The image is the central 20x20 of the first bundled MNIST
"3" scaled to [0, 1] (values k/255, so most floats need 16-17 digits), and a random [0, 1) image as the
worst case for JSON. Medians of ``--repeats`` calls; the loop twin is timed in the same run for scale.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from common import add_blas_option, limit_blas, machine, summary, timings
from fastapi.encoders import jsonable_encoder
from starlette.responses import JSONResponse

import convscope
from convscope.kernels import kernel
from convscope.trace import convolution_output, trace_convolution, trace_convolution_naive

DIGITS = Path(convscope.__file__).parent / "data" / "mnist_10k.npz"


def median_ms(f: Callable[[], object], repeats: int) -> float:
    """Median wall-clock milliseconds of ``repeats`` calls after one warm-up call."""
    return summary(timings(f, repeats)).median


def digit_image() -> np.ndarray[Any, Any]:
    """The central 20x20 of the first "3" in the bundled MNIST subset, in [0, 1]."""
    with np.load(DIGITS) as data:
        image = data["images"][np.flatnonzero(data["labels"] == 3)[0]]
    return image[4:24, 4:24] / 255.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)
    print(f"machine: {machine()}\n")
    images = {"MNIST digit": digit_image(), "random [0, 1)": np.random.default_rng(0).random((20, 20))}
    k = kernel("ones", 3)
    print("| image | steps | JSON bytes | trace (ms) | json.dumps (ms) | trace + dumps (ms) "
          "| JSONResponse (ms) | jsonable_encoder (ms) | output (ms) | loop twin (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, image in images.items():
        steps = trace_convolution(image, k, padding=1)
        text = json.dumps(steps)
        t_trace = median_ms(lambda: trace_convolution(image, k, padding=1), args.repeats)  # noqa: B023
        t_dumps = median_ms(lambda: json.dumps(steps), args.repeats)  # noqa: B023
        t_both = median_ms(lambda: json.dumps(trace_convolution(image, k, padding=1)), args.repeats)  # noqa: B023
        # What a FastAPI route costs on top: rendering a JSONResponse, or (if the route returns a plain dict
        # or declares a response_model) FastAPI's recursive jsonable_encoder before that.
        t_response = median_ms(lambda: JSONResponse(steps), args.repeats)  # noqa: B023
        t_encoder = median_ms(lambda: jsonable_encoder(steps), args.repeats // 10)  # noqa: B023
        t_out = median_ms(lambda: convolution_output(image, k, padding=1), args.repeats)  # noqa: B023
        t_naive = median_ms(lambda: trace_convolution_naive(image, k, padding=1), args.repeats // 4)  # noqa: B023
        print(f"| {name} | {len(steps)} | {len(text):,} | {t_trace:.2f} | {t_dumps:.2f} | {t_both:.2f} "
              f"| {t_response:.2f} | {t_encoder:.1f} | {t_out:.3f} | {t_naive:.2f} |")


if __name__ == "__main__":
    main()
