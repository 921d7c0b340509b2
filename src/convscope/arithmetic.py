"""Convolution arithmetic: output sizes, when a setting is valid and why, and "same" padding.

Every size accepts an int (square) or an ``(h, w)`` pair, with PyTorch's argument names and meanings
(``dilation=1`` is no dilation). The formulas follow Dumoulin & Visin, "A guide to convolution
arithmetic for deep learning" (2016), and PyTorch's shape rules. Receptive fields live in
``convscope.receptive``.
"""

from __future__ import annotations

from typing import Any

from convscope._explain import explain_axes
from convscope._validate import as_pair
from convscope.geometry import Window, as_window, transposed_sizes
from convscope.geometry import same_padding as _same_padding_along
from convscope.records import Explanation

Pair = tuple[int, int]
AXES = ("height", "width")
# explain_convolution lists dropped indices (up to stride - 1 of them) and searches nearby settings, so it
# takes sizes up to 2**16, more than any image it will be asked about; the formulas alone take any size.
MAX_EXPLAINED = 65_536


def _window(
    input_size: Any, kernel_size: Any, padding: Any, stride: Any, dilation: Any, maximum: int | None = None
) -> Window:
    """The checked `Window` of the five settings (each at most ``maximum``), padded evenly."""
    # Taught as W + 2P: an int or a pair, not "same" (whose halves may differ).
    return as_window(
        input_size, kernel_size, stride, padding, dilation, maximum=maximum, named_padding=False
    )


def _all_ints(*values: Any) -> bool:
    """True when every value is a scalar, so a function can answer with a scalar."""
    return not any(isinstance(v, (tuple, list)) for v in values)


def output_size(
    input_size: Any, kernel_size: Any, padding: Any = 0, stride: Any = 1, dilation: Any = 1
) -> int | Pair:
    """Output size of a convolution (or pooling), by PyTorch's rule.

    ``O = floor((W + 2P - D(K - 1) - 1) / S) + 1`` on each axis. When ``(W + 2P - K_eff)`` is not a
    multiple of ``S`` the floor silently drops the last rows; `explain_convolution` says which.

    Parameters
    ----------
    input_size : int or (int, int)
        Input height and width, >= 1.
    kernel_size : int or (int, int)
        Kernel height and width, >= 1.
    padding : int or (int, int), default 0
        Zeros added on each side, >= 0.
    stride : int or (int, int), default 1
        Step between windows, >= 1.
    dilation : int or (int, int), default 1
        Spacing between kernel taps, >= 1 (1 means no dilation).

    Returns
    -------
    int or (int, int)
        An int when every argument is an int, else ``(H_out, W_out)``.

    Raises
    ------
    ValueError
        If the (dilated) kernel is larger than the padded input, or a setting is out of range.

    Examples
    --------
    >>> output_size(7, 3, stride=2)
    3
    >>> output_size(20, 3, stride=2)  # 9.5, floored
    9
    >>> output_size((28, 32), 5, padding=2)
    (28, 32)
    """
    height, width = _window(input_size, kernel_size, padding, stride, dilation).require_fit().output_size
    return height if _all_ints(input_size, kernel_size, padding, stride, dilation) else (height, width)


def valid_convolution(
    input_size: Any, kernel_size: Any, padding: Any, stride: Any, dilation: Any = 1
) -> bool:
    """Whether the kernel fits and its windows tile the padded input exactly, on both axes.

    This is the rule learners are taught: ``O = (W - K + 2P)/S + 1`` must be a whole number, i.e.
    ``(W + 2P - K_eff)`` is a multiple of ``S``, *and* the kernel must fit (``W + 2P >= K_eff``).
    The fit check matters: ``(3 - 5) % 2 == 0`` in Python, yet a 5x5 kernel has no place on a 3x3 input.

    Parameters
    ----------
    input_size, kernel_size, padding, stride, dilation : int or (int, int)
        As in `output_size`.

    Returns
    -------
    bool

    Examples
    --------
    >>> valid_convolution(7, 3, padding=0, stride=2)
    True
    >>> valid_convolution(7, 3, padding=0, stride=3)  # (7 - 3)/3 + 1 = 2.33
    False
    >>> valid_convolution(3, 5, padding=0, stride=2)  # the kernel does not fit
    False
    """
    return _window(input_size, kernel_size, padding, stride, dilation).tiles


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
    kh, kw = as_pair(kernel_size, "kernel_size", minimum=1)
    dh, dw = as_pair(dilation, "dilation", minimum=1)
    return (_same_padding_along(kh, dh), _same_padding_along(kw, dw))


