"""Pooling's argument checks, shared by the fast ops (``pool.py``) and their loop twins (``pool_naive.py``).

Both must accept and refuse exactly the same arguments, so the checks live here once; the windows'
geometry itself is a ``convscope.geometry.Window``.
"""

from __future__ import annotations

import functools
import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array, as_pair
from convscope.geometry import AxisWindow, Window
from convscope.ops.conv_args import plain_setting

Array = npt.NDArray[Any]
AXES = ("height", "width")


def pool_windows(
    x: Array, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1, half_kernel: bool = True
) -> Window:
    """Check the pooling arguments against x (N, C, H, W) and return the windows' geometry over (H, W).

    Plain settings (`conv_args.plain_setting`: ints, tuples of ints; or a None stride) are worked out once
    per input size (`_cached_windows`): a training step pools with the same few, and cold from the cache
    between NumPy's kernels the checks took ~20 us a call (RESULTS_perf #184). Anything else (a NumPy
    integer, a list, a float that must be refused) is checked afresh every time: the same errors.
    """
    settings = (kernel_size, stride, padding, dilation)
    if all(s is None or plain_setting(s) for s in settings) and type(half_kernel) is bool:
        return _cached_windows(x.shape[2:], *settings, half_kernel)
    return _windows(x.shape[2:], *settings, half_kernel)


def _windows(
    size: tuple[int, ...], kernel_size: Any, stride: Any, padding: Any, dilation: Any, half_kernel: bool
) -> Window:
    """`pool_windows` over an input of spatial ``size`` (H, W), checked afresh."""
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    step = kernel if stride is None else as_pair(stride, "stride", minimum=1)
    pad = as_pair(padding, "padding", minimum=0)
    dil = as_pair(dilation, "dilation", minimum=1)
    if half_kernel:  # max/avg pooling, as PyTorch; sum pooling lets a window of padding sum to 0
        for axis, k, p in zip(AXES, kernel, pad, strict=True):
            if p > k // 2:
                raise ValueError(
                    f"padding must be at most half of kernel_size ({k // 2} for a kernel of {k}), "
                    f"got {p} on the {axis} axis"
                )
    win = Window.of(size, kernel, step, pad, dil).require_fit()
    if half_kernel:
        for axis, along in zip(AXES, win.axes, strict=True):
            # With padding at most half the kernel, only a dilated window can fall wholly in the padding.
            if along.dilation > 1 and along.padding[0] > 0:
                _check_touches_input(axis, along)
    return win


# A Window is immutable (frozen dataclasses all through), so callers may share one.
_cached_windows = functools.lru_cache(maxsize=64)(_windows)


def _check_touches_input(axis: str, along: AxisWindow) -> None:
    """Refuse dilated windows that see only padding: PyTorch returns -inf there and corrupts memory."""
    empty = ~along.reads_input().any(axis=1)  # (out,)
    if np.any(empty):
        raise ValueError(
            f"padding {along.padding[0]} with dilation {along.dilation} leaves window "
            f"{int(np.argmax(empty))} on the {axis} axis covering only padding; use less padding or dilation"
        )


def as_input(x: Any) -> Array:
    return as_array(x, "x", 4, layout="(N, C, H, W)")


def as_grad_output(grad_output: Any, win: Window, x: Array, name: str = "grad_output") -> Array:
    """Check grad_output (or another array ``name``) has the forward's output shape (N, C, H_out, W_out)."""
    g = as_array(grad_output, name)
    expected = (*x.shape[:2], *win.output_size)
    if g.shape != expected:
        raise ValueError(f"{name} must have the output's shape {expected}, got {g.shape}")
    return g.astype(x.dtype, copy=False)


def pad_with(x: Array, win: Window, value: float) -> Array:
    """x (N, C, H, W) -> (N, C, H_pad, W_pad), the border filled with value."""
    if not any(before or after for before, after in win.padding):
        return x
    out = np.full((*x.shape[:2], *win.padded_size), value, dtype=x.dtype)
    out[spatial(win.unpadded_index())] = x
    return out


def unpad(grad_padded: Array, win: Window) -> Array:
    """Drop the border pad_with added; the gradient that fell on padding goes nowhere."""
    return grad_padded[spatial(win.unpadded_index())]


def spatial(index: tuple[slice, ...]) -> tuple[slice, ...]:
    """An index of the (H, W) plane as an index of (N, C, H, W) arrays: every image and channel."""
    return (slice(None), slice(None), *index)


def check_norm_type(norm_type: Any) -> float:
    """Check norm_type is a finite real p >= 1 (below 1 it is not a norm and its gradient blows up at 0)."""
    if isinstance(norm_type, bool) or not isinstance(norm_type, numbers.Real):
        raise TypeError(f"norm_type must be a real number, got {norm_type!r} ({type(norm_type).__name__})")
    p = float(norm_type)
    if not (np.isfinite(p) and p >= 1):
        raise ValueError(f"norm_type must be a finite number >= 1, got {norm_type!r}")
    return p

