"""Digit images: cropping an MNIST digit, and turning a drawing into an MNIST-style 28x28 input.

MNIST was made like this (LeCun, Cortes, Burges): each scanned digit was scaled, keeping its aspect
ratio, to fit a 20x20 box (anti-aliasing gave grey levels), then placed in a 28x28 field so that its
centre of mass sits at the centre. `to_mnist` repeats those steps on a user's drawing and keeps every
stage, so a page can show the whole journey; LeNet-5 then reads it padded to 32x32.

The centring target was measured on the bundled digits, not guessed: in pixel-index coordinates
(rows and columns 0..27) every MNIST centre of mass lies within half a pixel of (14, 14), spread
evenly, which is what an integer shift aiming at (14, 14) produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convscope._validate import as_array, check_int

__all__ = ["MnistPreprocessing", "crop_digit", "resize_area", "to_mnist"]

FloatImage = npt.NDArray[np.float64]
Box = tuple[int, int, int, int]

BOX_SIZE = 20  # MNIST fits each digit into a 20x20 box ...
FIELD_SIZE = 28  # ... inside a 28x28 field ...
CENTRE = 14.0  # ... with the centre of mass at row/column 14 (pixel-index coordinates)
LENET_PAD = 2  # LeNet-5 reads 32x32: the 28x28 field plus 2 blank pixels on every side
MAX_SIDE = 1024


@dataclass(frozen=True, eq=False)
class MnistPreprocessing:
    """Every stage of turning a drawing into an MNIST-style digit, as floats in [0, 1] for display.

    Attributes
    ----------
    drawing : (H, W) float64
        The input, scaled to [0, 1].
    box : (top, bottom, left, right) or None
        The ink's bounding box in the drawing, half-open like a slice; None when the drawing is empty.
    cropped : (h, w) float64
        ``drawing[top:bottom, left:right]``; shape (0, 0) when empty.
    fitted : (20, w') or (h', 20) float64
        ``cropped`` resized by area averaging so its longer side is 20, keeping the aspect ratio;
        all zeros (20, 20) when empty.
    offset : (row, col)
        Where ``fitted``'s top-left corner lands in the 28x28 field.
    centred : (28, 28) float64
        ``fitted`` shifted by whole pixels so its centre of mass is as close to (14, 14) as possible.
    padded : (32, 32) float64
        ``centred`` with a blank 2-pixel border: LeNet-5's input.
    empty : bool
        True when the drawing holds (almost) no ink; the later stages are then blank, not a guess.
    """

    drawing: FloatImage
    box: Box | None
    cropped: FloatImage
    fitted: FloatImage
    offset: tuple[int, int]
    centred: FloatImage
    padded: FloatImage
    empty: bool


def crop_digit(image28: npt.ArrayLike, size: int = 20) -> npt.NDArray[Any]:
    """Return the ``size`` x ``size`` window around a digit's ink.

    MNIST digits fit a 20x20 box, but centring by centre of mass moves that box around inside the
    28x28 image, so it is not always rows 4..23. This finds the bounding box of the nonzero pixels
    and takes the window centred on it, moved (clamped) to stay inside the image. If the ink is
    wider or taller than ``size``, the window is centred on the ink and cuts it as evenly as possible
    on both sides. A blank image gives its central window.

    Parameters
    ----------
    image28 : (H, W) array
        Usually a (28, 28) uint8 MNIST digit; any dtype, values >= 0 expected.
    size : int, default 20
        The window's side, from 1 to min(H, W).

    Returns
    -------
    (size, size) array
        A copy, same dtype as ``image28``.

    Examples
    --------
    >>> from convscope.data import digit
    >>> image = digit(1)
    >>> crop_digit(image).shape
    (20, 20)
    >>> int(crop_digit(image).sum()) == int(image.sum())  # MNIST's ink always fits in 20x20
    True
    """
    as_array(image28, "image28", ndim=2, layout="(H, W)")
    image = np.asarray(image28)
    size = check_int(size, "size", minimum=1, maximum=min(image.shape))
    box = _ink_box(image, 0.0)
    if box is None:
        top, left = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2
    else:
        top = _window_start(box[0], box[1], size, image.shape[0])
        left = _window_start(box[2], box[3], size, image.shape[1])
    return image[top : top + size, left : left + size].copy()


def resize_area(image: npt.ArrayLike, side: int) -> FloatImage:
    """Resize an (H, W) image with values in [0, 1] to ``side`` x ``side`` by area averaging.

    The box filter MNIST's own scaling used: shrinking keeps the mean ink, with grey edges, not aliasing.

    Examples
    --------
    >>> resize_area(np.ones((20, 20)), 7).shape
    (7, 7)
    """
    values = as_array(image, "image", ndim=2, layout="(H, W)").astype(np.float64)
    side = check_int(side, "side", minimum=1, maximum=MAX_SIDE)
    return _resize_area(values, (side, side))


def to_mnist(
    image: npt.ArrayLike, *, threshold: float = 0.0, min_ink: float = 0.001, require_ink: bool = False
) -> MnistPreprocessing:
    """Preprocess a drawing the way MNIST's digits were: crop, fit into 20x20, centre in 28x28, pad.

    Steps: the bounding box of the pixels brighter than ``threshold``; the drawing cropped to it; an
    aspect-preserving resize so the longer side is 20 (area averaging, i.e. each output pixel is the
    mean of the input it covers, which anti-aliases like MNIST's grey edges); a whole-pixel shift
    that puts the centre of mass at (14, 14) of a 28x28 field (integer, so no resampling blur; moved
    back only if the shift would push ink off the field); and a 2-pixel border for LeNet's 32x32.

    Parameters
    ----------
    image : (H, W) array
        A white-on-black drawing of any size up to 1024 per side (a 280x280 canvas, a 20x20 grid,
        an MNIST digit). Integer arrays are read as 0-255, floating-point and boolean ones as [0, 1].
    threshold : float, default 0.0
        Pixels strictly brighter than this (on the [0, 1] scale) count as ink for the bounding box.
    min_ink : float, default 0.001
        The drawing is empty when its total ink (sum of pixel values) is below ``min_ink`` times its
        area, or nothing is brighter than ``threshold``: for 280x280, under about 78 full pixels.
    require_ink : bool, default False
        Raise ValueError for an empty drawing instead of returning ``empty=True``.

    Returns
    -------
    MnistPreprocessing
        Every stage, floats in [0, 1].

    Examples
    --------
    >>> canvas = np.zeros((280, 280))
    >>> canvas[40:240, 120:160] = 1.0  # a thick vertical stroke: a "1"
    >>> steps = to_mnist(canvas)
    >>> steps.box, steps.fitted.shape, steps.centred.shape, steps.padded.shape
    ((40, 240, 120, 160), (20, 4), (28, 28), (32, 32))
    >>> to_mnist(np.zeros((280, 280))).empty
    True
    """
    drawing = _as_unit_image(image)
    threshold = _check_fraction(threshold, "threshold")
    min_ink = _check_fraction(min_ink, "min_ink")
    box = _ink_box(drawing, threshold)
    if box is None or drawing.sum() < min_ink * drawing.size:
        if require_ink:
            raise ValueError(
                f"the drawing is blank: total ink {drawing.sum():.3g} is below min_ink * area = "
                f"{min_ink * drawing.size:.3g}, or no pixel is brighter than threshold={threshold}"
            )
        return _empty_result(drawing)
    cropped = drawing[box[0] : box[1], box[2] : box[3]].copy()
    fitted = _fit(cropped, BOX_SIZE)
    centred, offset = _centre(fitted, FIELD_SIZE, CENTRE)
    padded = np.pad(centred, LENET_PAD)
    return MnistPreprocessing(drawing, box, cropped, fitted, offset, centred, padded, empty=False)


def _as_unit_image(image: npt.ArrayLike) -> FloatImage:
    """Validate a drawing and return it as float64 in [0, 1] (integers read as 0-255)."""
    values = as_array(image, "image", ndim=2, layout="(H, W)").astype(np.float64)
    if not all(1 <= side <= MAX_SIDE for side in values.shape):
        raise ValueError(f"image sides must be between 1 and {MAX_SIDE} pixels, got shape {values.shape}")
    if values.min() < 0:
        raise ValueError(f"image must not be negative (0 is background), got minimum {values.min():g}")
    if np.issubdtype(np.asarray(image).dtype, np.integer):
        if values.max() > 255:
            raise ValueError(f"integer images are read as 0-255, got maximum {values.max():g}")
        return values / 255.0
    if values.max() > 1:
        raise ValueError(
            f"floating-point images must lie in [0, 1], got maximum {values.max():g} "
            "(pass integers, e.g. uint8, for the 0-255 scale)"
        )
    return values


def _check_fraction(value: float, name: str) -> float:
    """Check a number lies in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return float(value)


def _ink_box(image: npt.NDArray[Any], threshold: float) -> Box | None:
    """Half-open (top, bottom, left, right) of the pixels brighter than ``threshold``; None if none are."""
    ink = image > threshold
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _window_start(start: int, stop: int, size: int, length: int) -> int:
    """First index of a ``size`` window centred on [start, stop), clamped inside [0, length)."""
    first = start - (size - (stop - start)) // 2
    return min(max(first, 0), length - size)


def _area_weights(n_in: int, n_out: int) -> FloatImage:
    """(n_out, n_in) matrix: row i averages the input cells under output cell i, by overlap length."""
    scale = n_in / n_out
    edges = np.arange(n_out + 1) * scale  # output cell boundaries in input coordinates
    cells = np.arange(n_in)
    overlap = np.minimum(edges[1:, None], cells + 1) - np.maximum(edges[:-1, None], cells)  # (n_out, n_in)
    weights: FloatImage = np.clip(overlap, 0.0, None) / scale
    return weights


def _resize_area(image: FloatImage, shape: tuple[int, int]) -> FloatImage:
    """Resize by area averaging (a box filter): anti-aliased down, pixel-mixing up, ink mean kept."""
    rows = _area_weights(image.shape[0], shape[0])  # (h_out, h_in)
    cols = _area_weights(image.shape[1], shape[1])  # (w_out, w_in)
    resized: FloatImage = np.clip(rows @ image @ cols.T, 0.0, 1.0)  # rounding can stray past [0, 1]
    return resized


def _fit(cropped: FloatImage, size: int) -> FloatImage:
    """Resize so the longer side is ``size`` and the shorter keeps the aspect ratio (at least 1)."""
    h, w = cropped.shape
    longer = max(h, w)
    shape = (max(1, round(h * size / longer)), max(1, round(w * size / longer)))
    return _resize_area(cropped, shape)


def _centre(fitted: FloatImage, field: int, centre: float) -> tuple[FloatImage, tuple[int, int]]:
    """Place ``fitted`` in a ``field`` x ``field`` image with its centre of mass nearest ``centre``."""
    mass = fitted.sum()
    com_row = (fitted.sum(axis=1) @ np.arange(fitted.shape[0])) / mass
    com_col = (fitted.sum(axis=0) @ np.arange(fitted.shape[1])) / mass
    # Clamping keeps all the ink in the field when a lopsided digit would be pushed over the edge.
    top = min(max(round(centre - com_row), 0), field - fitted.shape[0])
    left = min(max(round(centre - com_col), 0), field - fitted.shape[1])
    centred = np.zeros((field, field))
    centred[top : top + fitted.shape[0], left : left + fitted.shape[1]] = fitted
    return centred, (top, left)


def _empty_result(drawing: FloatImage) -> MnistPreprocessing:
    """The stages of a blank drawing: blank images of the usual shapes, flagged empty."""
    field = np.zeros((FIELD_SIZE, FIELD_SIZE))
    return MnistPreprocessing(
        drawing=drawing,
        box=None,
        cropped=np.zeros((0, 0)),
        fitted=np.zeros((BOX_SIZE, BOX_SIZE)),
        offset=((FIELD_SIZE - BOX_SIZE) // 2, (FIELD_SIZE - BOX_SIZE) // 2),
        centred=field,
        padded=np.pad(field, LENET_PAD),
        empty=True,
    )
