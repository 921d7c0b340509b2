"""Convolution arithmetic: output sizes, when a setting is valid and why, and "same" padding.

Every size accepts an int (square) or an ``(h, w)`` pair, with PyTorch's argument names and meanings
(``dilation=1`` is no dilation). The formulas follow Dumoulin & Visin, "A guide to convolution
arithmetic for deep learning" (2016), and PyTorch's shape rules.
"""

from __future__ import annotations

from typing import Any

from convscope._validate import as_pair

Pair = tuple[int, int]


def same_padding(kernel_size: Any, dilation: Any = 1) -> tuple[Pair, Pair]:
    """Padding that keeps a stride-1 convolution's output the size of its input.

    A window of effective size ``K_eff = dilation * (kernel_size - 1) + 1`` removes ``K_eff - 1`` rows, so
    ``total = dilation * (kernel_size - 1)`` rows of padding give them back. When ``total`` is odd (an
    even kernel with odd dilation, e.g. 2x2 or 4x4) it cannot be split evenly: a 4-wide kernel has no
    centre cell, so one side needs one more row than the other. Like PyTorch's ``padding="same"``, the
    smaller half goes before (top/left) and the extra row after (bottom/right).

    Parameters
    ----------
    kernel_size : int or (int, int)
        Kernel height and width, >= 1.
    dilation : int or (int, int), default 1
        Spacing between kernel taps, >= 1 (1 means no dilation).

    Returns
    -------
    ((int, int), (int, int))
        ``((top, bottom), (left, right))``.

    Examples
    --------
    >>> same_padding(3)
    ((1, 1), (1, 1))
    >>> same_padding(4)
    ((1, 2), (1, 2))
    >>> same_padding((3, 2), dilation=2)
    ((2, 2), (1, 1))
    """
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    d = as_pair(dilation, "dilation", minimum=1)
    per_axis = []
    for kernel, dil in zip(k, d, strict=True):
        total = dil * (kernel - 1)
        before = total // 2
        per_axis.append((before, total - before))
    return (per_axis[0], per_axis[1])
