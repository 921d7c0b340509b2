"""The timing lesson: one real sweep per cache however many ask at once, finite JSON, the fits' lines."""

from __future__ import annotations

import json
import math
import threading
from typing import Any

import numpy as np

from convscope.lessons.timing import TimingCache, timing_record
from convscope.signal.timing import Timings, time_direct_vs_fft


def test_one_sweep_however_many_ask_at_once() -> None:
    calls = []

    def measure(*args: Any, **kwargs: Any) -> Timings:
        calls.append(args)
        return time_direct_vs_fft(*args, **kwargs)  # the real sweep, counted

    cache = TimingCache(sizes=(16, 64, 256), measure=measure)
    answers: list[Any] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all(a is answers[0] for a in answers)
    record = answers[0]
    assert record["sizes"] == [16, 64, 256]
    assert record["kernel_size"] == 32
    assert all(v > 0 for v in record["direct"] + record["fft"])
    assert record["seconds"] > 0
    assert record["faster_beyond"] in ("direct", "fft")
    assert "logical CPUs" in record["machine"]
    json.dumps(record, allow_nan=False)  # JSON-ready: no inf, no NaN


def test_lines_are_slope_one_through_the_points() -> None:
    n = np.array([16, 256, 4096])
    t = Timings.from_medians(n.tolist(), 8, 1, (2e-9 * n * 8).tolist(), (5e-9 * n * np.log2(n)).tolist())
    record = timing_record(t, 1.0)
    np.testing.assert_allclose(record["direct_fit"], record["direct"])
    np.testing.assert_allclose(record["fft_fit"], record["fft"])
    assert math.isclose(record["direct_per_nk"], 2e-9)
    assert math.isclose(record["fft_per_nlogn"], 5e-9)
    assert record["predicted_crossover"] is not None
    assert math.isclose(record["predicted_crossover"], 2 ** (2e-9 * 8 / 5e-9))


def test_an_infinite_predicted_crossover_is_null() -> None:
    # The FFT so cheap that its line would meet the direct one past any float: 2^(a·k/b) overflows.
    t = Timings.from_medians([16, 256], 4096, 1, [1.0, 16.0], [1e-12, 2e-11])
    assert t.predicted_crossover == math.inf
    record = timing_record(t, 0.1)
    assert record["predicted_crossover"] is None
    assert record["crossover"] is None
    json.dumps(record, allow_nan=False)
