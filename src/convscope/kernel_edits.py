"""A kernel edited a weight at a time: the kept result updated by linearity, one pass per changed weight.

Filtering is linear in the kernel. When a kernel differs from the one that last filtered this image (same
padding mode, flip and size) in a few weights, the new result is the old one plus, for each changed
weight, the change times the padded image shifted to that weight's place: one multiply-add over the
image per weight, whatever the kernel's size, instead of kH * kW of them (direct) or three inverse FFTs
(large kernels). Typing into the image kernels page changes one weight per edit. With normalise on,
every weight divided by the sum changes when one is typed, so the weights as typed and their sum
(``divisor``) are kept apart: the old values are scaled by old sum / new sum in the same pass.

What "the same numbers" means here (the contract). Values made by updates differ from the ones
`PreparedImage.apply` computes from scratch by rounding alone, and by at most ``TOLERANCE`` (1e-9) of
the values' size (their largest magnitude), the bound the FFT path already keeps against the direct one.
Each update adds about one rounding (2**-53) of the largest values seen since the last full computation;
a full computation is made again after `KernelEdits.refresh_after` (32) updates in a row, and whenever
an update leaves values under ``SHRINK`` (1e-4) of that largest size (a kernel cancelling towards zero,
where the rounding left over would otherwise be large next to the values and a scale set by their range
would show it). So the updates add under 32 * 3 * 2**-53 * 1e4 ≈ 1e-10 of the values' size to the
error of the full computation they started from (the FFT path's own bound against the direct sums is
1e-9); measured on the astronaut photo, 300 updates in a row without a refresh, against the direct
sums: under 4e-15, 3x3 and 15x15. Hence every picture byte made from updated values equals the one made
from from-scratch values except where a value lies within that tolerance of a rounding step (x.5 after
scaling), and what a record carries from them (minimum, maximum, shares clipped) equals the from-scratch
one to within the same tolerance (a share: up to the values lying that close to 0 or 255). An
unchanged kernel answers the kept values themselves, bit for bit; when every product and sum is exact
in float64 (small integer, half or quarter weights on a uint8 photo, normalise off), updated values
equal the direct path's exactly.

Thread safety: the kept (kernel, values) pair is replaced whole, under a lock, by a new pair whose values
are never written again (read-only arrays); a request that read the old pair keeps reading it unchanged.
"""

from __future__ import annotations

import threading
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.image_kernels import BAND_ELEMENTS, _checked_kernel
from convscope.prepared_image import PreparedImage

__all__ = ["TOLERANCE", "KernelEdits"]

Array = npt.NDArray[np.float64]
Tap = tuple[int, int, float]  # (row, column) in the padded image's shift, weight change
TOLERANCE = 1e-9  # of the values' size (their largest magnitude): how far updated ones may lie
SHRINK = 1e-4  # values this much smaller than the largest since a full computation: compute in full


@dataclass(frozen=True)
class _Kept:
    """The last kernel that filtered the image, its values and their range."""

    key: tuple[str, bool, tuple[int, int]]  # padding mode, flip, kernel shape: what must not change
    weights: Array  # (kH, kW) as given, before dividing by ``divisor``
    divisor: float
    values: Array  # (H, W, C), read-only: the image filtered by weights / divisor
    low: float  # values.min()
    high: float  # values.max()
    size: float  # the largest magnitude of the values since the last full computation
    updates: int  # updates since the last full computation


