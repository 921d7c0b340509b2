"""Elementwise ops (ReLU and its gradient) in two halves of their flat arrays: the second in the helper.

Each value of an elementwise op's result depends on the same value of its inputs alone, so any split
gives the same bits. As for pooling (`convscope.ops.pool_helped`), it pays only when every array already
lies in the memory the helper shares (op results, `convscope.ops.recycle`): a ReLU moves a few bytes for
each comparison, and copying its input over would cost what the half saves. Then this thread works the
first half while the helper works the second, by the same module-level function; otherwise (False) the
caller works the whole as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.ops.helper import borrowed

Array = npt.NDArray[Any]

# Below this many values the hand-off costs more than half the work saves. On one core, warm, LeNet's
# first ReLU at 64 images (75,264 values) took 20 us forward and 27 backward, in halves 24 and 39; at 256
# images (301,056) 82 and 159 us alone, 46 and 86 in halves (RESULTS_perf #158).
_MIN_VALUES = 2**17

# Halves cut at a multiple of this many values: a 64-byte line of float32, so neither half starts mid-line.
_ALIGN = 16


def in_halves(part: Callable[..., None], arrays: tuple[Array, ...], least: int = _MIN_VALUES) -> bool:
    """``part(*arrays)`` on the first half of each flat array here, on the second in the helper.

    ``arrays`` are 1-D and C-contiguous, of one length: the inputs, then the outputs that ``part``
    writes in place. False, with nothing done, below ``least`` values, where no helper is free, or where
    an array does not lie in the memory it shares.
    """
    size = arrays[0].size
    if size < least:
        return False
    with borrowed(start=False) as helper:  # its arrays must be op results: one runs already
        if helper is None:
            return False
        cut = size // 2 // _ALIGN * _ALIGN
        places = [helper.locate(a[cut:]) for a in arrays]
        if any(place is None for place in places):
            return False

        def here() -> None:
            part(*(a[:cut] for a in arrays))

        def there() -> None:
            part(*(a[cut:] for a in arrays))

        helper.run(part, tuple(places), here, there)
    return True


def relu_part(x: Array, out: Array) -> None:
    """out = max(x, 0) for 1-D x and out (a ReLU's run of values, here or in the helper).

    Against an array of zeros, written in place, np.maximum runs its vectorised loop; against the scalar
    0 it took twice as long (numpy 2.4, float32; see benchmarks/RESULTS_perf.md).

    Examples
    --------
    >>> out = np.empty(3)
    >>> relu_part(np.array([-2.0, 0.0, 3.0]), out)
    >>> out
    array([0., 0., 3.])
    """
    out[...] = 0
    np.maximum(x, out, out=out)


def relu_backward_part(g: Array, x: Array, positive: Array, grad: Array) -> None:
    """grad = g where x > 0, else 0, for 1-D arrays; ``positive`` (bool) is scratch for the mask.

    Multiplying by the mask is ~10x faster than np.where at LeNet sizes.

    Examples
    --------
    >>> grad, mask = np.empty(3), np.empty(3, bool)
    >>> relu_backward_part(np.ones(3), np.array([-2.0, 0.0, 3.0]), mask, grad)
    >>> grad
    array([0., 0., 1.])
    """
    np.multiply(g, np.greater(x, 0, out=positive), out=grad)
