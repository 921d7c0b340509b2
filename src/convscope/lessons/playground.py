"""The convolution playground: one convolution, its arithmetic explained, every window ready to trace.

Settings that do not tile the input are an answer (``valid: false``, with reasons and the nearest valid
settings), not an error: a learner asks exactly that question. Only what the page cannot show raises a
`SettingError`: an unknown kernel, a trace too long to animate, values whose products overflow.

The answer holds the padded input, the kernel and the output; each window's positions, values and
products follow from them exactly (`convscope.lessons.playground_steps`, and its twin on the page), so
they are not sent: the default answer is 20 KB instead of 148 KB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.arithmetic import explain_convolution
from convscope.data import DigitSource, as_unit
from convscope.errors import SettingError
from convscope.kernels import KERNELS, kernel, kernel_catalogue
from convscope.records import Explanation, Grid, KernelRecord
from convscope.trace import pad_image, trace_sums

Array = npt.NDArray[np.float64]

DEFAULT_KERNEL_SIZE = 3
MAX_TRACE_VALUES = 250_000  # windows x kernel taps: the page derives each window; past this it would not play
_DIVERGING = {info.name: info.diverging for info in KERNELS}


class PlaygroundLesson(TypedDict):
    """What the playground draws: input, padded input, kernel, output and the explanation.

    Window ``i`` (row-major, one per output cell) is derived from these: `playground_steps.window_step`.
    """

    input: Grid
    """H x W input image."""
    padded: Grid
    """(H+2P) x (W+2P) zero-padded input."""
    kernel: Grid
    """kH x kW weights."""
    kernel_name: str | None
    """The kernel's name, or null for a matrix you sent."""
    diverging: bool
    """True when a diverging colour scale is advised (negative values)."""
    output: Grid
    """oH x oW cross-correlation (PyTorch's conv2d); [] when it does not fit. Cell [r][c] is window
    r*oW+c's products added one at a time in kernel row-major order (the animation's sum)."""
    output_size: list[int] | None
    """[oH, oW]; null when the kernel does not fit."""
    output_range: list[float] | None
    """[min, max] of the output; null when empty."""
    valid: bool
    """Same as explanation.valid."""
    explanation: Explanation


class DigitLesson(TypedDict):
    """One real MNIST digit: the 20x20 box the playground convolves and the full 28x28 image."""

    number: int
    """The digit class, 0..9."""
    index: int
    """Which example of that class."""
    count: int
    """How many examples of that class there are (valid indices: 0..count-1)."""
    image: Grid
    """The digit's 20x20 box (convscope.data.crop_digit), floats in [0, 1]."""
    original: Grid
    """The full 28x28 MNIST image, floats in [0, 1]."""


@dataclass(frozen=True, eq=False)
class Convolution:
    """One playground setting: the image, the kernel and how it slides (already checked at the edge)."""

    image: Array  # (H, W)
    weights: Array  # (kH, kW)
    kernel_name: str | None = None  # a name from convscope.kernels, or None for a matrix
    padding: int = 0
    stride: int = 1
    dilation: int = 1


def digit_lesson(source: DigitSource, number: int, index: int = 0) -> DigitLesson:
    """The ``index``-th example of ``number`` from ``source``, as the playground shows it.

    Examples
    --------
    >>> lesson = digit_lesson(DigitSource(), 3)
    >>> np.shape(lesson["image"]), np.shape(lesson["original"])
    ((20, 20), (28, 28))
    """
    original = source.original(number, index)
    return {
        "number": number,
        "index": index,
        "count": source.count(number),
        "image": source.crop(number, index).tolist(),
        "original": as_unit(original).tolist(),
    }


def kernel_weights(spec: str | Array, kernel_size: int | None = None) -> tuple[Array, str | None]:
    """The (kH, kW) weights for a kernel name or matrix, and the name (None for a matrix).

    A `SettingError` names ``kernel`` for an unknown name and ``kernel_size`` for a size the kernel does
    not come in, or one that contradicts the matrix.

    Examples
    --------
    >>> weights, name = kernel_weights("box", 2)
    >>> weights.shape, name
    ((2, 2), 'box')
    """
    if isinstance(spec, str):
        if spec not in _DIVERGING:
            raise SettingError("kernel", f"unknown name {spec!r}; choose one of {', '.join(_DIVERGING)}")
        try:
            return kernel(spec, kernel_size or DEFAULT_KERNEL_SIZE), spec
        except ValueError as err:  # "kernel 'sharpen' comes in sizes [3], got size=5"
            raise SettingError("kernel_size", str(err)) from None
    weights: Array = np.asarray(spec, dtype=np.float64)  # (kH, kW)
    kh, kw = weights.shape
    if kernel_size is not None and (kh, kw) != (kernel_size, kernel_size):
        hint = f"omit it or send {kh}" if kh == kw else "omit it (the matrix is not square)"
        raise SettingError("kernel_size", f"{kernel_size} does not match the {kh}x{kw} kernel matrix; {hint}")
    return weights, None


