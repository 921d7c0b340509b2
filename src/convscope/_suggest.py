"""The nearest valid convolution settings to an invalid one, for ``explain_convolution``.

A suggestion's cost is the sum of the absolute changes plus 2 for every setting changed after the first,
so one small change comes first, yet "kernel size 3 → 12" (cost 9) does not push out "padding 0 → 1;
stride 2 → 3" (cost 4): a learner is better served by two nudges than by one leap. Ties prefer padding
to stride to kernel size (padding leaves the model alone). Dilation is kept: kernel size 1 with stride 1
is always valid, so changing it is never the only way. The search is bounded (kernel 1..15, stride
1..8, the valid paddings below K_eff nearest the original, found by arithmetic rather than by a scan so a
huge dilation costs nothing), which keeps it around a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, product
from math import gcd
from typing import Any

from convscope.geometry import AxisWindow, effective_kernel_size, slides_exactly
from convscope.records import Suggestion

# Tie-break order: padding changes no weights, stride changes the output grid, kernel size the model.
SETTINGS = ("padding", "stride", "kernel_size")
LABELS = {"padding": "padding", "stride": "stride", "kernel_size": "kernel size"}
MAX_SUGGESTIONS = 8
MAX_KERNEL = 15
MAX_STRIDE = 8
EXTRA_SETTING_COST = 2  # added per setting changed after the first


@dataclass(frozen=True)
class _Option:
    """A valid setting for one axis and how far it is from the original."""

    kernel_size: int
    padding: int
    stride: int
    cost: int


def _setting(axis: AxisWindow, name: str) -> int:
    """One of `SETTINGS` of an axis; its padding is the same on both sides."""
    return axis.padding[0] if name == "padding" else int(getattr(axis, name))


def _tiles(axis: AxisWindow, kernel_size: int, padding: int, stride: int) -> bool:
    """Whether ``axis`` with these settings (and its own size and dilation) is valid."""
    # The search asks this ~5,000 times for a rectangular problem: building an AxisWindow each time
    # (~2 us) added ~10 ms to explain_convolution (measured with cProfile), so ask the rule itself.
    return slides_exactly(axis.size + 2 * padding, effective_kernel_size(kernel_size, axis.dilation), stride)


def _kernels(axis: AxisWindow, change: bool) -> list[int]:
    """Kernel sizes to try: the original, or every other size up to the padded input (at most 15)."""
    if not change:
        return [axis.kernel_size]
    top = min(axis.padded_size, MAX_KERNEL)
    return [k for k in range(1, top + 1) if k != axis.kernel_size]


def _paddings(axis: AxisWindow, kernel: int, stride: int, change: bool) -> list[int]:
    """Paddings to try: the original, or the valid ones below K_eff nearest to it (more adds only zeros)."""
    if not change:
        return [axis.padding[0]]
    span = effective_kernel_size(kernel, axis.dilation)
    least = max(0, -(-(span - axis.size) // 2))  # ceil: the least padding with which one window fits
    # Valid means 2P = span - size (mod S): solvable for odd S, or for even S when the residue is even.
    residue = (span - axis.size) % stride
    if stride % 2 == 0 and residue % 2:
        return []
    period = stride // gcd(2, stride)
    target = residue // 2 if stride % 2 == 0 else residue * (stride + 1) // 2 % stride
    first = least + (target - least) % period  # the least valid padding
    start = max(first, axis.padding[0] - MAX_SUGGESTIONS * period)
    start = first + (start - first) // period * period
    stop = min(span, start + (2 * MAX_SUGGESTIONS + 1) * period)
    return [p for p in range(start, stop, period) if p != axis.padding[0]]


def _strides(axis: AxisWindow, change: bool) -> list[int]:
    """Strides to try: the original, or every other stride from 1 to 8."""
    if not change:
        return [axis.stride]
    return [s for s in range(1, MAX_STRIDE + 1) if s != axis.stride]


def _axis_options(axis: AxisWindow, changed: frozenset[str]) -> list[_Option]:
    """The best valid settings of one axis that change exactly the settings in ``changed``."""
    found = []
    for k in _kernels(axis, "kernel_size" in changed):
        for s in _strides(axis, "stride" in changed):
            for p in _paddings(axis, k, s, "padding" in changed):
                if _tiles(axis, k, p, s):
                    cost = abs(k - axis.kernel_size) + abs(p - axis.padding[0]) + abs(s - axis.stride)
                    found.append(_Option(k, p, s, cost))
    found.sort(key=lambda o: (o.cost, o.padding, o.stride, o.kernel_size))
    return found[:MAX_SUGGESTIONS]


def nearest_valid(axes: Sequence[AxisWindow]) -> list[Suggestion]:
    """Up to 8 valid settings nearest to ``axes``: one problem (square, both axes move together) or two.

    Returns JSON-ready dicts (see ``explain_convolution``); empty when the settings are already valid.
    """
    subsets = [frozenset(c) for n in range(len(SETTINGS) + 1) for c in combinations(SETTINGS, n)]
    memo: dict[tuple[int, frozenset[str]], list[_Option]] = {}

    def options(i: int, changed: frozenset[str]) -> list[_Option]:
        if (i, changed) not in memo:
            memo[i, changed] = _axis_options(axes[i], changed)
        return memo[i, changed]

    batch: list[tuple[frozenset[str], tuple[_Option, ...]]] = []
    for sets in product(subsets, repeat=len(axes)):
        union = frozenset().union(*sets)
        if not union:
            continue
        lists = [options(i, changed) for i, changed in enumerate(sets)]
        batch.extend((union, combo) for combo in product(*lists) if _needs_every_change(axes, union, combo))
    batch.sort(key=lambda item: _rank(*item))
    return [_suggestion(axes, union, combo) for union, combo in batch[:MAX_SUGGESTIONS]]


def _needs_every_change(axes: Sequence[AxisWindow], union: frozenset[str], combo: Sequence[_Option]) -> bool:
    """Whether undoing any one changed setting makes it invalid again (else that change is not needed)."""
    # "padding 0 → 1; stride 2 → 1" would otherwise follow "stride 2 → 1", which shows padding is moot.
    if len(union) == 1:
        return True
    for name in union:
        kept = [{**vars(o), name: _setting(a, name)} for a, o in zip(axes, combo, strict=True)]
        if all(
            _tiles(a, k["kernel_size"], k["padding"], k["stride"]) for a, k in zip(axes, kept, strict=True)
        ):
            return False
    return True


def _rank(union: frozenset[str], combo: tuple[_Option, ...]) -> tuple[Any, ...]:
    """Sort key: cost, then which settings change (fewer, padding first), then the new values."""
    which = sorted(SETTINGS.index(name) for name in union)
    values = [(o.padding, o.stride, o.kernel_size) for o in combo]
    return (_cost(union, combo), len(which), which, values)


def _cost(union: frozenset[str], combo: Sequence[_Option]) -> int:
    """The size of a suggestion: every absolute change, plus a charge per setting after the first."""
    return sum(o.cost for o in combo) + EXTRA_SETTING_COST * (len(union) - 1)


def _pair(values: Sequence[int]) -> list[int]:
    """One value per axis as [h, w]; a square problem has one axis that stands for both."""
    return [values[0], values[-1]]


def _show(values: list[int]) -> str:
    """``3`` when both axes agree, ``(3, 5)`` when they do not."""
    return str(values[0]) if values[0] == values[1] else f"({values[0]}, {values[1]})"


def _suggestion(
    axes: Sequence[AxisWindow], union: frozenset[str], combo: Sequence[_Option]
) -> Suggestion:
    """The JSON-ready record of one combination of per-axis options."""
    new = {name: _pair([getattr(o, name) for o in combo]) for name in SETTINGS}
    old = {name: _pair([_setting(a, name) for a in axes]) for name in SETTINGS}
    dilation = _pair([a.dilation for a in axes])
    outputs = [
        AxisWindow(a.size, o.kernel_size, o.stride, (o.padding, o.padding), a.dilation).output_size
        for a, o in zip(axes, combo, strict=True)
    ]
    changes = [
        f"{LABELS[name]} {_show(old[name])} → {_show(new[name])}" for name in SETTINGS if name in union
    ]
    return {
        "kernel_size": new["kernel_size"],
        "padding": new["padding"],
        "stride": new["stride"],
        "dilation": dilation,
        "output_size": _pair(outputs),
        "changes": changes,
        "cost": _cost(union, combo),
    }
