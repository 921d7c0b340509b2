"""One axis of a sliding window: `AxisWindow`, and the two formulas it rests on.

Along one axis, a window of ``kernel_size`` taps spaced ``dilation`` apart spans
``K_eff = dilation * (kernel_size - 1) + 1`` cells of the input padded by ``before`` and ``after``
zeros; it starts at every ``stride``-th cell while it fits, which gives PyTorch's floor rule
``O = floor((W + before + after - K_eff) / S) + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["AxisWindow", "effective_kernel_size", "same_padding", "slides_exactly"]

IntArray = npt.NDArray[np.int64]


def effective_kernel_size(kernel_size: int, dilation: int) -> int:
    """Cells a dilated kernel spans: ``dilation * (kernel_size - 1) + 1``.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    return dilation * (kernel_size - 1) + 1


def same_padding(kernel_size: int, dilation: int = 1) -> tuple[int, int]:
    """(before, after) that keep a stride-1 output as long as its input; the odd one out goes after.

    Examples
    --------
    >>> same_padding(4)
    (1, 2)
    """
    total = dilation * (kernel_size - 1)  # the cells a window of K_eff removes
    return (total // 2, total - total // 2)


def slides_exactly(padded_size: int, span: int, stride: int) -> bool:
    """The rule learners are taught: a window of ``span`` fits and its slides end at the far edge.

    Examples
    --------
    >>> slides_exactly(7, 3, stride=2), slides_exactly(3, 5, stride=2)
    (True, False)
    """
    slack = padded_size - span
    # Check the sign first: Python's -2 % 2 == 0 would otherwise call a too-large kernel valid.
    return slack >= 0 and slack % stride == 0


@dataclass(frozen=True)
class AxisWindow:
    """A window sliding along one axis: the settings, checked by the caller, and every number they give.

    Coordinates are *padded* (0 is the first cell of padding before the input) unless a name says
    *input* (0 is the input's first cell; negative or ``>= size`` is padding).

    Examples
    --------
    >>> axis = AxisWindow(20, 3, stride=2)
    >>> axis.output_size, axis.tiles, axis.dropped
    (9, False, range(19, 20))
    >>> axis.taps()[:2].tolist()  # input index of each tap of windows 0 and 1
    [[0, 1, 2], [2, 3, 4]]
    """

    size: int  # W, the input's length along this axis
    kernel_size: int  # K, taps
    stride: int = 1  # S
    padding: tuple[int, int] = (0, 0)  # zeros (before, after); "same" with an even kernel is uneven
    dilation: int = 1  # D, cells between neighbouring taps (1: none)
    # Derived once, here, rather than as properties: the ops read them once per kernel tap, and a chain of
    # properties (output_size -> slack -> span) made small pooling and convolution calls measurably slower.
    span: int = field(init=False, repr=False, compare=False)  # K_eff = D(K - 1) + 1: cells one window covers
    padded_size: int = field(init=False, repr=False, compare=False)  # W + before + after
    slack: int = field(init=False, repr=False, compare=False)  # W_pad - K_eff: how far the window slides
    output_size: int = field(init=False, repr=False, compare=False)  # floor(slack / S) + 1; 0: none fits

    def __post_init__(self) -> None:
        # Frozen: each derived field is set once, here.
        span = effective_kernel_size(self.kernel_size, self.dilation)
        padded = self.size + self.padding[0] + self.padding[1]
        slack = padded - span  # negative when the window does not fit
        object.__setattr__(self, "span", span)
        object.__setattr__(self, "padded_size", padded)
        object.__setattr__(self, "slack", slack)
        object.__setattr__(self, "output_size", slack // self.stride + 1 if slack >= 0 else 0)  # floor rule

    @property
    def fits(self) -> bool:
        """Whether at least one window fits inside the padded input."""
        return self.slack >= 0

    @property
    def tiles(self) -> bool:
        """The rule learners are taught: the window fits and its slides end exactly at the far edge."""
        return slides_exactly(self.padded_size, self.span, self.stride)

    @property
    def dropped(self) -> range:
        """Padded cells past the last window: what the floor throws away (``slack % S`` of them)."""
        if not self.fits:
            return range(0)
        end = (self.output_size - 1) * self.stride + self.span  # one past the last window's last tap
        return range(end, self.padded_size)

    def starts(self, outputs: npt.ArrayLike | None = None) -> IntArray:
        """Input index of the first tap of each window in ``outputs`` (default: all): ``o*S - before``."""
        o = np.arange(self.output_size) if outputs is None else np.asarray(outputs, dtype=np.int64)
        return o * self.stride - self.padding[0]

    def taps(self, outputs: npt.ArrayLike | None = None) -> IntArray:
        """(len(outputs), K): the input index each tap of each window reads, ``o*S - before + k*D``."""
        return self.starts(outputs)[:, None] + np.arange(self.kernel_size) * self.dilation

    def reads_input(self, outputs: npt.ArrayLike | None = None) -> npt.NDArray[np.bool_]:
        """(len(outputs), K): True where a tap reads the input, False where it reads padding."""
        taps = self.taps(outputs)
        return (taps >= 0) & (taps < self.size)

    def inside(self, k: int) -> tuple[int, int, int]:
        """The windows [lo, hi) whose tap ``k`` reads the input, not padding, and the cell window lo's reads.

        Across the windows, tap k reads padding's zeros, then ``input[first::S]`` for windows lo .. hi - 1,
        then zeros again: `convscope.ops.tap_views.copy_taps` copies it so, straight from the input.

        Examples
        --------
        >>> AxisWindow(5, 3, 1, (1, 1)).inside(0)  # 5 windows; window 0's tap 0 is padding
        (1, 5, 0)
        >>> AxisWindow(5, 3, 1, (1, 1)).inside(2)  # window 4's tap 2 is padding
        (0, 4, 1)
        >>> AxisWindow(6, 3, 2, (1, 2)).inside(1)  # stride 2: windows 0-2's tap 1 reads cells 0, 2, 4
        (0, 3, 0)
        """
        first = k * self.dilation - self.padding[0]  # the cell window 0's tap k reads
        lo = 0 if first >= 0 else (-first + self.stride - 1) // self.stride
        hi = min(self.output_size, (self.size - 1 - first) // self.stride + 1) if self.size > first else 0
        return lo, max(lo, hi), first + lo * self.stride

    @property
    def links_every_cell(self) -> bool:
        """Whether every input cell is read by some window and every window reads some input cell.

        Then each input cell meets each output position's gradient in some product of a weight gradient,
        so a NaN or an infinity in either reaches it (`convscope.ops.conv_chunks.gradient_block`). Not
        so where the stride or the dilation skips cells, cells lie past the last window, or a window lies
        wholly in the padding.

        Examples
        --------
        >>> AxisWindow(5, 3, 1, (1, 1)).links_every_cell, AxisWindow(5, 1, 2).links_every_cell
        (True, False)
        >>> AxisWindow(6, 3, 2).links_every_cell  # windows at cells 0-2 and 2-4: cell 5 is never read
        False
        >>> AxisWindow(7, 3, 1, dilation=2).links_every_cell  # taps 0, 2, 4; 1, 3, 5; 2, 4, 6
        True
        >>> AxisWindow(2, 3, 1, (3, 3)).links_every_cell  # window 0 reads padding only
        False
        """
        taps = self.taps()  # (W_out, K): the input index each tap of each window reads
        inside = (taps >= 0) & (taps < self.size)
        read = np.zeros(self.size, dtype=np.bool_)
        read[taps[inside]] = True
        return bool(read.all() and inside.any(axis=1).all())

    def offset_slice(self, k: int) -> slice:
        """The padded cells tap ``k`` reads, one per window, in window order: a strided slice."""
        first = k * self.dilation
        return slice(first, first + self.stride * (self.output_size - 1) + 1, self.stride)

    def window_slice(self, o: int) -> slice:
        """The padded cells window ``o`` reads, one per tap: a strided slice."""
        first = o * self.stride
        return slice(first, first + self.span, self.dilation)

    def transposed_size(self, output_padding: int = 0) -> int:
        """Output length of the transposed convolution of an input of ``size``: PyTorch's rule.

        ``(W - 1)S - before - after + K_eff + output_padding``, the longest input this window maps to
        ``W`` outputs, less ``S - 1 - output_padding`` (a stride-S convolution floors ``S`` lengths
        onto one). May be 0 or less when the padding crops everything; the caller decides.
        """
        return (self.size - 1) * self.stride - self.padding[0] - self.padding[1] + self.span + output_padding

    def least_padding_to_fit(self) -> int:
        """The smallest padding on each side with which one window fits (0 if it already does)."""
        return max(0, -(-(self.span - self.size) // 2))  # ceil: padding goes on both sides

    def largest_kernel_to_fit(self) -> int:
        """The most taps, at this dilation, that fit the padded input."""
        return (self.padded_size - 1) // self.dilation + 1

    def misfit_message(self, axis: str) -> str:
        """Why the kernel does not fit the padded input along ``axis``, with the numbers and the fixes."""
        k, d, span, (before, after) = self.kernel_size, self.dilation, self.span, self.padding
        dilated = f" (dilation {d}: {d}×({k} - 1) + 1 = {span})" if d > 1 else ""
        added = f"2×{before}" if before == after else f"{before} + {after}"
        return (
            f"kernel_size {k} does not fit the input along the {axis}: the padded input is "
            f"{self.size} + {added} = {self.padded_size} but the kernel spans {span}{dilated}. "
            f"Use kernel_size <= {self.largest_kernel_to_fit()}, padding >= {self.least_padding_to_fit()}, "
            "or a larger input."
        )
