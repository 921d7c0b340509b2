"""Pooling window geometry shared by the fast ops (``pool.py``) and their loop twins (``pool_naive.py``).

Both must accept and refuse exactly the same arguments, so the checks live here once.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import Pair, as_array, as_pair

Array = npt.NDArray[Any]


@dataclass(frozen=True)
class Windows:
    """Geometry of the pooling windows over a padded input (all pairs are (height, width))."""

    kernel: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    out: Pair

    def offsets(self) -> Iterator[tuple[int, int, int]]:
        """Yield (k, i, j): kernel offset k = i*kW + j in row-major order."""
        for i in range(self.kernel[0]):
            for j in range(self.kernel[1]):
                yield i * self.kernel[1] + j, i, j

    def slices(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input that kernel offset (i, j) reads, one per window."""
        (sh, sw), (dh, dw), (oh, ow) = self.stride, self.dilation, self.out
        return slice(i * dh, i * dh + sh * (oh - 1) + 1, sh), slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)


def pool_windows(
    x: Array, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1, half_kernel: bool = True
) -> Windows:
    """Check the pooling arguments against x (N, C, H, W) and return the window geometry."""
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    step = kernel if stride is None else as_pair(stride, "stride", minimum=1)
    pad = as_pair(padding, "padding", minimum=0)
    dil = as_pair(dilation, "dilation", minimum=1)
    out = []
    for axis, size, k, s, p, d in zip(("height", "width"), x.shape[2:], kernel, step, pad, dil, strict=True):
        if half_kernel and p > k // 2:
            raise ValueError(
                f"padding must be at most half of kernel_size ({k // 2} for a kernel of {k}), "
                f"got {p} on the {axis} axis"
            )
        span = d * (k - 1) + 1
        if span > size + 2 * p:
            dilated = f" (dilated to {span})" if d > 1 else ""
            raise ValueError(
                f"kernel_size {k}{dilated} is larger than the padded input on the {axis} axis: "
                f"{size} + 2*{p} = {size + 2 * p}"
            )
        out.append((size + 2 * p - span) // s + 1)
        if half_kernel:  # max/avg pooling; sum pooling lets a window of padding sum to 0
            _check_touches_input(axis, size, k, s, p, d, out[-1])
    return Windows(kernel, step, pad, dil, (out[0], out[1]))


def _check_touches_input(axis: str, size: int, k: int, s: int, p: int, d: int, o: int) -> None:
    """Refuse dilated windows that see only padding: PyTorch returns -inf there and corrupts memory."""
    taps = (np.arange(o) * s - p)[:, None] + np.arange(k) * d  # (out, kernel): input index of each tap
    empty = ~np.any((taps >= 0) & (taps < size), axis=1)
    if np.any(empty):
        raise ValueError(
            f"padding {p} with dilation {d} leaves window {int(np.argmax(empty))} on the {axis} "
            "axis covering only padding; use less padding or dilation"
        )


def as_input(x: Any) -> Array:
    return as_array(x, "x", 4, layout="(N, C, H, W)")


def as_grad_output(grad_output: Any, win: Windows, x: Array) -> Array:
    """Check grad_output has the forward's output shape (N, C, H_out, W_out)."""
    g = as_array(grad_output, "grad_output")
    expected = (*x.shape[:2], *win.out)
    if g.shape != expected:
        raise ValueError(f"grad_output must have the output's shape {expected}, got {g.shape}")
    return g.astype(x.dtype, copy=False)


def pad_with(x: Array, padding: Pair, value: float) -> Array:
    """x (N, C, H, W) -> (N, C, H + 2pH, W + 2pW), border filled with value."""
    ph, pw = padding
    if ph == pw == 0:
        return x
    h, w = x.shape[2:]
    out = np.full((*x.shape[:2], h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
    out[:, :, ph : ph + h, pw : pw + w] = x
    return out


def unpad(grad_padded: Array, padding: Pair) -> Array:
    """Drop the border pad_with added; the gradient that fell on padding goes nowhere."""
    ph, pw = padding
    h, w = grad_padded.shape[2:]
    return grad_padded[:, :, ph : h - ph, pw : w - pw]


def check_norm_type(norm_type: Any) -> float:
    """Check norm_type is a finite real p >= 1 (below 1 it is not a norm and its gradient blows up at 0)."""
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real):
        raise TypeError(f"norm_type must be a real number, got {norm_type!r} ({type(norm_type).__name__})")
    p = float(norm_type)
    if not (np.isfinite(p) and p >= 1):
        raise ValueError(f"norm_type must be a finite number >= 1, got {norm_type!r}")
    return p
