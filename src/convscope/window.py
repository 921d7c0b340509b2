"""The geometry of a sliding window, along one axis (`AxisWindow`) and along several (`Window`).

Everything that slides a kernel over an input reads its numbers here: the convolution and pooling ops
and their loop twins, the playground's trace, the network explorer, receptive fields and the arithmetic
a learner is taught. Along one axis, a window of ``kernel_size`` taps spaced ``dilation`` apart spans
``K_eff = dilation * (kernel_size - 1) + 1`` cells of the input padded by ``before`` and ``after``
zeros; it starts at every ``stride``-th cell while it fits, which gives PyTorch's floor rule
``O = floor((W + before + after - K_eff) / S) + 1``. A 2-D window is two axis windows.

Checking belongs at the edge: `window` (and `as_sizes`, `resolve_padding`) turn a user's arguments into
a `Window` with clear errors, and `Window.require_fit` says when a kernel does not fit; everything
below trusts a geometry it is handed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_pair, check_int

__all__ = [
    "AxisWindow", "Window", "as_sizes", "effective_kernel_size", "resolve_padding", "same_padding", "window",
]

IntArray = npt.NDArray[np.int64]
Sizes = tuple[int, ...]
Padding = tuple[tuple[int, int], ...]  # (before, after) per axis: ((top, bottom), (left, right)) in 2-D
AXIS_NAMES = {1: ("length",), 2: ("height", "width")}


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
        # Check the sign first: Python's -2 % 2 == 0 would otherwise call a too-large kernel valid.
        return self.fits and self.slack % self.stride == 0

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


@dataclass(frozen=True)
class Window:
    """A window sliding along several axes at once (NCHW's (H, W) in 2-D): one `AxisWindow` per axis.

    Examples
    --------
    >>> win = Window.of((4, 5), (2, 3), stride=(2, 1))
    >>> win.output_size, win.padded_size
    ((2, 3), (4, 5))
    >>> win.offset_index((1, 2))  # tap (1, 2) of every window
    (slice(1, 4, 2), slice(2, 5, 1))
    """

    axes: tuple[AxisWindow, ...]

    @classmethod
    def of(
        cls, input_size: Sequence[int], kernel_size: Sequence[int], stride: Sequence[int] | None = None,
        padding: Sequence[int | tuple[int, int]] | None = None, dilation: Sequence[int] | None = None,
    ) -> Window:
        """Build from checked per-axis settings; a padding given as one int is the same on both sides."""
        n = len(input_size)
        stride, dilation = stride or (1,) * n, dilation or (1,) * n
        pads = [(p, p) if isinstance(p, int) else (p[0], p[1]) for p in (padding or (0,) * n)]
        return cls(tuple(map(AxisWindow, input_size, kernel_size, stride, pads, dilation)))

    @property
    def ndim(self) -> int:
        """How many axes the window slides along."""
        return len(self.axes)

    @property
    def input_size(self) -> Sizes:
        return tuple(a.size for a in self.axes)

    @property
    def kernel_size(self) -> Sizes:
        return tuple(a.kernel_size for a in self.axes)

    @property
    def stride(self) -> Sizes:
        return tuple(a.stride for a in self.axes)

    @property
    def padding(self) -> Padding:
        """(before, after) per axis."""
        return tuple(a.padding for a in self.axes)

    @property
    def dilation(self) -> Sizes:
        return tuple(a.dilation for a in self.axes)

    @property
    def span(self) -> Sizes:
        return tuple(a.span for a in self.axes)

    @property
    def padded_size(self) -> Sizes:
        return tuple(a.padded_size for a in self.axes)

    @property
    def output_size(self) -> Sizes:
        return tuple(a.output_size for a in self.axes)

    @property
    def fits(self) -> bool:
        return all(a.fits for a in self.axes)

    @property
    def tiles(self) -> bool:
        return all(a.tiles for a in self.axes)

    def offsets(self) -> Iterator[tuple[int, ...]]:
        """Every kernel tap (i, j, ...) in row-major order, the order the loops and the page use."""
        return product(*(range(a.kernel_size) for a in self.axes))

    def offset_index(self, offset: Sequence[int]) -> tuple[slice, ...]:
        """Index of the padded input that kernel tap ``offset`` reads across every window."""
        return tuple([a.offset_slice(k) for a, k in zip(self.axes, offset, strict=True)])  # list: faster

    def window_index(self, out: Sequence[int]) -> tuple[slice, ...]:
        """Index of the padded input under the window that makes output ``out``."""
        return tuple(a.window_slice(o) for a, o in zip(self.axes, out, strict=True))

    def unpadded_index(self) -> tuple[slice, ...]:
        """Index of the input inside the padded input."""
        return tuple(slice(a.padding[0], a.padding[0] + a.size) for a in self.axes)

    def require_fit(self) -> Window:
        """Return self, or raise ``ValueError`` naming the first axis along which no window fits."""
        for name, axis in zip(AXIS_NAMES[self.ndim], self.axes, strict=True):
            if not axis.fits:
                raise ValueError(axis.misfit_message(name))
        return self


def as_sizes(value: Any, name: str, ndim: int, minimum: int, maximum: int | None = None) -> Sizes:
    """An int (the same on every axis) or, in 2-D, an (h, w) pair, checked: one int per axis."""
    if ndim == 2:
        return as_pair(value, name, minimum, maximum)
    return (check_int(value, name, minimum, maximum),) * ndim


def resolve_padding(
    padding: Any, kernel_size: Sizes, stride: Sizes, dilation: Sizes, maximum: int | None = None
) -> Padding:
    """An int, a pair, ``"valid"`` or ``"same"`` as (before, after) per axis, with PyTorch's meaning.

    Examples
    --------
    >>> resolve_padding("same", (4, 3), (1, 1), (1, 1))
    ((1, 2), (1, 1))
    """
    ndim = len(kernel_size)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * ndim
        if padding == "same":
            if any(s != 1 for s in stride):
                shown = stride[0] if ndim == 1 else stride
                raise ValueError(
                    f"padding='same' needs stride 1 (as in PyTorch), got stride {shown}; "
                    "use an integer padding with strided convolutions"
                )
            return tuple(map(same_padding, kernel_size, dilation))
        form = "an int" if ndim == 1 else "an int, a pair (h, w)"
        raise ValueError(f"padding must be {form}, 'valid' or 'same', got {padding!r}")
    return tuple((p, p) for p in as_sizes(padding, "padding", ndim, 0, maximum))


def window(
    input_size: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *,
    ndim: int = 2, maximum: int | None = None, named_padding: bool = True,
) -> Window:
    """Check a user's sliding-window settings and build their `Window` (which may not fit: see `require_fit`).

    Parameters
    ----------
    input_size, kernel_size : int or (int, int)
        Per axis, >= 1 (a pair only in 2-D).
    stride, dilation : int or (int, int), default 1
        Per axis, >= 1.
    padding : int, (int, int), "valid" or "same", default 0
        Zeros on each side, >= 0; "same" needs stride 1 and puts an odd total's extra zero after.
    ndim : {1, 2}
        Axes the window slides along.
    maximum : int, optional
        The largest value any setting may take.
    named_padding : bool, default True
        Whether "valid" and "same" are allowed; without them padding is the same on both sides.

    Returns
    -------
    Window

    Examples
    --------
    >>> window(28, 5, padding="same").padding
    ((2, 2), (2, 2))
    >>> window(10, 3, stride=2, ndim=1).output_size
    (4,)
    >>> window(3, 5).require_fit()
    Traceback (most recent call last):
    ...
    ValueError: kernel_size 5 does not fit the input along the height: the padded input is 3 + 2×0 = 3 \
but the kernel spans 5. Use kernel_size <= 3, padding >= 1, or a larger input.
    """
    size = as_sizes(input_size, "input_size", ndim, 1, maximum)
    kernel = as_sizes(kernel_size, "kernel_size", ndim, 1, maximum)
    step = as_sizes(stride, "stride", ndim, 1, maximum)
    dil = as_sizes(dilation, "dilation", ndim, 1, maximum)
    if named_padding:
        return Window.of(size, kernel, step, resolve_padding(padding, kernel, step, dil, maximum), dil)
    return Window.of(size, kernel, step, as_sizes(padding, "padding", ndim, 0, maximum), dil)
