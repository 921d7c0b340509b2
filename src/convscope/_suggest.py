"""The nearest valid convolution settings to an invalid one, for ``explain_convolution``.

A suggestion changes as few settings as it can (one before two), then as little as it can (the sum of
the absolute changes), then prefers padding to stride to kernel size (padding leaves the model alone).
Dilation is kept: kernel size 1 with stride 1 is always valid, so changing it is never the only way.
The search is bounded (kernel 1..15, stride 1..8, padding 0..K_eff-1) and stops at the first number of
changed settings that yields enough suggestions, which keeps it well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, product
from typing import Any

from convscope._axis import effective_kernel, floor_output, is_valid

# Tie-break order: padding changes no weights, stride changes the output grid, kernel size the model.
SETTINGS = ("padding", "stride", "kernel_size")
LABELS = {"padding": "padding", "stride": "stride", "kernel_size": "kernel size"}
MAX_SUGGESTIONS = 8
MAX_KERNEL = 15
MAX_STRIDE = 8


@dataclass(frozen=True)
class AxisProblem:
    """One axis of a convolution: input length and settings."""

    size: int
    kernel_size: int
    padding: int
    stride: int
    dilation: int


@dataclass(frozen=True)
class _Option:
    """A valid setting for one axis and how far it is from the original."""

    kernel_size: int
    padding: int
    stride: int
    cost: int


def _kernels(axis: AxisProblem, change: bool) -> list[int]:
    """Kernel sizes to try: the original, or every other size up to the padded input (at most 15)."""
    if not change:
        return [axis.kernel_size]
    top = min(axis.size + 2 * axis.padding, MAX_KERNEL)
    return [k for k in range(1, top + 1) if k != axis.kernel_size]


def _paddings(axis: AxisProblem, kernel: int, change: bool) -> list[int]:
    """Paddings to try: the original, or 0..K_eff-1 (more padding only adds windows of zeros)."""
    if not change:
        return [axis.padding]
    return [p for p in range(effective_kernel(kernel, axis.dilation)) if p != axis.padding]


def _strides(axis: AxisProblem, change: bool) -> list[int]:
    """Strides to try: the original, or every other stride from 1 to 8."""
    if not change:
        return [axis.stride]
    return [s for s in range(1, MAX_STRIDE + 1) if s != axis.stride]


def _axis_options(axis: AxisProblem, changed: frozenset[str]) -> list[_Option]:
    """The best valid settings of one axis that change exactly the settings in ``changed``."""
    found = []
    for k in _kernels(axis, "kernel_size" in changed):
        for p in _paddings(axis, k, "padding" in changed):
            for s in _strides(axis, "stride" in changed):
                if is_valid(axis.size, k, p, s, axis.dilation):
                    cost = abs(k - axis.kernel_size) + abs(p - axis.padding) + abs(s - axis.stride)
                    found.append(_Option(k, p, s, cost))
    found.sort(key=lambda o: (o.cost, o.padding, o.stride, o.kernel_size))
    return found[:MAX_SUGGESTIONS]


def nearest_valid(axes: Sequence[AxisProblem]) -> list[dict[str, Any]]:
    """Up to 8 valid settings nearest to ``axes``: one problem (square, both axes move together) or two.

    Returns JSON-ready dicts (see ``explain_convolution``); empty when the settings are already valid.
    """
    subsets = [frozenset(c) for n in range(len(SETTINGS) + 1) for c in combinations(SETTINGS, n)]
    memo: dict[tuple[int, frozenset[str]], list[_Option]] = {}

    def options(i: int, changed: frozenset[str]) -> list[_Option]:
        if (i, changed) not in memo:
            memo[i, changed] = _axis_options(axes[i], changed)
        return memo[i, changed]

    result: list[dict[str, Any]] = []
    for level in range(1, len(SETTINGS) + 1):
        batch = []
        for sets in product(subsets, repeat=len(axes)):
            union = frozenset().union(*sets)
            if len(union) != level:
                continue
            lists = [options(i, changed) for i, changed in enumerate(sets)]
            for combo in product(*lists):
                batch.append((union, combo))
        batch.sort(key=lambda item: _rank(*item))
        result.extend(_suggestion(axes, union, combo) for union, combo in batch)
        if len(result) >= MAX_SUGGESTIONS:
            break
    return result[:MAX_SUGGESTIONS]


def _rank(union: frozenset[str], combo: tuple[_Option, ...]) -> tuple[Any, ...]:
    """Sort key: total change, then which settings change (padding first), then the new values."""
    which = sorted(SETTINGS.index(name) for name in union)
    values = [(o.padding, o.stride, o.kernel_size) for o in combo]
    return (sum(o.cost for o in combo), which, values)


def _pair(values: Sequence[int]) -> list[int]:
    """One value per axis as [h, w]; a square problem has one axis that stands for both."""
    return [values[0], values[-1]]


def _show(values: list[int]) -> str:
    """``3`` when both axes agree, ``(3, 5)`` when they do not."""
    return str(values[0]) if values[0] == values[1] else f"({values[0]}, {values[1]})"


def _suggestion(
    axes: Sequence[AxisProblem], union: frozenset[str], combo: Sequence[_Option]
) -> dict[str, Any]:
    """The JSON-ready dict for one combination of per-axis options."""
    new = {name: _pair([getattr(o, name) for o in combo]) for name in SETTINGS}
    old = {name: _pair([getattr(a, name) for a in axes]) for name in SETTINGS}
    dilation = _pair([a.dilation for a in axes])
    outputs = [
        floor_output(a.size, o.kernel_size, o.padding, o.stride, a.dilation)
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
        "output_size": _pair([int(o or 0) for o in outputs]),
        "changes": changes,
        "cost": sum(o.cost for o in combo),
    }
