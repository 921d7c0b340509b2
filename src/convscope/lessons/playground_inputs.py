"""The playground's inputs besides a drawing: an MNIST digit at any size, and the textbooks' small inputs.

A teacher works the first examples by hand on tiny grids (a 7x7 input slid over by a 3x3 kernel at
stride 1, 2 and 3, as in CS231n's notes; the 5x5 binary image and 3x3 binary kernel of the UFLDL
tutorial's convolution figure), then moves to real digits. Both come from here, by name or by size, so
the page and a notebook convolve the same numbers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from convscope.data import DigitSource, as_unit, crop_digit
from convscope.data.images import resize_area
from convscope.errors import SettingError

Array = npt.NDArray[np.float64]

DIGIT_BOX = 20  # MNIST fits every digit's ink into a 20x20 box: the playground's default input
MIN_INPUT_SIDE, MAX_INPUT_SIDE = 5, 28  # 28: the whole MNIST image

# A 7x7 frame with a bar down its middle: edges a 3x3 kernel finds, counts small enough to check by hand.
_FRAME7 = [
    [0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 1, 0],
    [0, 1, 0, 1, 0, 1, 0],
    [0, 1, 0, 1, 0, 1, 0],
    [0, 1, 0, 1, 0, 1, 0],
    [0, 1, 1, 1, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 0],
]
# UFLDL's "Feature extraction using convolution" figure: convolved with BINARY_KERNEL (no padding,
# stride 1) it gives [[4, 3, 4], [2, 4, 3], [2, 3, 4]].
_BINARY5 = [
    [1, 1, 1, 0, 0],
    [0, 1, 1, 1, 0],
    [0, 0, 1, 1, 1],
    [0, 0, 1, 1, 0],
    [0, 1, 1, 0, 0],
]
BINARY_KERNEL = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]

TEXTBOOK_INPUTS: dict[str, list[list[int]]] = {"frame7": _FRAME7, "binary5": _BINARY5}


def textbook_input(name: str) -> Array:
    """One of the textbooks' small inputs by name (``frame7``: 7x7, ``binary5``: 5x5), as floats.

    Examples
    --------
    >>> textbook_input("binary5").shape
    (5, 5)
    """
    if name not in TEXTBOOK_INPUTS:
        raise SettingError("example", f"unknown name {name!r}; choose one of {', '.join(TEXTBOOK_INPUTS)}")
    return np.asarray(TEXTBOOK_INPUTS[name], dtype=np.float64)


def digit_at_size(source: DigitSource, number: int, index: int, side: int = DIGIT_BOX) -> Array:
    """An MNIST digit as a ``side`` x ``side`` input with values in [0, 1].

    From 20 up, the window of that side around the ink (28: the whole MNIST image, margins included);
    below 20, the digit's 20x20 box shrunk by area averaging, so a small input still holds the whole digit.

    Examples
    --------
    >>> digit_at_size(DigitSource(), 3, 0, 7).shape, digit_at_size(DigitSource(), 3, 0, 28).shape
    ((7, 7), (28, 28))
    >>> bool((digit_at_size(DigitSource(), 3, 0) == DigitSource().crop(3, 0)).all())
    True
    """
    if not MIN_INPUT_SIDE <= side <= MAX_INPUT_SIDE:
        raise SettingError("input_size", f"must be {MIN_INPUT_SIDE}..{MAX_INPUT_SIDE} (got {side})")
    if side >= DIGIT_BOX:
        return as_unit(crop_digit(source.original(number, index), side))
    return resize_area(source.crop(number, index), side)
