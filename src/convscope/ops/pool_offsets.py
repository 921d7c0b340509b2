"""Max pooling's windows by kernel offset: each offset's strided view of every window, and their maxima.

For each of the kH*kW kernel offsets one strided slice of the padded input, (N, C, H_out, W_out), holds
that offset's element of every window (``pool.py`` routes the backward through the same slices).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from convscope.geometry import Window
from convscope.ops import recycle
from convscope.ops.pool_windows import Array, spatial
from convscope.ops.threads import halves, run_blocks


def offset_views(xp: Array, win: Window) -> list[Array]:
    """Kernel offset k's input in every window, k in row-major order: strided (N, C, H_out, W_out) views."""
    return [xp[spatial(win.offset_index(offset))] for offset in win.offsets()]


def offset_values(xp: Array, win: Window) -> list[Array]:
    """`offset_views` copied into contiguous memory (rows of one (kH*kW, N, C, H_out, W_out) array).

    The backward reads each offset several times: after one strided copy per offset, those passes run
    on contiguous memory along one long axis, which NumPy does much faster than on strided slices with
    short rows (benchmarks/RESULTS_perf.md). The forward reads each offset once and uses the views.
    """
    return list(np.stack(offset_views(xp, win)))


def window_max(values: Sequence[Array]) -> Array:
    """Maximum over each window, from its offsets' values (kH*kW of (N, C, H_out, W_out)).

    A large batch goes in two halves (`halves`), one per thread where there are two cores.
    """
    if len(values) == 1:
        return np.array(values[0])
    best = recycle.empty(values[0].shape, values[0].dtype)  # memory the process holds (`recycle`)

    def work(part: Sequence[slice], index: int) -> None:
        for images in part:
            # Two offsets at once: one pass fewer than a copy first.
            np.maximum(values[0][images], values[1][images], out=best[images])
            for offset in values[2:]:
                np.maximum(best[images], offset[images], out=best[images])

    run_blocks(halves(len(best), best.size * len(values)), work)
    return best
