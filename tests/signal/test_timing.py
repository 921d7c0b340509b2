"""time_direct_vs_fft: the shape of the answer, never a speed (times depend on the machine and its load)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pytest

from convscope.signal.timing import DEFAULT_SIZES, Timings, time_direct_vs_fft


def test_a_small_sweep_has_one_positive_median_per_size_and_method() -> None:
    sizes = [16, 64, 256, 1024]
    t = time_direct_vs_fft(sizes, kernel_size=8, repeats=2, rng=np.random.default_rng(0))
    assert t.sizes.tolist() == sizes
    assert (t.kernel_size, t.repeats) == (8, 2)
    for array in (t.direct, t.fft, t.direct_fit, t.fft_fit):
        assert array.shape == (len(sizes),)
        assert np.all(array > 0)
        assert np.all(np.isfinite(array))
    assert t.crossover is None or t.crossover in sizes[1:]
    assert t.fft_faster.tolist() == (t.fft < t.direct).tolist()
    assert t.faster_beyond == ("fft" if t.fft_faster[-1] else "direct")
    assert t.direct_per_nk > 0
    assert t.fft_per_nlogn > 0
    assert t.predicted_crossover > 0


def test_the_default_sweep_is_the_pages() -> None:
    assert tuple(2**p for p in range(4, 21)) == DEFAULT_SIZES
    assert all(b > a for a, b in pairwise(DEFAULT_SIZES))


def test_each_median_is_of_the_timed_runs_with_the_clock_given() -> None:
    # A clock that advances 1 s per reading makes every run last exactly 1 s.
    ticks: Iterator[float] = iter(range(10**6))
    t = time_direct_vs_fft([8, 32], kernel_size=3, repeats=3, clock=lambda: float(next(ticks)))
    np.testing.assert_array_equal(t.direct, [1.0, 1.0])
    np.testing.assert_array_equal(t.fft, [1.0, 1.0])
    assert t.crossover is None  # the FFT is never strictly faster: direct wins everywhere
    assert t.faster_beyond == "direct"


@pytest.mark.parametrize(
    ("direct", "fft", "crossover", "beyond"),
    [
        ([1, 2, 4, 8], [5, 5, 5, 5], 32, "fft"),  # the FFT faster at the last size only
        ([1, 2, 4, 8], [0.5, 5, 3, 3], 16, "fft"),  # faster at the first size too, but slower again at 8
        ([1, 2, 4, 8], [0.5, 1, 5, 9], 16, "direct"),  # a fixed kernel: the FFT wins small n, direct large
        ([1, 2, 4, 8], [9, 9, 9, 9], None, "direct"),  # never faster
        ([9, 9, 9, 9], [1, 1, 1, 1], None, "fft"),  # always faster
    ],
)
def test_the_crossover_is_where_the_winner_at_the_largest_size_starts_winning(
    direct: list[float], fft: list[float], crossover: int | None, beyond: str
) -> None:
    t = Timings.from_medians([4, 8, 16, 32], 2, 1, direct, fft)
    assert (t.crossover, t.faster_beyond) == (crossover, beyond)


def test_the_fits_recover_exact_cost_models() -> None:
    n, k, a, b = np.array([16, 64, 256, 1024, 4096]), 32, 2e-9, 5e-9
    t = Timings.from_medians(n.tolist(), k, 1, (a * n * k).tolist(), (b * n * np.log2(n)).tolist())
    assert t.direct_per_nk == pytest.approx(a, rel=1e-12)
    assert t.fft_per_nlogn == pytest.approx(b, rel=1e-12)
    np.testing.assert_allclose(t.direct_fit, t.direct, rtol=1e-12)
    np.testing.assert_allclose(t.fft_fit, t.fft, rtol=1e-12)
    # a·n·k = b·n·log2(n) where log2(n) = a·k / b = 12.8
    assert t.predicted_crossover == pytest.approx(2**12.8, rel=1e-9)
    # The FFT is faster wherever log2(n) < 12.8: at every size measured, so nothing changes.
    assert (t.crossover, t.faster_beyond) == (None, "fft")
    t = Timings.from_medians([*n.tolist(), 8192], k, 1, [*t.direct, a * 8192 * k], [*t.fft, b * 8192 * 13])
    assert (t.crossover, t.faster_beyond) == (8192, "direct")  # log2(8192) = 13 > 12.8


def test_fits_on_logs_are_not_decided_by_the_largest_size() -> None:
    # One size 10x slow in each direction: the log-space fit lands between, at the geometric mean.
    t = Timings.from_medians([100, 1000], 1, 1, [10 * 100e-9, 0.1 * 1000e-9], [1.0, 1.0])
    assert t.direct_per_nk == pytest.approx(1e-9, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": [64, 16]}, "strictly increasing"),
        ({"sizes": [16, 16]}, "strictly increasing"),
        ({"sizes": []}, "non-empty"),
        ({"sizes": [0, 4]}, "sizes"),
        ({"kernel_size": 0}, "kernel_size"),
        ({"repeats": 0}, "repeats"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, object], message: str) -> None:
    settings: dict[str, object] = {"sizes": [16, 32], "kernel_size": 3, "repeats": 1} | kwargs
    with pytest.raises(ValueError, match=message):
        time_direct_vs_fft(**settings)  # type: ignore[arg-type]
