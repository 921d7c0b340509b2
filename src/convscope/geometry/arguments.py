"""The edge: a user's sliding-window arguments, checked once, as a `Window`.

Public functions (the ops, the trace, the arithmetic) call these; everything below them trusts the
`Window` they return.
"""

from __future__ import annotations

from typing import Any

from convscope._validate import as_pair, check_int
from convscope.geometry.axis import same_padding
from convscope.geometry.window import AXIS_NAMES, Padding, Sizes, Window

__all__ = ["as_sizes", "as_window", "resolve_padding", "transposed_sizes"]


def as_sizes(value: Any, name: str, ndim: int, minimum: int, maximum: int | None = None) -> Sizes:
    """An int (the same on every axis) or, in 2-D, an (h, w) pair, checked: one int per axis.

    Examples
    --------
    >>> as_sizes(3, "kernel_size", ndim=2, minimum=1), as_sizes(3, "kernel_size", ndim=1, minimum=1)
    ((3, 3), (3,))
    """
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


def as_window(
    input_size: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *,
    ndim: int = 2, maximum: int | None = None, named_padding: bool = True,
) -> Window:
    """Check a user's sliding-window settings and build their `Window` (it may not fit: `require_fit`).

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
    >>> as_window(28, 5, padding="same").padding
    ((2, 2), (2, 2))
    >>> as_window(10, 3, stride=2, ndim=1).output_size
    (4,)
    >>> as_window(3, 5).require_fit()
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


def transposed_sizes(win: Window, output_padding: Any) -> Sizes:
    """Check ``output_padding`` against `win` and return the transposed convolution's output size per axis.

    ``O = (W - 1)S - 2P + D(K - 1) + output_padding + 1`` (`AxisWindow.transposed_size`). A stride-S
    convolution maps ``S`` input sizes to one output size, so ``output_padding`` (smaller than the stride
    or the dilation, as PyTorch allows) chooses among them; padding that crops every cell is refused.

    Examples
    --------
    >>> transposed_sizes(as_window(3, 3, stride=2, padding=1), 1)
    (6, 6)
    >>> transposed_sizes(as_window(3, 3, stride=2, ndim=1), 2)
    Traceback (most recent call last):
    ...
    ValueError: output_padding 2 along the length must be smaller than the stride (2) or the dilation (1); \
it only chooses between the input sizes a stride-2 convolution maps to the same output
    """
    extra = as_sizes(output_padding, "output_padding", win.ndim, 0)
    result = []
    for name, axis, added in zip(AXIS_NAMES[win.ndim], win.axes, extra, strict=True):
        s, d, p = axis.stride, axis.dilation, axis.padding[0]
        if added >= s and added >= d:
            raise ValueError(
                f"output_padding {added} along the {name} must be smaller than the stride ({s}) "
                f"or the dilation ({d}); it only chooses between the input sizes a stride-{s} "
                "convolution maps to the same output"
            )
        out = axis.transposed_size(added)
        if out < 1:
            most = (out + 2 * p - 1) // 2  # the padding that leaves one row
            raise ValueError(
                f"padding {p} crops away the whole output along the {name}: (W - 1)S - 2P + D(K - 1) "
                f"+ output_padding + 1 = {out}; use padding <= {most}"
            )
        result.append(out)
    return tuple(result)
