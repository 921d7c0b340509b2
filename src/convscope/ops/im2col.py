"""The geometry of a 2-D convolution, and the im2col / col2im copies the fast convolution is built on.

``conv_geometry`` checks every argument once and returns a frozen `ConvGeometry`: the sizes the fast op,
its backward and the naive loop twins all share. ``im2col`` lays every window of the padded input out
as a column, so the convolution becomes one matrix product; ``col2im`` is its adjoint (it adds the
columns back where they came from), which is exactly what the backward pass needs for the input.

Columns are laid out ``(C, kH, kW, N, H_out, W_out)``: the weight, reshaped to
``(C_out, C_in*kH*kW)``, multiplies them as one contiguous ``(C_in*kH*kW, N*H_out*W_out)`` matrix, and
each kernel offset ``(i, j)`` is one strided slice of the padded input, so building (or scattering) the
columns costs kH*kW array copies rather than a Python loop over output positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import Pair, as_pair, check_int
from convscope.arithmetic import same_padding

Array = npt.NDArray[np.floating[Any]]
Padding = tuple[Pair, Pair]  # ((top, bottom), (left, right))


@dataclass(frozen=True)
class ConvGeometry:
    """Every size of one 2-D convolution (NCHW), checked and resolved."""

    batch: int
    in_channels: int
    out_channels: int
    groups: int
    input_size: Pair  # (H, W)
    kernel_size: Pair  # (kH, kW)
    stride: Pair
    padding: Padding  # ((top, bottom), (left, right)); "same" may be uneven
    dilation: Pair
    output_size: Pair  # (H_out, W_out)

    @property
    def padded_size(self) -> Pair:
        """(H + top + bottom, W + left + right)."""
        (top, bottom), (left, right) = self.padding
        return (self.input_size[0] + top + bottom, self.input_size[1] + left + right)

    def offset_slices(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input that kernel tap (i, j) meets, over all output positions."""
        (sh, sw), (dh, dw), (oh, ow) = self.stride, self.dilation, self.output_size
        return (
            slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (ow - 1) + 1, sw),
        )

    def window_slices(self, r: int, c: int) -> tuple[slice, slice]:
        """Rows and columns of the padded input under the window that makes output (r, c)."""
        (sh, sw), (dh, dw), (kh, kw) = self.stride, self.dilation, self.kernel_size
        return (
            slice(r * sh, r * sh + dh * (kh - 1) + 1, dh),
            slice(c * sw, c * sw + dw * (kw - 1) + 1, dw),
        )


def resolve_padding(padding: Any, kernel_size: Pair, stride: Pair, dilation: Pair) -> Padding:
    """Turn an int, a pair, "valid" or "same" into ((top, bottom), (left, right)), as PyTorch does."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(
                    f"padding='same' needs stride 1 (as in PyTorch), got stride {stride}; "
                    "use an integer padding with strided convolutions"
                )
            return same_padding(kernel_size, dilation)
        raise ValueError(f"padding must be an int, a pair (h, w), 'valid' or 'same', got {padding!r}")
    ph, pw = as_pair(padding, "padding", minimum=0)
    return ((ph, ph), (pw, pw))


def conv_geometry(
    x_shape: tuple[int, ...], weight_shape: tuple[int, ...], stride: Any, padding: Any, dilation: Any,
    groups: Any,
) -> ConvGeometry:
    """Check a conv2d call's shapes and settings and return its `ConvGeometry` (clear errors otherwise)."""
    n, c_in, h, w = x_shape
    c_out, c_per_group, kh, kw = weight_shape
    if 0 in x_shape:
        raise ValueError(f"x must have no empty axis (N, C_in, H, W), got shape {x_shape}")
    if 0 in weight_shape:
        raise ValueError(f"weight must have no empty axis (C_out, C_in/groups, kH, kW), got {weight_shape}")
    groups = check_int(groups, "groups", minimum=1)
    _check_channels(c_in, c_out, c_per_group, groups)
    stride_ = as_pair(stride, "stride", minimum=1)
    dilation_ = as_pair(dilation, "dilation", minimum=1)
    pad = resolve_padding(padding, (kh, kw), stride_, dilation_)
    output = []
    for axis, size, kernel, (before, after), s, d in zip(
        ("height", "width"), (h, w), (kh, kw), pad, stride_, dilation_, strict=True
    ):
        span = d * (kernel - 1) + 1  # the dilated kernel's extent
        padded = size + before + after
        if span > padded:
            raise ValueError(
                f"kernel {axis} {kernel} (dilated to {span}) is larger than the padded input {axis} "
                f"{padded} (= {size} + padding {before} + {after}); use a smaller kernel or dilation, "
                "or more padding"
            )
        output.append((padded - span) // s + 1)
    return ConvGeometry(
        n, c_in, c_out, groups, (h, w), (kh, kw), stride_, pad, dilation_, (output[0], output[1])
    )


def _check_channels(c_in: int, c_out: int, c_per_group: int, groups: int) -> None:
    """Raise unless C_in and C_out split into `groups` and weight has C_in/groups input channels."""
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide x's channels C_in={c_in}")
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide weight's output channels C_out={c_out}")
    if c_per_group != c_in // groups:
        raise ValueError(
            f"weight has {c_per_group} input channels per group but x has C_in={c_in} channels in "
            f"{groups} group(s); weight must be (C_out, C_in/groups={c_in // groups}, kH, kW)"
        )


def pad_input(x: Array, geom: ConvGeometry) -> Array:
    """Zero-pad x (N, C, H, W) to (N, C, H + top + bottom, W + left + right)."""
    (top, bottom), (left, right) = geom.padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def im2col(x: Array, geom: ConvGeometry) -> Array:
    """Columns of every window of x (N, C, H, W): (C, kH, kW, N, H_out, W_out), one copy per kernel tap."""
    (top, _), (left, _) = geom.padding
    (h, w), (kh, kw) = geom.input_size, geom.kernel_size
    c, n = geom.in_channels, geom.batch
    # Channels first, so each tap's slice below is already in the columns' (C, N, ...) order.
    padded = np.zeros((c, n, *geom.padded_size), dtype=x.dtype)  # (C, N, H_pad, W_pad)
    padded[:, :, top : top + h, left : left + w] = x.transpose(1, 0, 2, 3)
    cols = np.empty((c, kh, kw, n, *geom.output_size), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            rows, columns = geom.offset_slices(i, j)
            cols[:, i, j] = padded[:, :, rows, columns]
    return cols


def col2im(cols: Array, geom: ConvGeometry) -> Array:
    """Add columns (C, kH, kW, N, H_out, W_out) back onto the input they came from: (N, C, H, W)."""
    (top, _), (left, _) = geom.padding
    (h, w), (kh, kw) = geom.input_size, geom.kernel_size
    padded = np.zeros((geom.in_channels, geom.batch, *geom.padded_size), dtype=cols.dtype)
    # Windows overlap, so a pixel collects from several taps: one slice-add per tap does the sum.
    for i in range(kh):
        for j in range(kw):
            rows, columns = geom.offset_slices(i, j)
            padded[:, :, rows, columns] += cols[:, i, j]
    inner = padded[:, :, top : top + h, left : left + w]  # drop the padding: (C, N, H, W)
    return np.ascontiguousarray(inner.transpose(1, 0, 2, 3))  # (N, C, H, W)
