"""Slow mode: the pacer holds a loop to its steps per second, measured on a fake clock (no timed asserts)."""

from __future__ import annotations

import pytest

from convscope.lessons.pacing import Pacer


class FakeClock:
    """Time that passes only when slept, or when a step is said to take some."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_steps_that_take_no_time_are_spread_to_the_rate() -> None:
    clock = FakeClock()
    pacer = Pacer(5.0, clock=lambda: clock.now, sleep=clock.sleep)
    for _ in range(10):
        pacer.wait()
    assert clock.now == pytest.approx(10 / 5.0)
    assert len(clock.sleeps) == 10


def test_slow_steps_are_not_slowed_further_and_the_schedule_catches_up() -> None:
    clock = FakeClock()
    pacer = Pacer(2.0, clock=lambda: clock.now, sleep=clock.sleep)
    pacer.wait()  # the schedule starts: step 1 ends at 0.5
    clock.now += 1.2  # a step slower than its 0.5 s slot: no sleep after it
    assert pacer.wait() == 0.0
    clock.now += 0.1  # a fast one after it: its slot (1.5 s from the start) has passed too
    assert pacer.wait() == 0.0
    assert pacer.wait() == pytest.approx(0.2)  # back on the schedule: step 4 is due at 2.0 s


def test_full_speed_never_sleeps_and_a_bad_rate_is_refused() -> None:
    clock = FakeClock()
    pacer = Pacer(None, clock=lambda: clock.now, sleep=clock.sleep)
    assert [pacer.wait() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert clock.sleeps == []
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="steps_per_second"):
            Pacer(bad)
