"""The argument checks every convolution op shares: conv2d / conv1d and their transposes, fast and naive.

A call is checked in one order, whichever op it is: the arrays' ranks and values (`as_operands`), the
shapes (`check_groups`, then the op's own channel rule), the settings against the sizes (`window_over`, on
`convscope.geometry`), then one float dtype for everything in NCHW (`as_nchw`); a backward also checks
grad_output against the forward's output shape (`as_grad`). What differs between a convolution and its
transpose, the weight's layout and the output size, stays with them: ``im2col.conv_geometry`` and
``conv_transpose.transpose_geometry``. A 1-D op is its 2-D twin on images one pixel tall (`as_2d`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array, check_int
from convscope.geometry import AxisWindow, Window, as_window

Array = npt.NDArray[np.floating[Any]]
Layouts = tuple[str, str, str]  # how x, weight and grad_output are laid out, for error messages

CONV_LAYOUTS: dict[int, Layouts] = {
    1: ("(N, C_in, L)", "(C_out, C_in/groups, K)", "(N, C_out, L_out)"),
    2: ("(N, C_in, H, W)", "(C_out, C_in/groups, kH, kW)", "(N, C_out, H_out, W_out)"),
}
TRANSPOSE_LAYOUTS: dict[int, Layouts] = {
    1: ("(N, C_in, L)", "(C_in, C_out/groups, K)", "(N, C_out, L_out)"),
    2: ("(N, C_in, H, W)", "(C_in, C_out/groups, kH, kW)", "(N, C_out, H_out, W_out)"),
}


def as_operands(
    x: Any, weight: Any, ndim: int, layouts: Layouts, x_values: bool = True
) -> tuple[Array, Array]:
    """x and weight as finite float arrays with ``ndim`` spatial axes (3-D or 4-D), laid out as `layouts`.

    ``x_values=False``: x's values are the caller's to check (`convscope._validate.check_chunk`).

    Examples
    --------
    >>> x, w = as_operands([[[1, 2, 3]]], [[[1, 0]]], 1, CONV_LAYOUTS[1])
    >>> x.dtype, w.shape
    (dtype('float64'), (1, 1, 2))
    """
    return (as_array(x, "x", ndim=ndim + 2, layout=layouts[0], values=x_values),
            as_array(weight, "weight", ndim=ndim + 2, layout=layouts[1]))


def check_groups(
    x_shape: tuple[int, ...], weight_shape: tuple[int, ...], groups: Any, layouts: Layouts
) -> int:
    """Raise unless x and weight have no empty axis and `groups` divides x's channels; return groups.

    Examples
    --------
    >>> check_groups((2, 4, 5, 5), (6, 2, 3, 3), 2, CONV_LAYOUTS[2])
    2
    """
    if 0 in x_shape:
        raise ValueError(f"x must have no empty axis {layouts[0]}, got shape {x_shape}")
    if 0 in weight_shape:
        raise ValueError(f"weight must have no empty axis {layouts[1]}, got shape {weight_shape}")
    count = check_int(groups, "groups", minimum=1)
    if x_shape[1] % count:
        raise ValueError(f"groups={count} must divide x's channels C_in={x_shape[1]}")
    return count


def window_over(
    x_shape: tuple[int, ...], weight_shape: tuple[int, ...], stride: Any, padding: Any, dilation: Any,
    *, named_padding: bool = True,
) -> Window:
    """The window of weight's taps over x's sizes, its settings checked (`convscope.geometry.as_window`).

    1-D shapes give a 1-D window, so errors speak of the length; settings are then one int, not a pair.

    Examples
    --------
    >>> window_over((1, 1, 8), (1, 1, 3), 2, 1, 1).output_size
    (4,)
    """
    ndim = len(x_shape) - 2
    size, kernel = x_shape[2:], weight_shape[2:]
    sizes: tuple[Any, Any] = (tuple(size), tuple(kernel)) if ndim == 2 else (size[0], kernel[0])
    return as_window(sizes[0], sizes[1], stride, padding, dilation, ndim=ndim, named_padding=named_padding)


def plain_setting(value: Any) -> bool:
    """Whether a setting is exactly an int, a str or a tuple of ints: equal ones mean the same setting.

    (1, True) equals (1, 1) but must still be refused; a geometry is looked up only for plain settings.

    Examples
    --------
    >>> [plain_setting(v) for v in (1, (1, 2), "same", True, [1], (1, True))]
    [True, True, True, False, False, False]
    """
    kind = type(value)
    return kind is int or kind is str or (kind is tuple and all(type(v) is int for v in value))


def as_2d(win: Window) -> Window:
    """A 1-D window as the 2-D one over images one pixel tall ((N, C, L) viewed as (N, C, 1, L))."""
    return win if win.ndim == 2 else Window((AxisWindow(1, 1), *win.axes))


def as_nchw(x: Array, weight: Array, bias: Any, c_out: int) -> tuple[Array, Array, Array | None]:
    """Checked x and weight as 4-D (1-D ones one pixel tall), bias checked, all in one float dtype.

    Examples
    --------
    >>> x, w, b = as_nchw(np.ones((1, 1, 3), np.float32), np.ones((1, 1, 2)), [0], c_out=1)
    >>> x.shape, w.shape, b.dtype
    ((1, 1, 1, 3), (1, 1, 1, 2), dtype('float64'))
    """
    if x.ndim == 3:
        x, weight = x[:, :, None, :], weight[:, :, None, :]  # one pixel tall: (N, C, 1, L), (.., 1, K)
    dtype = np.result_type(x.dtype, weight.dtype)
    if bias is not None:
        bias = as_array(bias, "bias", ndim=1, layout="(C_out,)")
        if bias.shape[0] != c_out:
            raise ValueError(
                f"bias must have one value per output channel, C_out={c_out}, got shape {bias.shape}"
            )
        dtype = np.result_type(dtype, bias.dtype)
        bias = bias.astype(dtype, copy=False)
    return x.astype(dtype, copy=False), weight.astype(dtype, copy=False), bias


def as_grad(
    grad_output: Any, expected: tuple[int, ...], dtype: np.dtype[Any], layout: str, values: bool = True
) -> Array:
    """grad_output as a 4-D array of `dtype` (a 1-D one one pixel tall), if its shape is `expected`.

    ``values=False``: its values are the caller's to check (`convscope._validate.check_chunk`).

    Examples
    --------
    >>> as_grad(np.ones((1, 2, 3)), (1, 2, 3), np.dtype(np.float32), "(N, C_out, L_out)").shape
    (1, 2, 1, 3)
    """
    grad = as_array(grad_output, "grad_output", ndim=len(expected), layout=layout, values=values)
    if grad.shape != expected:
        raise ValueError(f"grad_output must have the forward output's shape {expected}, got {grad.shape}")
    grad = grad if grad.ndim == 4 else grad[:, :, None, :]  # (N, C_out, L_out) -> (N, C_out, 1, L_out)
    return grad.astype(dtype, copy=False)