def convolution_lesson(setting: Convolution, max_trace_values: int = MAX_TRACE_VALUES) -> PlaygroundLesson:
    """Slide the kernel over the image: the output, the size arithmetic and every window's dot product.

    Parameters
    ----------
    setting : the image, kernel, padding, stride and dilation
    max_trace_values : refuse (``SettingError`` on ``body``) a trace of more windows x taps than this

    Returns
    -------
    PlaygroundLesson
        ``valid: false`` with the reasons and suggestions when the windows do not tile the input; no
        output (and so no windows) when the kernel does not fit at all.

    Examples
    --------
    >>> three = DigitSource().crop(3, 0)
    >>> lesson = convolution_lesson(Convolution(three, np.ones((3, 3)), padding=1))
    >>> lesson["output_size"], bool(np.isclose(lesson["output"][10][10], three[9:12, 9:12].sum()))
    ([20, 20], True)
    >>> convolution_lesson(Convolution(three, np.ones((3, 3)), stride=2))["explanation"]["reasons"][0][:40]
    '20 - 3 + 2×0 = 17 is not a multiple of t'
    """
    image, weights = setting.image, setting.weights
    explanation = explain_convolution(image.shape, weights.shape, setting.padding, setting.stride,
                                      setting.dilation)
    output: Grid = []
    size = explanation["output_size"]
    if explanation["fits"] and size is not None:
        _check_traceable(image, weights, (size[0], size[1]), max_trace_values)
        # The traced sums themselves, so each animated dot product is exactly its cell.
        output = trace_sums(image, weights, setting.padding, setting.stride, setting.dilation).tolist()
    flat = [v for row in output for v in row]
    return {
        "input": image.tolist(),
        "padded": pad_image(image, setting.padding).tolist(),
        "kernel": weights.tolist(),
        "kernel_name": setting.kernel_name,
        "diverging": _diverging(setting),
        "output": output,
        "output_size": size,
        "output_range": [min(flat), max(flat)] if flat else None,
        "valid": explanation["valid"],
        "explanation": explanation,
    }


def trace_taps(setting: Convolution) -> int:
    """How many taps (windows x kernel taps) `convolution_lesson` would trace; 0 when the kernel does not fit.

    Examples
    --------
    >>> trace_taps(Convolution(np.zeros((20, 20)), np.ones((3, 3))))
    2916
    """
    explanation = explain_convolution(setting.image.shape, setting.weights.shape, setting.padding,
                                      setting.stride, setting.dilation)
    size = explanation["output_size"]
    return size[0] * size[1] * setting.weights.size if explanation["fits"] and size is not None else 0


def kernels() -> list[KernelRecord]:
    """Every named kernel the playground offers, in menu order.

    Examples
    --------
    >>> kernels()[0]["name"]
    'ones'
    """
    return kernel_catalogue()


def _check_traceable(image: Array, weights: Array, out: tuple[int, int], limit: int) -> None:
    """Refuse a trace too long to send, or values whose products would overflow to infinity."""
    (oh, ow), taps = out, weights.size
    if oh * ow * taps > limit:
        raise SettingError(
            "body", f"this trace would hold {oh}x{ow} windows x {taps} kernel taps = {oh * ow * taps:,} "
            f"values (limit {limit:,}); raise stride, or use a smaller kernel, padding or image"
        )
    # Python floats overflow to inf quietly; a finite bound means no product or sum can overflow.
    if not math.isfinite(float(np.abs(image).max()) * float(np.abs(weights).max()) * taps):
        raise SettingError("body", "image and kernel values are so large that their products overflow")


def _diverging(setting: Convolution) -> bool:
    """A two-sided colour scale when the kernel is known to be signed, or any value is negative."""
    if setting.kernel_name is not None:
        return _DIVERGING[setting.kernel_name]
    return bool(setting.weights.min() < 0 or setting.image.min() < 0)
