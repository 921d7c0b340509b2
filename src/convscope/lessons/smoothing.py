"""Per-batch training numbers smoothed for the curves: an exponential moving average weighted by batch size.

One batch's loss or accuracy is noisy, and the short last batch of an epoch (say 36 digits after 64s)
noisier still: on its own it can dip to 0.5 and look like a collapse. The smoothed value moves toward
each batch by an amount that grows with the batch's size, so a batch of 36 counts 36/64 of a full one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BatchAverage"]


@dataclass
class BatchAverage:
    """An exponential moving average of per-batch values, each weighted by its batch's size.

    A full batch (``batch_size`` items) moves the average by ``alpha`` of the way to its value; a batch
    of n items by ``1 - (1 - alpha) ** (n / batch_size)``, as n/batch_size full batches of that value
    would. The first batch sets the average.

    Examples
    --------
    >>> avg = BatchAverage(batch_size=64, alpha=0.5)
    >>> avg.add(1.0, 64), avg.add(0.0, 64), avg.add(1.0, 16) < 0.75
    (1.0, 0.5, True)
    """

    batch_size: int
    alpha: float = 0.1
    value: float | None = None

    def add(self, x: float, n: int) -> float:
        """Fold in one batch's value ``x`` over ``n`` items; returns the new average."""
        if self.value is None:
            self.value = x
        else:
            weight = 1.0 - (1.0 - self.alpha) ** (n / self.batch_size)
            self.value += weight * (x - self.value)
        return self.value
