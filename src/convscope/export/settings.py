"""One playground export's settings: the input, the kernel and how it slides, checked once at the edge.

`PlaygroundSettings` is what ``convscope render``/``code``, the export routes and the notebook widget
share: it turns into the playground's own `Convolution` (so a figure is drawn from the very lesson the
page draws) and describes itself in one line for a figure's caption.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope.data import DigitSource
from convscope.errors import SettingError
from convscope.lessons.playground import (
    DEFAULT_KERNEL_SIZE,
    MAX_TRACE_VALUES,
    Convolution,
    PlaygroundLesson,
    convolution_lesson,
    kernel_weights,
)

Array = npt.NDArray[np.float64]
Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class PlaygroundSettings:
    """What the playground shows: an MNIST digit (or your own image) and one kernel with its settings.

    ``image`` replaces ``digit``/``index`` when given (a drawing or an uploaded array, values as drawn);
    ``kernel`` is a name from `convscope.kernels` or a matrix (rows of numbers).
    """

    digit: int = 3
    index: int = 0
    kernel: str | Matrix = "ones"
    kernel_size: int | None = None  # a named kernel's side (default 3); None for a matrix
    padding: int = 0
    stride: int = 1
    dilation: int = 1
    image: Matrix | None = None  # (H, W) your own input, instead of the digit

    @property
    def kernel_name(self) -> str | None:
        """The kernel's name, or None for a matrix."""
        return self.kernel if isinstance(self.kernel, str) else None

    def image_array(self, source: DigitSource | None = None) -> Array:
        """The (H, W) input: the image given, or the digit's 20x20 box in [0, 1] as the page shows it."""
        if self.image is not None:
            return np.asarray(self.image, dtype=np.float64)
        source = source or DigitSource()
        if not 0 <= self.index < source.count(self.digit):
            raise SettingError("index", f"must be 0..{source.count(self.digit) - 1} for the digit "
                               f"{self.digit}, got {self.index}")
        return source.crop(self.digit, self.index)

    def weights(self) -> Array:
        """The (kH, kW) kernel weights (a `SettingError` names an unknown kernel or size)."""
        spec = self.kernel if isinstance(self.kernel, str) else np.asarray(self.kernel, dtype=np.float64)
        return kernel_weights(spec, self.kernel_size)[0]

    def convolution(self, source: DigitSource | None = None) -> Convolution:
        """The playground's `Convolution` for these settings."""
        return Convolution(self.image_array(source), self.weights(), self.kernel_name,
                           self.padding, self.stride, self.dilation)

    def describe(self) -> str:
        """One line for a caption, e.g. ``digit 3 #0 · Sobel x 3x3 · padding 1 · stride 1 · dilation 1``.

        Examples
        --------
        >>> PlaygroundSettings(kernel="sobel_x", padding=1).describe()
        'digit 3 (example 0) · kernel sobel_x 3x3 · padding 1 · stride 1 · dilation 1'
        """
        if self.image is None:
            source = f"digit {self.digit} (example {self.index})"
        else:
            source = f"your {len(self.image)}x{len(self.image[0])} image"
        if isinstance(self.kernel, str):
            size = self.kernel_size or DEFAULT_KERNEL_SIZE
            kernel = f"kernel {self.kernel} {size}x{size}"
        else:
            kernel = f"custom {len(self.kernel)}x{len(self.kernel[0])} kernel"
        return (f"{source} · {kernel} · padding {self.padding} · stride {self.stride} · "
                f"dilation {self.dilation}")


def playground_lesson(settings: PlaygroundSettings, source: DigitSource | None = None,
                      max_trace_values: int = MAX_TRACE_VALUES) -> PlaygroundLesson:
    """The playground's lesson for ``settings``: exactly what the page draws for them.

    Examples
    --------
    >>> playground_lesson(PlaygroundSettings(kernel="sobel_x", padding=1))["output_size"]
    [20, 20]
    """
    return convolution_lesson(settings.convolution(source), max_trace_values)


def settings_from_request(request: Mapping[str, Any]) -> PlaygroundSettings:
    """Settings from the playground's request as the page sends it (a ``ConvolveRequest`` as a dict).

    For callers without the server's request model (the notebook widget): each field is checked here.

    Examples
    --------
    >>> settings_from_request({"digit": 7, "kernel": "box", "kernel_size": 2, "padding": 1}).describe()
    'digit 7 (example 0) · kernel box 2x2 · padding 1 · stride 1 · dilation 1'
    """
    def whole(name: str, default: int | None, low: int) -> Any:
        value = request.get(name, default)
        if value is None and default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise SettingError(name, f"must be a whole number >= {low}, got {value!r}")
        return value

    kernel = request.get("kernel", "ones")
    image = request.get("image")
    return PlaygroundSettings(
        digit=whole("digit", 3, 0), index=whole("index", 0, 0),
        kernel=kernel if isinstance(kernel, str) else as_matrix(kernel, "kernel"),
        kernel_size=whole("kernel_size", None, 1), padding=whole("padding", 0, 0),
        stride=whole("stride", 1, 1), dilation=whole("dilation", 1, 1),
        image=None if image is None else as_matrix(image),
    )


def as_matrix(values: npt.ArrayLike, field: str = "image") -> Matrix:
    """A 2-D array as nested tuples of floats, the hashable form `PlaygroundSettings` keeps.

    Examples
    --------
    >>> as_matrix([[1, 0], [0, -1]])
    ((1.0, 0.0), (0.0, -1.0))
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise SettingError(field, "must be a rectangular 2-D list of numbers") from None
    if array.ndim != 2 or array.size == 0 or not np.isfinite(array).all():
        raise SettingError(field, f"must be a non-empty 2-D array of finite numbers, got shape {array.shape}")
    return tuple(tuple(float(v) for v in row) for row in array)
