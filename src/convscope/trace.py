"""The step-by-step record of a kernel sliding over an image: what the playground animates.

The naive loop of a 2-D convolution (cross-correlation, as in every deep-learning framework) visits the
output positions row by row; at each one it lays the kernel over a window of the zero-padded image,
multiplies the overlapping numbers and adds the products up. `trace_convolution` records each visit as a
JSON-ready dict. `trace_convolution_naive` is that loop written out plainly; the fast version builds the
same lists with array indexing and is tested equal to it, and both agree with ``torch.nn.functional.conv2d``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array, as_pair
from convscope.geometry import Window, as_window
from convscope.ops.conv import forward
from convscope.ops.im2col import ConvGeometry
from convscope.records import TraceStep

__all__ = ["convolution_output", "pad_image", "trace_convolution", "trace_convolution_naive", "trace_sums"]

Array = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Step = TraceStep  # one window: its output cell, taps, padding flags, values, products and sum
# A traced tap costs ~200 bytes of Python objects: 2**21 taps (~400 MB) is past anything worth animating
# (the playground's largest, a 64x64 image with a 15x15 kernel and padding 16, has 1,512,900) but refuses
# the gigabytes a photograph would take. pad_image is bounded at 2**24 cells (128 MB of float64).
MAX_TAPS = 2**21
MAX_PADDED_CELLS = 2**24


def pad_image(image: Any, padding: Any) -> Array:
    """The image with ``padding`` rows of zeros above and below and columns left and right.

    Parameters
    ----------
    image : (H, W) array_like
    padding : int or (int, int)
        Zeros on each side, >= 0: ``(pH, pW)``.

    Returns
    -------
    (H + 2 pH, W + 2 pW) ndarray of float64

    Examples
    --------
    >>> pad_image([[1, 2]], (1, 0))
    array([[0., 0.],
           [1., 2.],
           [0., 0.]])
    """
    img = _as_image(image, "image", "(H, W)")
    ph, pw = as_pair(padding, "padding", minimum=0)
    h, w = img.shape[0] + 2 * ph, img.shape[1] + 2 * pw
    if h * w > MAX_PADDED_CELLS:
        raise ValueError(
            f"padding ({ph}, {pw}) makes a {h}×{w} padded image ({h * w:,} cells); "
            f"at most {MAX_PADDED_CELLS:,} are allowed: use less padding"
        )
    return np.pad(img, ((ph, ph), (pw, pw)))


def convolution_output(
    image: Any, kernel: Any, padding: Any = 0, stride: Any = 1, dilation: Any = 1
) -> Array:
    """The whole output of the traced convolution: ``output[r, c]`` is step ``r * W_out + c``'s sum.

    This is ``convscope.ops.conv.conv2d`` on a single image and kernel; the step sums of
    `trace_convolution` add the same products one at a time, so they agree with it to rounding (~1e-15).

    Parameters
    ----------
    image : (H, W) array_like
    kernel : (kH, kW) array_like
    padding, stride, dilation : int or (int, int)
        As in ``torch.nn.functional.conv2d``.

    Returns
    -------
    (H_out, W_out) ndarray of float64
        Sizes by PyTorch's floor rule (`convscope.geometry.AxisWindow.output_size`).

    Examples
    --------
    >>> convolution_output(np.arange(9.0).reshape(3, 3), np.ones((2, 2)))
    array([[ 8., 12.],
           [20., 24.]])
    """
    img, k, win = _prepare(image, kernel, padding, stride, dilation)
    out = forward(img[None, None], k[None, None], None, ConvGeometry(1, 1, 1, 1, win))  # (1, 1, H_out, W_out)
    return np.asarray(out[0, 0], dtype=np.float64)


def trace_convolution(
    image: Any, kernel: Any, padding: Any = 0, stride: Any = 1, dilation: Any = 1
) -> list[Step]:
    """Every window the naive cross-correlation loop visits, in row-major order, as JSON-ready dicts.

    Parameters
    ----------
    image : (H, W) array_like
    kernel : (kH, kW) array_like
    padding, stride, dilation : int or (int, int)
        As in ``torch.nn.functional.conv2d`` (``dilation=1`` is no dilation). When the windows do not tile
        the padded image exactly, the last rows/columns are left out (PyTorch's floor rule).

    Returns
    -------
    list of dict
        ``H_out * W_out`` steps, step ``r * W_out + c`` being::

            {"out": [r, c],                      # output position
             "positions": [[pr, pc], ...],       # kH*kW taps in padded coordinates, kernel row-major
             "padding": [bool, ...],             # True where the tap is on a padding cell (value 0)
             "values": [float, ...],             # padded[pr][pc] for each tap
             "products": [float, ...],           # value * weight, same order
             "sum": float}                       # the products added in order = output[r][c]

        with ``pr = r*stride + i*dilation`` and ``pc = c*stride + j*dilation`` for kernel tap (i, j).
        Only Python ints, floats, bools and lists, so ``json.dumps`` takes it as is; no negative zeros.

    Raises
    ------
    ValueError
        If the (dilated) kernel does not fit the padded image (message from
        `convscope.geometry.Window.require_fit`), an array is not 2-D, empty or not finite, or the trace would
        hold more than ``MAX_TAPS`` (2**21) taps (use `convolution_output` for the numbers alone).

    Examples
    --------
    >>> steps = trace_convolution([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], padding=(0, 1))
    >>> len(steps)
    4
    >>> steps[0]
    {'out': [0, 0], 'positions': [[0, 0], [0, 1], [1, 0], [1, 1]], 'padding': [True, False, True, False], \
'values': [0.0, 1.0, 0.0, 4.0], 'products': [0.0, 0.0, 0.0, -4.0], 'sum': -4.0}
    """
    img, k, win = _prepare(image, kernel, padding, stride, dilation)
    (oh, ow), (kh, kw) = win.output_size, k.shape
    _check_taps(oh * ow * kh * kw)
    pr, pc, values, products, sums = _taps(img, k, win)
    height, width = win.axes
    in_pad_row, in_pad_col = ~height.reads_input(), ~width.reads_input()  # (H_out, kH), (W_out, kW)
    flags = (in_pad_row[:, None, :, None] | in_pad_col[None, :, None, :]).reshape(oh * ow, kh * kw)
    positions = np.stack([pr, pc], axis=-1).reshape(oh * ow, kh * kw, 2)  # (L, K, 2)
    outs = np.stack(np.divmod(np.arange(oh * ow), ow), axis=-1)  # (L, 2): (r, c) row-major
    steps: list[Step] = [
        {"out": o, "positions": q, "padding": f, "values": v, "products": m, "sum": t}
        for o, q, f, v, m, t in zip(
            outs.tolist(),
            positions.tolist(),
            flags.tolist(),
            values.tolist(),
            products.tolist(),
            sums.tolist(),
            strict=True,
        )
    ]
    return steps


def trace_sums(image: Any, kernel: Any, padding: Any = 0, stride: Any = 1, dilation: Any = 1) -> Array:
    """The sums `trace_convolution` records, as an (H_out, W_out) array, without its per-tap lists.

    Each is its window's products added one at a time in kernel row-major order, exactly as the trace
    (and the page's animation) adds them, so ``trace_sums(...)[r, c]`` equals step ``r * W_out + c``'s
    ``"sum"`` bit for bit (`convolution_output` may differ in the last bit: it adds in another order).

    Examples
    --------
    >>> trace_sums([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -1]], padding=(0, 1))
    array([[-4., -4., -4.,  3.]])
    """
    img, k, win = _prepare(image, kernel, padding, stride, dilation)
    (oh, ow), (kh, kw) = win.output_size, k.shape
    _check_taps(oh * ow * kh * kw)
    return _taps(img, k, win)[4].reshape(oh, ow)


def trace_convolution_naive(
    image: Any, kernel: Any, padding: Any = 0, stride: Any = 1, dilation: Any = 1
) -> list[Step]:
    """`trace_convolution` as the plain nested loop it records (the definition; slow, for testing).

    Examples
    --------
    >>> trace_convolution_naive([[1, 2], [3, 4]], [[1, 1]])[1]["sum"]
    7.0
    """
    img, k, win = _prepare(image, kernel, padding, stride, dilation)
    (H, W), (kh, kw), (oh, ow) = img.shape, k.shape, win.output_size
    s, d, p = win.stride, win.dilation, [before for before, _ in win.padding]
    _check_taps(oh * ow * kh * kw)
    steps = []
    for r in range(oh):
        for c in range(ow):
            step: Step = {
                "out": [r, c], "positions": [], "padding": [], "values": [], "products": [], "sum": 0.0
            }
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    pr, pc = r * s[0] + i * d[0], c * s[1] + j * d[1]
                    y, x = pr - p[0], pc - p[1]  # the same cell in image coordinates
                    outside = not (0 <= y < H and 0 <= x < W)
                    value = 0.0 if outside else float(img[y, x])
                    product = value * float(k[i, j]) + 0.0
                    total += product
                    step["positions"].append([pr, pc])
                    step["padding"].append(outside)
                    step["values"].append(value)
                    step["products"].append(product)
            step["sum"] = total
            steps.append(step)
    return steps


def _taps(img: Array, k: Array, win: Window) -> tuple[Ints, Ints, Array, Array, Array]:
    """Each tap's padded row and column (H_out, W_out, kH, kW), value and product (L, K); the sums (L,)."""
    (oh, ow), (kh, kw) = win.output_size, k.shape
    height, width = win.axes
    rows = height.taps() + height.padding[0]  # (H_out, kH) padded row of each tap
    cols = width.taps() + width.padding[0]  # (W_out, kW)
    pr = np.broadcast_to(rows[:, None, :, None], (oh, ow, kh, kw))  # (H_out, W_out, kH, kW)
    pc = np.broadcast_to(cols[None, :, None, :], (oh, ow, kh, kw))
    values = np.pad(img, win.padding)[pr, pc].reshape(oh * ow, kh * kw)  # (L, K)
    products = values * k.reshape(-1) + 0.0  # (L, K); "+ 0.0" turns -0.0 into 0.0 for display
    sums = np.zeros(oh * ow)
    for j in range(kh * kw):  # add the products one at a time, in the order the loop (and the page) does
        sums += products[:, j]
    return pr, pc, values, products, sums


def _check_taps(taps: int) -> None:
    """Refuse a trace too large to hold in memory, saying how large it would be."""
    if taps > MAX_TAPS:
        raise ValueError(
            f"the trace would record {taps:,} taps (H_out × W_out × kH × kW); at most {MAX_TAPS:,} are "
            "allowed: use a smaller image, a larger stride, or convolution_output for the numbers alone"
        )


def _as_image(x: Any, name: str, layout: str) -> Array:
    """A checked, non-empty 2-D float64 array."""
    arr = as_array(x, name, 2, layout=layout)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr.astype(np.float64, copy=False)


def _prepare(
    image: Any, kernel: Any, padding: Any, stride: Any, dilation: Any
) -> tuple[Array, Array, Window]:
    """Checked image and kernel, and their window (padding the same on both sides), which must fit."""
    img = _as_image(image, "image", "(H, W)")
    k = _as_image(kernel, "kernel", "(kH, kW)")
    # Raises a ValueError that explains a misfit, with the fixes.
    return img, k, as_window(img.shape, k.shape, stride, padding, dilation, named_padding=False).require_fit()
