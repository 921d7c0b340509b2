"""A window sliding along several axes at once: `Window`, one `AxisWindow` per axis."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product

from convscope.geometry.axis import AxisWindow

__all__ = ["AXIS_NAMES", "Padding", "Sizes", "Window"]

Sizes = tuple[int, ...]
Padding = tuple[tuple[int, int], ...]  # (before, after) per axis: ((top, bottom), (left, right)) in 2-D
AXIS_NAMES = {1: ("length",), 2: ("height", "width")}  # what error messages call each axis


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
        """(H, W) in 2-D."""
        return tuple(a.size for a in self.axes)

    @property
    def kernel_size(self) -> Sizes:
        """Taps per axis: (kH, kW) in 2-D."""
        return tuple(a.kernel_size for a in self.axes)

    @property
    def stride(self) -> Sizes:
        """Step between windows, per axis."""
        return tuple(a.stride for a in self.axes)

    @property
    def padding(self) -> Padding:
        """(before, after) per axis."""
        return tuple(a.padding for a in self.axes)

    @property
    def dilation(self) -> Sizes:
        """Cells between neighbouring taps, per axis (1: none)."""
        return tuple(a.dilation for a in self.axes)

    @property
    def span(self) -> Sizes:
        """Cells one window covers, per axis: the dilated kernel K_eff."""
        return tuple(a.span for a in self.axes)

    @property
    def padded_size(self) -> Sizes:
        """Input plus padding, per axis."""
        return tuple(a.padded_size for a in self.axes)

    @property
    def output_size(self) -> Sizes:
        """Windows per axis, by PyTorch's floor rule: (H_out, W_out) in 2-D."""
        return tuple(a.output_size for a in self.axes)

    @property
    def fits(self) -> bool:
        """Whether a window fits along every axis."""
        return all(a.fits for a in self.axes)

    @property
    def tiles(self) -> bool:
        """The taught rule on every axis: the windows fit and end exactly at the far edge."""
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
