"""Direct against FFT convolution, measured on this machine: which method is faster at which length.

Direct convolution of a length-n signal with a length-k kernel costs about n·k multiply-adds; the FFT
about n·log n, plus a fixed overhead. `time_direct_vs_fft` times `convolve` with ``method="direct"`` and
``method="fft"`` over a sweep of n, keeps the median of several runs (robust to a busy machine), finds
where the faster method changes, and fits ``t = a·n·k`` and ``t = b·n·log2(n)`` through the points.

With k held fixed the lines cross where ``log2(n) = a·k / b``: the FFT wins *below* that n, and the
direct method beyond it, since log n keeps growing while k does not (one run on a 2-core EPYC with
k = 32: FFT faster up to n = 8192, direct from 16384). The FFT's advantage is in k: direct time grows
with the kernel, the FFT's hardly at all, so a longer kernel moves the crossover to larger n.

The fits are least squares on the logarithms with the exponent held at 1: ``log a`` is the mean of
``log(t / (n·k))``. On a log-log chart that draws a line of slope 1 as close to the points as any can be,
which is what the page shows; a fit on the raw times would be decided by the largest n alone.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import check_int
from convscope.signal.convolution import convolve

__all__ = ["DEFAULT_SIZES", "Timings", "time_direct_vs_fft"]

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DEFAULT_SIZES = tuple(2**p for p in range(4, 21))  # n = 16 .. 1,048,576: the page's sweep


@dataclass(frozen=True)
class Timings:
    """Median times of direct and FFT convolution per signal length, the crossover and the fitted lines."""

    sizes: IntArray  # (m,) signal lengths n, strictly increasing
    kernel_size: int  # k
    repeats: int  # runs per (n, method); the median is kept
    direct: Array  # (m,) median seconds, method="direct"
    fft: Array  # (m,) median seconds, method="fft"
    fft_faster: BoolArray  # (m,) whether the FFT's median is below the direct one
    crossover: int | None  # smallest n from which the method faster at the largest n wins at every n; None:
    #                        one method wins at every size
    faster_beyond: str  # "direct" or "fft": the method faster at the largest n (and from `crossover` on)
    direct_per_nk: float  # a in t = a·n·k, seconds
    fft_per_nlogn: float  # b in t = b·n·log2(n), seconds
    direct_fit: Array  # (m,) a·n·k, the n·k line through the direct points
    fft_fit: Array  # (m,) b·n·log2(n), the n·log n line through the FFT points
    predicted_crossover: float  # n where the two lines cross, 2**(a·k / b); may be inf

    @classmethod
    def from_medians(cls, sizes: Sequence[int], kernel_size: int, repeats: int, direct: Sequence[float],
                     fft: Sequence[float]) -> Timings:
        """Derive the crossover and the fits from measured medians (every time > 0).

        Examples
        --------
        >>> t = Timings.from_medians([16, 256, 4096], 8, 1, [1e-6, 16e-6, 256e-6], [4e-6, 16e-6, 96e-6])
        >>> t.crossover, t.faster_beyond, round(t.direct_per_nk * 1e9, 6)  # direct: 7.8125 ns per n·k
        (4096, 'fft', 7.8125)
        """
        n, t_direct, t_fft = (np.asarray(v, dtype=float) for v in (sizes, direct, fft))
        nk, nlogn = n * kernel_size, n * np.log2(np.maximum(n, 2))  # log2(1) = 0 would divide by zero
        a = float(np.exp(np.mean(np.log(t_direct / nk))))
        b = float(np.exp(np.mean(np.log(t_fft / nlogn))))
        exponent, faster = a * kernel_size / b, t_fft < t_direct
        return cls(
            sizes=np.asarray(sizes, dtype=np.int64), kernel_size=kernel_size, repeats=repeats,
            direct=t_direct, fft=t_fft, fft_faster=faster, crossover=_crossover(n, faster),
            faster_beyond="fft" if t_fft[-1] < t_direct[-1] else "direct",
            direct_per_nk=a, fft_per_nlogn=b, direct_fit=a * nk, fft_fit=b * nlogn,
            predicted_crossover=2.0**exponent if exponent < 1000 else math.inf,
        )


def time_direct_vs_fft(
    sizes: Sequence[int] = DEFAULT_SIZES, kernel_size: int = 32, repeats: int = 5, *,
    rng: np.random.Generator | None = None, clock: Callable[[], float] = time.perf_counter,
) -> Timings:
    """Time `convolve` (mode "full") directly and by FFT for each signal length in ``sizes``.

    Parameters
    ----------
    sizes : sequence of int, default 2**4 .. 2**20
        Signal lengths n, strictly increasing, each >= 1.
    kernel_size : int, default 32
        Kernel length k, >= 1.
    repeats : int, default 5
        Timed runs per length and method (after one untimed warm-up); the median is kept.
    rng : numpy.random.Generator, optional
        Draws the signals and the kernel; ``numpy.random.default_rng(0)`` if omitted.
    clock : callable, default time.perf_counter
        Seconds, as a float; only the differences are used.

    Returns
    -------
    Timings
        Times depend on the machine and its load: compare them, never expect a value.

    Examples
    --------
    >>> t = time_direct_vs_fft([16, 64, 256], kernel_size=4, repeats=3, rng=np.random.default_rng(1))
    >>> t.sizes.tolist(), t.direct.shape, bool((t.fft > 0).all())
    ([16, 64, 256], (3,), True)
    """
    lengths = _check_sizes(sizes)
    k = check_int(kernel_size, "kernel_size", 1)
    runs = check_int(repeats, "repeats", 1)
    rng = np.random.default_rng(0) if rng is None else rng
    kernel = rng.standard_normal(k)
    medians: dict[str, list[float]] = {"direct": [], "fft": []}
    for n in lengths:
        signal = rng.standard_normal(n)
        for method, found in medians.items():
            found.append(_median_seconds(partial(convolve, signal, kernel, method=method), runs, clock))
    return Timings.from_medians(lengths, k, runs, medians["direct"], medians["fft"])


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    """The sizes as ints >= 1, refusing an empty or not strictly increasing sequence."""
    lengths = [check_int(n, "sizes", 1) for n in sizes]
    if not lengths or any(b <= a for a, b in pairwise(lengths)):
        raise ValueError(f"sizes must be a non-empty, strictly increasing sequence of lengths, got {lengths}")
    return lengths


def _median_seconds(run: Callable[[], Any], repeats: int, clock: Callable[[], float]) -> float:
    """Median wall time of ``run`` over ``repeats`` calls after one warm-up; never 0 (a coarse clock)."""
    run()  # warm-up: first-call costs (allocation, FFT plan caches) are not the method's
    times = []
    for _ in range(repeats):
        start = clock()
        run()
        times.append(clock() - start)
    return max(float(np.median(times)), 1e-9)


def _crossover(n: Array, fft_faster: BoolArray) -> int | None:
    """The smallest n from which the winner at the largest n wins at every n; None if it always does."""
    changes = np.flatnonzero(fft_faster != fft_faster[-1])  # sizes where the other method won
    return None if changes.size == 0 else int(n[changes[-1] + 1])
