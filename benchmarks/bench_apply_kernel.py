"""convscope.apply_kernel against scipy.ndimage.correlate on a 512x512x3 image, in the same run.

Run: .venv/bin/python benchmarks/bench_apply_kernel.py [--repeats 21] [--blas-threads 1]

Both sides compute the same float64 result (checked before timing): a same-size cross-correlation, each
channel alone, with reflect padding (PyTorch's "reflect" is ndimage's "mirror"). The "uint8 photo" rows
give ours the photo as decoded; SciPy gets it converted to float64 inside the timed call, because on uint8
it would return uint8 and wrap the signed sums. Ours and SciPy run interleaved (`common.paired`); ratio =
the median of the per-repeat ratios SciPy time / our time, so above 1 means convscope is faster.
Goal (issue 9): ratio >= 1.0 for 3x3, and the FFT path for large kernels.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.ndimage
from common import add_blas_option, limit_blas, machine, paired, summary

from convscope import apply_kernel
from convscope.image_kernels import PADDING_MODES
from convscope.signal import choose_method

Array = np.ndarray[Any, Any]
SHAPE = (512, 512, 3)
KERNEL_SIDES = (3, 15)


def peer_for(image: Array, kernel: Array) -> Callable[[], Array]:
    """scipy.ndimage.correlate giving our answer: float64 input, a depth-1 kernel so channels stay apart."""
    weights = kernel[:, :, np.newaxis]  # (kH, kW, 1)
    return lambda: scipy.ndimage.correlate(image.astype(np.float64), weights, mode="mirror")


def path_taken(kernel: Array) -> str:
    """The method "auto" picks for this kernel on SHAPE (the same call `apply_kernel` makes)."""
    padded = tuple(n + k - 1 for n, k in zip(SHAPE[:2], kernel.shape, strict=True))
    return choose_method(padded, kernel.shape, SHAPE[:2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    add_blas_option(parser)
    args = parser.parse_args()
    limit_blas(args.blas_threads)
    assert PADDING_MODES["reflect"] == "reflect"  # numpy's reflect: ndimage's mirror
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, SHAPE).astype(np.uint8)
    print(f"machine: {machine()}")
    height, width, channels = SHAPE
    print(f"image {height}x{width}x{channels}, reflect padding, median of {args.repeats} interleaved pairs\n")
    print("| image | kernel | path | convscope (ms) | scipy.ndimage.correlate (ms) | ratio |")
    print("|---|---|---|---:|---:|---:|")
    for side in KERNEL_SIDES:
        kernel = rng.standard_normal((side, side))
        for label, image in (("uint8 photo", photo), ("float64", photo.astype(np.float64))):
            peer = peer_for(image, kernel)
            ours = lambda: apply_kernel(image, kernel, padding_mode="reflect")  # noqa: B023, E731
            np.testing.assert_allclose(ours(), peer(), rtol=1e-9, atol=1e-9)
            times = paired(ours, peer, args.repeats)
            mine, theirs = summary(times.ours).median, summary(times.peer).median
            print(
                f"| {label} | {side}x{side} | {path_taken(kernel)} | {mine:.2f} | {theirs:.2f} "
                f"| {times.ratio:.2f} |"
            )


if __name__ == "__main__":
    main()
