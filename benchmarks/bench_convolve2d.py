"""convscope.signal.convolve2d(method="auto") against the best of SciPy's 2-D convolutions, same run.

Usage::

    .venv/bin/python benchmarks/bench_convolve2d.py              # the 1024x1024 table
    .venv/bin/python benchmarks/bench_convolve2d.py --calibrate   # direct vs fft sweep behind `choose_method`

Every timing is the median of ``--repeats`` runs (default 5). All functions compute the same "same"-mode
true convolution of a float64 image (checked against each other before timing). ratio = best SciPy time /
ours, so > 1 means convscope is faster.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.ndimage
import scipy.signal
from common import add_blas_option, limit_blas, machine, summary, timings

from convscope.signal import choose_method, convolve2d, next_fast_length

Array = np.ndarray[Any, Any]


def median_time(f: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls after one warm-up call."""
    return summary(timings(f, repeats), scale=1).median


def scipy_peers(image: Array, kernel: Array) -> dict[str, Callable[[], Array]]:
    """SciPy functions computing scipy.signal.convolve2d(image, kernel, "same") (odd kernels)."""
    return {
        "signal.convolve2d": lambda: scipy.signal.convolve2d(image, kernel, mode="same"),
        "signal.fftconvolve": lambda: scipy.signal.fftconvolve(image, kernel, mode="same"),
        "signal.oaconvolve": lambda: scipy.signal.oaconvolve(image, kernel, mode="same"),
        # ndimage centres odd kernels the same way; mode="constant" is zero padding.
        "ndimage.convolve": lambda: scipy.ndimage.convolve(image, kernel, mode="constant"),
    }


def compare(size: int, kernel_sizes: list[int], repeats: int, rng: np.random.Generator) -> None:
    """Print the markdown table of ours vs SciPy for one image size."""
    image = rng.standard_normal((size, size))
    names = list(scipy_peers(image, image[:1, :1]))
    print(f"float64 image {size}x{size}, median of {repeats}\n")
    print(f"| kernel | auto picks | convscope (ms) | {' | '.join(names)} (ms) | best SciPy | ratio |")
    print("|---|---|---:|" + "---:|" * len(names) + "---|---:|")
    for k in kernel_sizes:
        kernel = rng.standard_normal((k, k))
        ours = convolve2d(image, kernel, mode="same")
        peers = scipy_peers(image, kernel)
        scale = np.abs(image).max() * np.abs(kernel).sum()
        for name, f in peers.items():
            np.testing.assert_allclose(f(), ours, rtol=0, atol=1e-12 * scale, err_msg=name)
        t_ours = median_time(lambda: convolve2d(image, kernel, mode="same"), repeats)  # noqa: B023
        t_peers = {name: median_time(f, repeats) for name, f in peers.items()}
        best = min(t_peers, key=t_peers.__getitem__)
        picked = choose_method(image.shape, kernel.shape, image.shape)
        peer_ms = " | ".join(f"{t * 1e3:.1f}" for t in t_peers.values())
        ratio = t_peers[best] / t_ours
        print(f"| {k}x{k} | {picked} | {t_ours * 1e3:.1f} | {peer_ms} | {best} | {ratio:.2f} |")


def calibrate(repeats: int, rng: np.random.Generator) -> None:
    """Time both methods over sizes; the per-unit costs are what `choose_method`'s constants come from."""
    print("| image | kernel | direct (ms) | direct ns per offset-element | fft (ms) | fft ns per N log2 N "
          "| faster | auto |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for size in (32, 128, 512, 1024):
        for k in (3, 7, 15, 31):
            image, kernel = rng.standard_normal((size, size)), rng.standard_normal((k, k))
            td = median_time(lambda: convolve2d(image, kernel, "same", "direct"), repeats)  # noqa: B023
            tf = median_time(lambda: convolve2d(image, kernel, "same", "fft"), repeats)  # noqa: B023
            n = next_fast_length(size + k - 1) ** 2
            picked = choose_method(image.shape, kernel.shape, image.shape)
            per_direct, per_fft = td / (k * k * size * size) * 1e9, tf / (n * math.log2(n)) * 1e9
            print(f"| {size} | {k} | {td * 1e3:.2f} | {per_direct:.2f} | {tf * 1e3:.2f} | {per_fft:.2f} "
                  f"| {'direct' if td < tf else 'fft'} | {picked} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--kernels", type=int, nargs="+", default=[3, 15, 63])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--calibrate", action="store_true")
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)
    rng = np.random.default_rng(0)
    print(f"machine: {machine()}\n")
    if args.calibrate:
        calibrate(args.repeats, rng)
    else:
        compare(args.size, args.kernels, args.repeats, rng)


if __name__ == "__main__":
    main()
