"""The curves' smoothing: a short last batch counts for its size, so it cannot look like a collapse."""

from __future__ import annotations

import pytest

from convscope.lessons.smoothing import BatchAverage


def test_full_batches_move_the_average_by_alpha() -> None:
    avg = BatchAverage(batch_size=64, alpha=0.25)
    assert avg.add(2.0, 64) == 2.0
    assert avg.add(0.0, 64) == pytest.approx(1.5)


def test_a_short_batch_counts_as_its_share_of_a_full_one() -> None:
    full, split = BatchAverage(64, alpha=0.2), BatchAverage(64, alpha=0.2)
    full.add(1.0, 64)
    split.add(1.0, 64)
    full.add(0.5, 64)  # one full batch at 0.5 ...
    split.add(0.5, 32)
    split.add(0.5, 32)  # ... moves it as far as two half batches at 0.5
    assert split.value == pytest.approx(full.value)


def test_a_short_last_batch_barely_dents_the_curve() -> None:
    avg = BatchAverage(64)
    for _ in range(20):
        avg.add(0.95, 64)
    assert avg.add(0.5, 4) > 0.94  # 4 digits at 50%: the raw point dips, the curve does not
