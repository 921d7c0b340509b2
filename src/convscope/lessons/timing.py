"""The "Matrix & FFT" page's timing chart: direct against FFT convolution, measured on this machine.

`convscope.signal.timing.time_direct_vs_fft` sweeps n = 2^4 .. 2^20 (a few seconds); `TimingCache` runs
it once per server process, on the first request, and answers every later one from memory: the chart
shows one machine's numbers, and a reload should not cost a sweep. JSON has no infinity, so a predicted
crossover past any float is sent as null.
"""

from __future__ import annotations

import math
import os
import platform
import threading
import time
from collections.abc import Callable, Sequence

from typing_extensions import TypedDict

from convscope.signal.timing import DEFAULT_SIZES, Timings, time_direct_vs_fft

KERNEL_SIZE, REPEATS = 32, 5


class TimingLesson(TypedDict):
    """Median seconds of direct and FFT convolution per signal length, the crossover and the fitted lines."""

    sizes: list[int]
    """Signal lengths n, increasing (powers of two)."""
    kernel_size: int
    """k, the kernel's length, the same at every n."""
    repeats: int
    """Timed runs per (n, method); the median is kept."""
    direct: list[float]
    """Median seconds of direct convolution at each n (all > 0)."""
    fft: list[float]
    """Median seconds of FFT convolution at each n (all > 0)."""
    fft_faster: list[bool]
    """Whether the FFT was faster at each n."""
    crossover: int | None
    """The smallest n from which the method faster at the largest n wins at every n; null: one always wins."""
    faster_beyond: str
    """"direct" or "fft": the method faster at the largest n."""
    direct_fit: list[float]
    """a·n·k at each n: the n·k line fitted through the direct points (slope 1 on log axes)."""
    fft_fit: list[float]
    """b·n·log2(n) at each n: the n·log n line fitted through the FFT points."""
    direct_per_nk: float
    """a, seconds per multiply-add."""
    fft_per_nlogn: float
    """b, seconds per n·log2(n)."""
    predicted_crossover: float | None
    """n where the two fitted lines cross, 2^(a·k/b); null when past any float (JSON has no infinity)."""
    seconds: float
    """How long the sweep took."""
    machine: str
    """The machine measured: processor and logical CPUs, as Python sees them."""


def timing_record(t: Timings, seconds: float) -> TimingLesson:
    """A `Timings` as the page's record: finite numbers only.

    Examples
    --------
    >>> t = Timings.from_medians([16, 256, 4096], 8, 1, [1e-6, 16e-6, 256e-6], [4e-6, 16e-6, 96e-6])
    >>> record = timing_record(t, 0.5)
    >>> record["crossover"], record["faster_beyond"], record["sizes"]
    (4096, 'fft', [16, 256, 4096])
    """
    predicted = t.predicted_crossover
    return TimingLesson(
        sizes=t.sizes.tolist(), kernel_size=t.kernel_size, repeats=t.repeats,
        direct=t.direct.tolist(), fft=t.fft.tolist(), fft_faster=t.fft_faster.tolist(),
        crossover=t.crossover, faster_beyond=t.faster_beyond,
        direct_fit=t.direct_fit.tolist(), fft_fit=t.fft_fit.tolist(),
        direct_per_nk=t.direct_per_nk, fft_per_nlogn=t.fft_per_nlogn,
        predicted_crossover=predicted if math.isfinite(predicted) else None,
        seconds=seconds,
        machine=f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs",
    )


class TimingCache:
    """One timing sweep per process: measured on the first `get`, kept (one record) for every later one.

    Parameters
    ----------
    sizes : the signal lengths to time; default n = 2^4 .. 2^20
    measure : the sweep, for tests that want a fast one; default `time_direct_vs_fft`

    Examples
    --------
    >>> cache = TimingCache(sizes=(16, 64))
    >>> first = cache.get()
    >>> first is cache.get(), first["sizes"]
    (True, [16, 64])
    """

    def __init__(self, sizes: Sequence[int] = DEFAULT_SIZES,
                 measure: Callable[..., Timings] = time_direct_vs_fft) -> None:
        self._sizes = tuple(sizes)
        self._measure = measure
        self._lock = threading.Lock()  # two first requests at once must not run two sweeps side by side
        self._record: TimingLesson | None = None

    def get(self) -> TimingLesson:
        """The record, measuring it first if no request has yet."""
        with self._lock:
            if self._record is None:
                start = time.perf_counter()
                timings = self._measure(self._sizes, kernel_size=KERNEL_SIZE, repeats=REPEATS)
                self._record = timing_record(timings, time.perf_counter() - start)
            return self._record
