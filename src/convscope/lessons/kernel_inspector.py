"""The image kernels page's inspector: one output pixel taken apart into its products.

For the pixel (x, y) it lists, per channel, the K×K patch of the (padded) image under the kernel, the
weights as they are multiplied (turned half a turn for true convolution), their products and the sum:
the sum is the pixel's value, the same number `convscope.apply_kernel` computes for the whole picture.
The edge magnitude has two such terms, one per Sobel kernel, and its value is sqrt(Gx² + Gy²).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.errors import SettingError
from convscope.image_kernels import PADDING_MODES, combined_kernel, kernel_anchor
from convscope.kernels import image_kernel
from convscope.lessons.image_kernels import LUMA, Filtering, normalised

Array = npt.NDArray[np.float64]


class ChannelProducts(TypedDict):
    """One channel under the kernel at the inspected pixel."""

    channel: str  # "R", "G", "B", or "Y" for luminance
    patch: list[list[float]]  # the (kH, kW) input values under the kernel, padding included
    products: list[list[float]]  # patch × weights, element by element
    sum: float  # the sum of the products


class InspectTerm(TypedDict):
    """One kernel's contribution: its weights as multiplied and the products per channel."""

    label: str  # "kernel", "combined kernel", "Sobel x (Gx)" or "Sobel y (Gy)"
    weights: list[list[float]]  # as multiplied with the patch: turned half a turn when flip is on
    channels: list[ChannelProducts]


class Inspection(TypedDict):
    """POST /api/image-kernels/inspect's answer: the pixel (x, y) of the result, explained."""

    x: int  # column of the output pixel, 0 at the left
    y: int  # row, 0 at the top
    top: int  # the patch's first image row (negative when it starts in the padding)
    left: int  # the patch's first image column
    outside: list[list[bool]]  # (kH, kW): True where the patch lies in the padding
    terms: list[InspectTerm]
    values: list[float]  # the output value per channel: the sum, or sqrt(Gx² + Gy²) for the magnitude
    formula: str  # how `values` follow from the terms, in words
    notes: list[str]


def inspect_pixel(image: npt.NDArray[np.uint8], setting: Filtering, x: int, y: int) -> Inspection:
    """The products behind output pixel (x, y) for the page's settings.

    Examples
    --------
    >>> photo = np.arange(27, dtype=np.uint8).reshape(3, 3, 3)
    >>> record = inspect_pixel(photo, Filtering(np.ones((3, 3))), x=0, y=0)
    >>> record["outside"][0], record["terms"][0]["channels"][0]["sum"], record["values"]
    ([True, True, True], 24.0, [24.0, 28.0, 32.0])
    """
    height, width = image.shape[:2]
    for name, value, size in (("x", x, width), ("y", y, height)):
        if not 0 <= value < size:
            raise SettingError(name, f"must be 0..{size - 1} for this {width}x{height} image (got {value})")
    pixels = image.astype(np.float64)  # (H, W, 3)
    names = ["R", "G", "B"]
    if setting.channels == "luminance":
        pixels, names = (pixels @ LUMA)[:, :, np.newaxis], ["Y"]  # (H, W, 1)
    notes: list[str] = []
    if setting.view == "magnitude":
        kernels = [("Sobel x (Gx)", image_kernel("sobel_x")), ("Sobel y (Gy)", image_kernel("sobel_y"))]
        anchor = kernel_anchor((3, 3), setting.flip)
        formula = "sqrt(Gx² + Gy²), Gx and Gy each the sum of its products"
    else:
        weights = normalised(setting.weights) if setting.normalise else setting.weights
        label, anchor = "kernel", kernel_anchor(weights.shape, setting.flip)
        if setting.view in ("once", "twice", "difference") and setting.second is not None:
            # The combined kernel's centre is the sum of the two centres (not its middle for even sides).
            second = kernel_anchor(setting.second.shape, setting.flip)
            anchor = [a + b for a, b in zip(anchor, second, strict=True)]
            weights, label = combined_kernel(weights, setting.second), "combined kernel"
            notes.append("the composition is inspected through the combined kernel (filtered once)")
        kernels, formula = [(label, weights)], "the sum of the products"
    if setting.view in ("border", "difference", "twice"):
        notes.append(f"the picture shows the {setting.view}; these are the products of the filtering")
    return _explained(pixels, names, kernels, (anchor[0], anchor[1]), setting, (x, y), formula, notes)


def _explained(pixels: Array, names: list[str], kernels: list[tuple[str, Array]], anchor: tuple[int, int],
               setting: Filtering, at: tuple[int, int], formula: str, notes: list[str]) -> Inspection:
    """Patches, products and sums for each kernel (all of one shape), centred on ``anchor``."""
    kh, kw = kernels[0][1].shape
    (up, back), (x, y) = anchor, at
    patch, outside = _patch(pixels, y - up, x - back, (kh, kw), setting.padding_mode)
    terms: list[InspectTerm] = []
    sums = []
    for label, weights in kernels:
        applied = weights[::-1, ::-1] if setting.flip else weights
        products = patch * applied[:, :, np.newaxis]  # (kH, kW, C)
        sums.append(products.sum(axis=(0, 1)))  # (C,)
        terms.append({"label": label, "weights": applied.tolist(), "channels": [
            {"channel": name, "patch": patch[:, :, c].tolist(), "products": products[:, :, c].tolist(),
             "sum": float(sums[-1][c])} for c, name in enumerate(names)]})
    values = np.hypot(*sums) if len(sums) == 2 else sums[0]
    return {"x": x, "y": y, "top": y - up, "left": x - back, "outside": outside.tolist(), "terms": terms,
            "values": [float(v) for v in values], "formula": formula, "notes": notes}


def _patch(pixels: Array, top: int, left: int, shape: tuple[int, int], mode: str
           ) -> tuple[Array, npt.NDArray[np.bool_]]:
    """The (kH, kW, C) window at (top, left) of the image padded by ``mode``, and where it is padding."""
    if mode not in PADDING_MODES:
        raise SettingError("padding_mode", f"must be one of {', '.join(PADDING_MODES)}")
    kh, kw = shape
    height, width = pixels.shape[:2]
    # Pad just enough for this window: the same numpy.pad modes apply_kernel uses, so the same numbers.
    pad_top, pad_left = max(0, -top), max(0, -left)
    pad_bottom, pad_right = max(0, top + kh - height), max(0, left + kw - width)
    padded = np.pad(pixels, [(pad_top, pad_bottom), (pad_left, pad_right), (0, 0)], mode=PADDING_MODES[mode])
    window = padded[top + pad_top : top + pad_top + kh, left + pad_left : left + pad_left + kw]  # (kH, kW, C)
    rows, cols = np.arange(top, top + kh), np.arange(left, left + kw)
    outside = ((rows < 0) | (rows >= height))[:, np.newaxis] | ((cols < 0) | (cols >= width))[np.newaxis, :]
    return window, outside