class KernelEdits:
    """A `PreparedImage` that remembers its last kernel and result, and updates them for small edits.

    Parameters
    ----------
    prepared : the image, prepared for many kernels
    pool : threads that share an update (the top and bottom halves of the rows)
    most_changed : at most this many changed weights are applied as updates, and at most a third of
        the kernel's; more: a full computation (each changed weight is one pass over the image, a 3x3
        kernel's full computation 9 of them, a 15x15's FFT about 20)
    refresh_after : a full computation after this many updates in a row, so rounding cannot pile up

    Examples
    --------
    >>> image = np.arange(30.0).reshape(5, 6)
    >>> edits = KernelEdits(PreparedImage(image))
    >>> kernel = np.full((3, 3), 1.0)
    >>> _ = edits.apply(kernel, padding_mode="reflect")
    >>> kernel[0, 2] = 4.0  # one weight typed: one pass, the same numbers to within rounding
    >>> updated = edits.apply(kernel, padding_mode="reflect")
    >>> bool(np.allclose(updated, PreparedImage(image).apply(kernel, padding_mode="reflect"), 0, 1e-12))
    True
    """

    def __init__(self, prepared: PreparedImage, pool: Executor | None = None, *, most_changed: int = 8,
                 refresh_after: int = 32) -> None:
        self.prepared = prepared
        self.most_changed = most_changed
        self.refresh_after = refresh_after
        self._pool = pool
        self._kept: _Kept | None = None
        self._lock = threading.Lock()

    def apply(self, kernel: Any, *, divisor: float = 1.0, padding_mode: str = "zeros", flip: bool = False
              ) -> Array:
        """The image filtered by ``kernel / divisor``: `PreparedImage.apply`'s numbers (to within the
        module's tolerance), read-only, in the image's shape. ``divisor``: the normalise toggle's sum,
        kept apart so that one typed weight stays one changed weight."""
        weights = np.array(_checked_kernel(kernel))  # a copy: the caller may change theirs
        key = (padding_mode, bool(flip), (int(weights.shape[0]), int(weights.shape[1])))
        with self._lock:
            kept = self._kept
        made = None
        if kept is not None and kept.key == key and np.isfinite(divisor) and divisor != 0:
            made = self._updated(kept, weights, float(divisor))
        if made is None:
            values = self.prepared.apply(weights / divisor, padding_mode=padding_mode, flip=flip)
            values = values.reshape(*values.shape[:2], -1)  # (H, W, C)
            low, high = float(values.min()), float(values.max())
            made = _Kept(key, weights, float(divisor), values, low, high, max(-low, high), 0)
        made.values.flags.writeable = False
        with self._lock:
            self._kept = made
        return made.values.reshape(self.prepared.shape)

    def range_of(self, values: Array) -> tuple[float, float] | None:
        """``(values.min(), values.max())`` without a pass over them, when ``values`` (or a view of them)
        are what `apply` last answered; else None."""
        with self._lock:
            kept = self._kept
        if kept is None or _owner(values) is not _owner(kept.values) or values.size != kept.values.size:
            return None
        return kept.low, kept.high

    @property
    def updates(self) -> int:
        """How many updates made the kept result since its last full computation (0: none kept, or
        computed in full)."""
        with self._lock:
            return 0 if self._kept is None else self._kept.updates

    def forget(self) -> None:
        """Drop the kept result (6 MiB for a 512x512 colour photo)."""
        with self._lock:
            self._kept = None

    def _updated(self, kept: _Kept, weights: Array, divisor: float) -> _Kept | None:
        """``kept`` moved to ``weights / divisor`` by updates, or None when a full computation is due:
        too many changes, too many updates in a row, or values so much smaller than they were that
        the rounding left from the larger ones would be more than the tolerance of theirs."""
        changed = np.argwhere(weights != kept.weights)  # (n, 2) indices
        if len(changed) == 0 and divisor == kept.divisor:
            return kept  # the same kernel: the same numbers, bit for bit
        _, flip, (kh, kw) = kept.key
        if len(changed) > min(self.most_changed, max(1, kh * kw // 3)) or kept.updates >= self.refresh_after:
            return None
        padded = self.prepared.padded((kh, kw), padding_mode=kept.key[0], flip=flip)  # (Hp, Wp, C)
        # values' = values * (d / d') + sum over changed (w' - w) / d' * shifted image (see the module).
        taps: list[Tap] = [(kh - 1 - a if flip else a, kw - 1 - b if flip else b,
                            (weights[a, b] - kept.weights[a, b]) / divisor) for a, b in changed.tolist()]
        scale = kept.divisor / divisor
        out = np.empty_like(kept.values)  # (H, W, C): a new array, the kept one is being read by others
        height = len(out)
        if self._pool is None or height < 2:
            ranges = [_update(kept.values, padded, taps, scale, out)]
        else:
            half = height // 2
            ranges = list(self._pool.map(_update, (kept.values[:half], kept.values[half:]),
                                         (padded, padded[half:]), (taps, taps), (scale, scale),
                                         (out[:half], out[half:])))
        low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
        size = max(kept.size, -low, high)
        if max(-low, high) < SHRINK * size:
            return None
        return _Kept(kept.key, weights, divisor, out, low, high, size, kept.updates + 1)


def _update(values: Array, padded: Array, taps: list[Tap], scale: float, out: Array) -> tuple[float, float]:
    """``out = values * scale + sum of dw * padded[i:, j:]`` over ``taps``, band by band (rows of about
    1 MiB stay in cache across the taps, as `convscope.image_kernels._direct` does); ``out``'s minimum
    and maximum, taken from each band while it is in cache."""
    height, width, depth = out.shape
    rows = max(1, BAND_ELEMENTS // (width * depth))
    spare = np.empty((min(rows, height), width, depth))
    low, high = np.inf, -np.inf
    for top in range(0, height, rows):
        band, old = out[top : top + rows], values[top : top + rows]
        scratch = spare[: len(band)]
        for n, (i, j, dw) in enumerate(taps):
            np.multiply(padded[top + i : top + i + len(band), j : j + width], dw, out=scratch)
            # The first change is added to the old values themselves: one pass fewer than copying them.
            base = band if n else old if scale == 1.0 else np.multiply(old, scale, out=band)
            np.add(base, scratch, out=band)
        if not taps:  # only the divisor changed
            np.multiply(old, scale, out=band)
        low, high = min(low, float(band.min())), max(high, float(band.max()))
    return low, high


def _owner(values: Array) -> Any:
    """The array that owns ``values``' memory (NumPy points every view at it)."""
    return values if values.base is None else values.base
