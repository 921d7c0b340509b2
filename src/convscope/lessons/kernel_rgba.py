"""The image kernels page's picture as it is drawn: RGBA bytes, quantised straight into one buffer.

While the user types weights, every edit ends in `result_record`'s pixels being packed into RGBA for the
page's ImageData. Done as separate steps that is a rounded float copy, a uint8 copy, an RGBA copy and
two counting passes over the values (about 5 ms of a 3x3 edit's 12 on 512x512x3, measured under load).
`result_rgba` gives the same bytes and the same record with fewer passes: the legend's shares of clipped
values are counted only when the minimum or the maximum says there are any, and the common scales
("clamped", and "signed" or "magnitude" in colour) are rounded in place and written into the RGBA
buffer's colour channels directly. The grey diverging scale takes `render`'s own path.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np
import numpy.typing as npt

from convscope.kernel_edits import KernelEdits
from convscope.lessons.image_kernels import (
    GREYS,
    Filtering,
    KernelResult,
    ScaleRecord,
    check_setting,
    filter_image,
    kernel_result,
    render,
)
from convscope.prepared_image import PreparedImage

__all__ = ["result_rgba"]

Array = npt.NDArray[np.float64]
Bytes = npt.NDArray[np.uint8]


def result_rgba(image: Bytes, setting: Filtering, prepared: PreparedImage | KernelEdits | None = None,
                pool: Executor | None = None, *, alpha: bool = True) -> tuple[Bytes, KernelResult]:
    """`result_record`'s picture as (H, W, 4) RGBA (alpha 255, a grey picture's value in R, G and B),
    or (H, W, 3) RGB without ``alpha``, and the same record. ``pool``: threads that share the rounding
    (two halves of the rows).

    Examples
    --------
    >>> from convscope.lessons.image_kernels import result_record
    >>> photo = np.random.default_rng(0).integers(0, 256, (4, 6, 3)).astype(np.uint8)
    >>> setting = Filtering(np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]))
    >>> rgba, record = result_rgba(photo, setting)
    >>> pixels, expected = result_record(photo, setting)
    >>> rgba.shape, bool((rgba[:, :, :3] == pixels).all()), record == expected
    ((4, 6, 4), True, True)
    """
    check_setting(setting)
    values, combined, notes = filter_image(image, setting, prepared)  # (H, W, C); read-only if kept
    kept = prepared.range_of(values) if isinstance(prepared, KernelEdits) else None
    low, high = kept if kept is not None else (float(values.min()), float(values.max()))
    rgba = np.empty((*values.shape[:2], 4 if alpha else 3), dtype=np.uint8)  # (H, W, RGBA or RGB)
    if alpha:
        rgba[:, :, 3] = 255
    scale, steps = _plan(values, setting.display, low, high)
    colour = rgba[:, :, :3]  # (H, W, 3): a grey picture's one channel is broadcast into all three
    if steps is None:  # one channel on the diverging colour scale: render's own interpolation
        colour[...] = render(values, "signed")[0]
    elif pool is None or len(values) < 2:
        steps(values, colour)
    else:  # element by element, so the two halves of the rows can go to two threads
        half = len(values) // 2
        list(pool.map(steps, (values[:half], values[half:]), (colour[:half], colour[half:])))
    return rgba, kernel_result(image, setting, values_range=(low, high), combined=combined, notes=notes,
                               scale=scale)


Steps = Callable[[Array, Bytes], None]


def _plan(values: Array, display: str, low: float, high: float) -> tuple[ScaleRecord, Steps | None]:
    """The scale record of `render` for ``values`` (H, W, C), and the steps that write its pixels from any
    rows of ``values`` (overwritten) into the same rows of the RGBA buffer's colour channels; None for the
    grey diverging scale.

    Each step performs `render`'s arithmetic in the same order, element by element, so the bytes are
    equal.
    """
    limit = max(abs(low), abs(high)) or 1.0
    if display == "clamped":
        def clamped(part: Array, colour: Bytes) -> None:
            rounded = np.rint(part, out=_own(part))
            np.clip(rounded, 0, 255, out=rounded)
            colour[...] = rounded  # integers 0..255 as floats: the cast to uint8 keeps them

        return _scale("clamped", 0.0, 255.0, [GREYS[0], GREYS[2]], values, low, high), clamped
    if low >= 0:
        def magnitude(part: Array, colour: Bytes) -> None:
            scaled = np.multiply(part, 255 / limit, out=_own(part))
            np.rint(scaled, out=scaled)
            colour[...] = scaled

        return _scale("magnitude", 0.0, limit, [GREYS[0], GREYS[2]], values, low, high), magnitude
    if values.shape[2] == 1:
        return render(values, "signed")[1], None

    def signed(part: Array, colour: Bytes) -> None:
        t = np.divide(part, limit, out=_own(part))  # t = (v / limit + 1) / 2, then * 255: render's order
        t += 1
        t /= 2
        t *= 255
        np.rint(t, out=t)
        colour[...] = t

    return _scale("signed", -limit, limit, list(GREYS), values, low, high), signed


def _own(part: Array) -> Array | None:
    """Where a step's first operation writes: over ``part`` itself, or new memory when ``part`` is
    read-only (values kept for the next edit, `convscope.kernel_edits`)."""
    return part if part.flags.writeable else None


def _scale(kind: str, lowest: float, highest: float, stops: list[tuple[int, int, int]], values: Array,
           low: float, high: float) -> ScaleRecord:
    """`image_kernels._scale`, counting clipped values only when ``low``/``high`` (the values' range)
    say some lie beyond ``lowest``/``highest``: a blur's result never does."""
    below = np.count_nonzero(values < lowest) / values.size if low < lowest else 0.0
    above = np.count_nonzero(values > highest) / values.size if high > highest else 0.0
    return {"kind": kind, "low": lowest, "high": highest, "stops": [list(s) for s in stops],
            "below": below, "above": above}
