"""Max pooling's forward and backward in two halves of the batch: the second in the helper process.

Each image's maxima, and its gradient's routes, are its own, so the halves give the same bits as the
whole. Pooling moves many numbers for little arithmetic, so it pays to share only when the input already
lies in the helper's shared memory (an op's result, `convscope.ops.recycle`): copying it there cost more
than the half saved (LeNet's pool1 at 64 images, forward 162 -> 224 us). Then the second half's images are
pooled there by the same public op while this thread pools the first; otherwise (None) the caller pools
the whole batch as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from convscope._validate import trusted_values
from convscope.ops import recycle
from convscope.ops.helper import borrowed
from convscope.ops.helper_memory import FullError
from convscope.ops.pool_pairs import max_pool2d_pairs_backward, max_pool2d_pairs_maxima, takes_pairs
from convscope.ops.pool_windows import Array, pool_windows

# Below this many input values the hand-off costs more than half the work saves. LeNet's pool2 at 64
# images has 102,400: forward 79 us alone, 75 in halves; backward 186 alone, 245 in halves. pool1 at 64
# has 301,056: forward 142 alone, 124 in halves; backward 430 alone, 330 in halves (one core, warm,
# after the pairs' forward and backward got faster, RESULTS_perf #160; before each half wrote in place).
_MIN_VALUES = 2**17
# The backward from half as many, since the halves write in place: in the ops-level step at 64 images
# pool2's backward took 264 us alone and 232 in halves, the step 0-1 % less (in-process toggling, #165).
_MIN_VALUES_BACKWARD = 2**16

Settings = tuple[Any, Any, Any, Any]  # kernel_size, stride, padding, dilation, as the caller gave them


def helped_max_pool(x: Array, out_shape: tuple[int, ...], settings: Settings) -> Array | None:
    """`convscope.ops.pool.max_pool2d` of checked x (N, C, H, W) in two halves, or None (no helper here)."""
    return _halves(max_pool_part, (x,), out_shape, settings)


def helped_max_pool_backward(g: Array, x: Array, settings: Settings) -> Array | None:
    """`convscope.ops.pool.max_pool2d_backward` of checked arrays in two halves, or None (no helper here)."""
    return _halves(max_pool_backward_part, (g, x), x.shape, settings, _MIN_VALUES_BACKWARD)


def max_pool_part(x: Array, out: Array, *settings: Any) -> None:
    """out = `max_pool2d` of a half (here, or in the helper): written in place for 2x2/2 windows.

    Writing the pairs' maxima straight into the batch's result spares a copy of each half after.
    """
    from convscope.ops.pool import max_pool2d

    if _pairs(x, settings):
        max_pool2d_pairs_maxima(x, out)
    else:
        out[...] = max_pool2d(x, *settings)


def max_pool_backward_part(g: Array, x: Array, out: Array, *settings: Any) -> None:
    """out = `max_pool2d_backward` of a half (here, or in the helper): written in place for 2x2/2 windows.

    The gradient is as large as x: writing it in place spared pool1's halves at 256 images a copy of
    600,000 numbers each (benchmarks/RESULTS_perf.md #165).
    """
    from convscope.ops.pool import max_pool2d_backward

    if _pairs(x, settings):
        max_pool2d_pairs_backward(g, x, None, out)
    else:
        out[...] = max_pool2d_backward(g, x, *settings)


def _pairs(x: Array, settings: Settings) -> bool:
    """Whether `convscope.ops.pool` pools x with these settings by pairs (`pool_pairs.takes_pairs`)."""
    return takes_pairs(x, pool_windows(x, *settings))


def _halves(
    part: Callable[..., None], batched: tuple[Array, ...], out_shape: tuple[int, ...], settings: Settings,
    least: int = _MIN_VALUES,
) -> Array | None:
    """``part`` of the ``batched`` arrays (x last) into a new result, in two halves: the second in the helper.

    Only from ``least`` values of x.
    """
    x = batched[-1]
    if len(x) < 2 or x.size < least:
        return None
    with borrowed(start=False) as helper:  # x must be an op result: one runs already
        if helper is None or helper.locate(x) is None:
            return None
        cut = len(x) // 2
        out = recycle.empty(out_shape, x.dtype)
        try:
            where, view = helper.target(out[cut:])
            inputs = [helper.share(a[cut:]) for a in batched]
        except FullError:
            return None

        def here() -> None:
            with trusted_values():  # the caller checked the whole batch
                part(*(a[:cut] for a in batched), out[:cut], *settings)

        def there() -> None:
            with trusted_values():
                part(*(a[cut:] for a in batched), out[cut:], *settings)

        if helper.run(part, (*inputs, where, *settings), here, there) and view is not None:
            out[cut:] = view
    return out
