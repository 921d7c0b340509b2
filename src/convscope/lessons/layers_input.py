"""The Layers page's inputs: small volumes (C, H, W) in [0, 1] that a convolution layer reads with depth.

Three colour inputs (3 channels, 32 x 32) and one MNIST digit (1 channel, 28 x 28): a crop of a bundled
photo (the cat's face in scikit-image's "chelsea", CC0), and two made here deterministically from NumPy
and the bundled digits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convscope.data import DigitSource
from convscope.data.images import resize_area
from convscope.data.photos import bundled_photo
from convscope.errors import SettingError
from convscope.lessons.layers_records import LayersInputChoice

Volume = npt.NDArray[np.float64]  # (C, H, W)

COLOUR_SIDE = 32
RGB = ("red", "green", "blue")
# The three digits (class, example) drawn into the red, green and blue slices of "digits", and where.
_RGB_DIGITS = ((3, 0), (5, 0), (8, 1))
_RGB_SHIFTS = ((0, 0), (4, 2), (2, 4))


@dataclass(frozen=True, eq=False)
class InputVolume:
    """An input volume and the names of its slices."""

    name: str
    label: str
    channel_names: tuple[str, ...]
    values: Volume  # (C, H, W), floats in [0, 1]


def _shapes(source: DigitSource, digit: int, index: int) -> Volume:
    """A 32x32 colour picture: a red disc, a green square, a yellow bar and a blue triangle on a gradient."""
    rows, cols = np.mgrid[0:COLOUR_SIDE, 0:COLOUR_SIDE].astype(np.float64)  # (H, W) each
    t = rows / (COLOUR_SIDE - 1)
    image = np.stack([0.3 + 0.35 * t, 0.32 + 0.18 * t, 0.38 - 0.1 * t])  # (3, H, W): grey to sand
    shapes = [
        ((rows - 9.5) ** 2 + (cols - 9.5) ** 2 <= 36, (0.95, 0.15, 0.1)),  # disc, radius 6
        ((rows >= 18) & (rows <= 27) & (cols >= 3) & (cols <= 12), (0.15, 0.8, 0.2)),  # square
        (np.abs(rows + cols - 40) <= 1.5, (0.95, 0.85, 0.1)),  # bar from bottom left to top right
        ((rows >= 2) & (rows <= 14) & (np.abs(cols - 24) <= (rows - 2) * 0.6), (0.1, 0.3, 0.95)),
    ]
    for mask, colour in shapes:
        image[:, mask] = np.asarray(colour)[:, None]
    return image


# The cat's face in "chelsea" (300 x 451): a 300-pixel square around it, shrunk to 32 x 32 by area averaging.
_PHOTO, _PHOTO_TOP, _PHOTO_LEFT, _PHOTO_SIDE = "chelsea", 0, 60, 300


def _photo(source: DigitSource, digit: int, index: int) -> Volume:
    """A 32x32 colour crop of a bundled photo, one slice per RGB channel."""
    pixels = bundled_photo(_PHOTO)  # (H, W, 3) uint8
    crop = pixels[_PHOTO_TOP:_PHOTO_TOP + _PHOTO_SIDE, _PHOTO_LEFT:_PHOTO_LEFT + _PHOTO_SIDE] / 255.0
    return np.stack([resize_area(crop[:, :, c], COLOUR_SIDE) for c in range(3)])  # (3, 32, 32)


def _digits(source: DigitSource, digit: int, index: int) -> Volume:
    """Three MNIST digits, one per colour slice, shifted apart so that where they overlap colours mix."""
    image = np.zeros((3, COLOUR_SIDE, COLOUR_SIDE))
    for channel, ((number, example), (dr, dc)) in enumerate(zip(_RGB_DIGITS, _RGB_SHIFTS, strict=True)):
        image[channel, dr:dr + 28, dc:dc + 28] = source.original(number, example) / 255.0
    return image


def _digit(source: DigitSource, digit: int, index: int) -> Volume:
    """One 28x28 MNIST digit as a single slice: the depth-1 case."""
    return (source.original(digit, index) / 255.0)[None]  # (1, 28, 28)


_MAKERS: dict[str, tuple[str, str, tuple[str, ...], Callable[[DigitSource, int, int], Volume]]] = {
    "photo": ("Photo (a cat)", "A 32x32 colour crop of a bundled photograph (the cat's face from "
              "scikit-image's chelsea, CC0): real edges and textures in three slices.", RGB, _photo),
    "shapes": ("Colour shapes", "A 32x32 colour picture made by convscope: a red disc, a green square, a "
               "yellow bar and a blue triangle on a grey-to-sand gradient.", RGB, _shapes),
    "digits": ("Digits in colour", "Three bundled MNIST digits (3, 5, 8) in the red, green and blue slices "
               "of a 32x32 picture, shifted so their colours mix where they overlap.", RGB, _digits),
    "digit": ("One MNIST digit", "A bundled MNIST digit, 28x28, one channel of ink: filters one slice deep.",
              ("ink",), _digit),
}
INPUT_NAMES = tuple(_MAKERS)


def layers_input(
    name: str, *, source: DigitSource | None = None, digit: int = 3, index: int = 0
) -> InputVolume:
    """The named input volume; ``digit`` and ``index`` pick the example for ``"digit"``.

    Parameters
    ----------
    name : one of `INPUT_NAMES` ("photo", "shapes", "digits", "digit")
    source : where the digits come from (the bundled subset by default)
    digit, index : the MNIST class and example, for ``"digit"``

    Returns
    -------
    InputVolume
        ``values`` (C, H, W) in [0, 1]: (3, 32, 32) for the colour inputs, (1, 28, 28) for a digit.

    Raises
    ------
    SettingError
        ``input`` for an unknown name; ``index`` for an example that is not there.

    Examples
    --------
    >>> layers_input("shapes").values.shape, layers_input("digit", digit=7).channel_names
    ((3, 32, 32), ('ink',))
    """
    if name not in _MAKERS:
        raise SettingError("input", f"must be one of {', '.join(INPUT_NAMES)} (got {name!r})")
    label, _, channels, make = _MAKERS[name]
    values = make(source or DigitSource(), digit, index)
    if name == "digit":
        label = f"MNIST digit {digit} (example {index})"
    return InputVolume(name, label, channels, values)


def input_choices() -> list[LayersInputChoice]:
    """Every input the page offers, in menu order.

    Examples
    --------
    >>> [(c["name"], c["channels"], c["size"]) for c in input_choices()]
    [('photo', 3, [32, 32]), ('shapes', 3, [32, 32]), ('digits', 3, [32, 32]), ('digit', 1, [28, 28])]
    """
    sizes = {"photo": [COLOUR_SIDE] * 2, "shapes": [COLOUR_SIDE] * 2, "digits": [COLOUR_SIDE] * 2,
             "digit": [28, 28]}
    return [{"name": name, "label": label, "description": text, "channels": len(channels),
             "size": sizes[name]} for name, (label, text, channels, _) in _MAKERS.items()]