def conv_transpose_output_size(
    input_size: Any,
    kernel_size: Any,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
) -> int | Pair:
    """Output size of a transposed convolution, by PyTorch's rule.

    ``O = (W - 1)S - 2P + D(K - 1) + output_padding + 1``. A stride-S convolution maps ``S`` input sizes
    to the same output size (the floor), so its transpose needs ``output_padding`` (``< S``, or
    ``< dilation``) to say which one it should produce. An output of size 0, which PyTorch returns as an
    empty tensor, is refused here: padding that crops everything is a mistake worth naming.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation : int or (int, int)
        As in `output_size` (note PyTorch's argument order: stride before padding).
    output_padding : int or (int, int), default 0
        Extra rows/columns on the bottom/right, smaller than ``stride`` or than ``dilation``.

    Returns
    -------
    int or (int, int)
        An int when every argument is an int, else ``(H_out, W_out)``.

    Examples
    --------
    >>> conv_transpose_output_size(3, 3, stride=2)
    7
    >>> conv_transpose_output_size(3, 3, stride=2, padding=1, output_padding=1)
    6
    >>> conv_transpose_output_size((4, 5), 4, stride=2, padding=1)
    (8, 10)
    """
    win = _window(input_size, kernel_size, padding, stride, dilation)
    result = transposed_sizes(win, output_padding)
    if _all_ints(input_size, kernel_size, stride, padding, output_padding, dilation):
        return result[0]
    return (result[0], result[1])


def explain_convolution(
    input_size: Any, kernel_size: Any, padding: Any = 0, stride: Any = 1, dilation: Any = 1
) -> Explanation:
    """Everything a learner needs to see about one convolution's arithmetic, JSON-ready.

    Whether the setting is valid (the kernel fits and ``O = (W - K + 2P)/S + 1`` is a whole number) and
    why not in plain words, the formula with the user's numbers (``K_eff`` when dilated), the padded
    coordinates past the last window that a framework which floors silently drops, and up to eight
    nearest valid settings (smallest change first). A too-large kernel is explained rather than raised;
    arguments of the wrong type or range still raise.

    Parameters
    ----------
    input_size, kernel_size, padding, stride, dilation : int or (int, int)
        As in `output_size`, each at most ``MAX_EXPLAINED`` (65,536).

    Returns
    -------
    dict
        The keys agreed in CONTRACTS.md: ``valid``, ``fits``, ``divisible``, the settings as ``[h, w]``
        lists, ``effective_kernel_size``, ``output_size`` (``None`` if it does not fit), ``formula``,
        ``axes`` (per-axis numbers, filled-in formula and ``dropped`` indices), ``reasons``,
        ``suggestions`` and ``summary``. When the input is square and every setting is the same on
        both axes, suggestions change both axes together.

    Examples
    --------
    >>> info = explain_convolution(20, 3, padding=0, stride=2)
    >>> info["valid"], info["output_size"]
    (False, [9, 9])
    >>> info["axes"][0]["formula"], info["axes"][0]["dropped"]
    ('O = (20 - 3 + 2×0)/2 + 1 = 9.5', [19])
    >>> info["suggestions"][0]["changes"]
    ['stride 2 → 1']
    >>> explain_convolution(7, 3, stride=2)["summary"]
    'Valid: a 3×3 kernel with stride 2 and padding 0 turns the 7×7 input into a 3×3 output.'
    """
    return explain_axes(_window(input_size, kernel_size, padding, stride, dilation, maximum=MAX_EXPLAINED))
