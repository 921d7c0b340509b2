"""How long the playground's answer takes to compute and encode for a digit, and what the old one cost.

Usage::

    .venv/bin/python benchmarks/bench_trace.py [--repeats 200]

The budget: ``POST /api/convolve`` for a 20x20 digit with a 3x3 kernel and padding 1 (400 windows) must
answer in under 5 ms median. The server computes the answer with `convolution_lesson` (the size
arithmetic, the padded input and the traced sums, `trace_sums`) and encodes it with orjson
(`FastJSONResponse`); the page derives each window's taps, values and products from it
(``views/playground/trace.js``; its Python twin `window_steps` is timed here for scale). The image is the
central 20x20 of the first bundled MNIST "3" scaled to [0, 1] (values k/255, so most floats need 16-17
digits), and a random [0, 1) image as the worst case for JSON. Medians of ``--repeats`` calls; in the
same run, as history, the answer before the page derived the windows (every window's taps in the JSON:
`trace_convolution`, encoded the same way), and the trace's plain-loop twin.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from common import add_blas_option, limit_blas, machine, summary, timings

import convscope
from convscope.kernels import kernel
from convscope.lessons.playground import Convolution, convolution_lesson
from convscope.lessons.playground_steps import window_steps
from convscope.server.responses import FastJSONResponse
from convscope.trace import convolution_output, trace_convolution, trace_convolution_naive, trace_sums

DIGITS = Path(convscope.__file__).parent / "data" / "mnist_10k.npz"
COLUMNS = ("image", "windows", "answer bytes", "lesson (ms)", "orjson (ms)", "lesson + orjson (ms)",
           "of which trace_sums (ms)", "output (ms)", "window_steps (ms)",
           "(history) answer bytes with steps", "(history) lesson + steps + orjson (ms)",
           "(history) loop twin (ms)")


def median_ms(f: Callable[[], object], repeats: int) -> float:
    """Median wall-clock milliseconds of ``repeats`` calls after one warm-up call."""
    return summary(timings(f, max(repeats, 1))).median


def digit_image() -> np.ndarray[Any, Any]:
    """The central 20x20 of the first "3" in the bundled MNIST subset, in [0, 1]."""
    with np.load(DIGITS) as data:
        image = data["images"][np.flatnonzero(data["labels"] == 3)[0]]
    return image[4:24, 4:24] / 255.0


def row(name: str, image: np.ndarray[Any, Any], repeats: int) -> str:
    """One table row: the answer as the server makes it now, then the old traced answer."""
    k = kernel("ones", 3)
    setting = Convolution(image, k, "ones", padding=1)
    lesson = convolution_lesson(setting)
    steps = trace_convolution(image, k, padding=1)
    answer, old = orjson.dumps(lesson), orjson.dumps({**lesson, "steps": steps})
    cells = [
        median_ms(lambda: convolution_lesson(setting), repeats),
        median_ms(lambda: FastJSONResponse(lesson), repeats),
        median_ms(lambda: FastJSONResponse(convolution_lesson(setting)), repeats),
        median_ms(lambda: trace_sums(image, k, padding=1), repeats),
        median_ms(lambda: convolution_output(image, k, padding=1), repeats),
        median_ms(lambda: window_steps(lesson), repeats // 4),
    ]
    history = [
        median_ms(lambda: FastJSONResponse({**convolution_lesson(setting),
                                            "steps": trace_convolution(image, k, padding=1)}), repeats),
        median_ms(lambda: trace_convolution_naive(image, k, padding=1), repeats // 4),
    ]
    return (f"| {name} | {len(steps)} | {len(answer):,} | " + " | ".join(f"{ms:.3f}" for ms in cells)
            + f" | {len(old):,} | " + " | ".join(f"{ms:.2f}" for ms in history) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)
    print(f"machine: {machine()}\n")
    images = {"MNIST digit": digit_image(), "random [0, 1)": np.random.default_rng(0).random((20, 20))}
    print("| " + " | ".join(COLUMNS) + " |")
    print("|---|" + "---:|" * (len(COLUMNS) - 1))
    for name, image in images.items():
        print(row(name, image, args.repeats))


if __name__ == "__main__":
    main()
