"""Slow training down to a chosen number of steps per second, so people can watch filters and curves move.

At full speed a short run ends before anyone can press Stop: a ``Pacer`` sleeps after each step until
the step's slot in the schedule ``start + steps / steps_per_second`` has come. The clock and the sleep are
arguments, so a test drives it with a fake clock, and a training job passes a sleep that wakes early when
the job is told to stop.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["Pacer"]


class Pacer:
    """Hold a loop to at most ``steps_per_second`` steps a second (None: no limit, ``wait`` returns at once).

    Parameters
    ----------
    steps_per_second : the most steps a second, > 0; None for full speed
    clock : seconds, monotonic (default ``time.monotonic``)
    sleep : sleeps about the seconds given (default ``time.sleep``); may return early

    Examples
    --------
    >>> now = [0.0]
    >>> pacer = Pacer(4.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    >>> [pacer.wait() for _ in range(3)]  # steps that take no time wait a quarter second each
    [0.25, 0.25, 0.25]
    >>> now[0]
    0.75
    """

    def __init__(
        self,
        steps_per_second: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if steps_per_second is not None and not (math.isfinite(steps_per_second) and steps_per_second > 0):
            raise ValueError(f"steps_per_second must be a finite number > 0 or None, got {steps_per_second}")
        self.steps_per_second = steps_per_second
        self._clock = clock
        self._sleep = sleep
        self._start: float | None = None
        self.steps = 0

    def wait(self) -> float:
        """Count one finished step; sleep until the next one may begin. Returns the seconds asked to sleep."""
        if self.steps_per_second is None:
            return 0.0
        now = self._clock()
        if self._start is None:
            # The schedule starts when the first step began: one slot before its end, at the latest.
            self._start = now
        self.steps += 1
        due = self._start + self.steps / self.steps_per_second
        delay = max(0.0, due - now)
        if delay > 0:
            self._sleep(delay)
        return delay
