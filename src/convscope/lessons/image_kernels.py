"""The image kernels page: a kernel on a photo, in colour or luminance, shown signed or clamped.

`Filtering` holds every setting the page has; `filter_image` computes the result (the kernel itself, the
edge magnitude from the two Sobels, the border's share, or the composition of two kernels) and `render`
turns those floats into pixels on the scale the page asked for, with the `KernelResult` record that says
how (its legend, its range, what was clipped). `catalogue` and `photos` are the menus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Literal

import numpy as np
import numpy.typing as npt
from typing_extensions import TypedDict

from convscope.data.photos import MAX_SIDE, PHOTOS, Decoded
from convscope.errors import SettingError
from convscope.image_kernels import MAX_KERNEL_SIDE, PADDING_MODES, apply_kernel, apply_twice, edge_magnitude
from convscope.kernel_edits import KernelEdits
from convscope.kernels import IMAGE_KERNELS, image_kernel
from convscope.prepared_image import PreparedImage

Array = npt.NDArray[np.float64]
Channels = Literal["rgb", "luminance"]
Display = Literal["clamped", "signed"]
View = Literal["result", "magnitude", "border", "twice", "once", "difference"]

VIEWS: tuple[View, ...] = ("result", "magnitude", "border", "twice", "once", "difference")
LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601, Pillow's "L": the brightness a grey photo keeps
# A diverging scale (ColorBrewer RdBu, blue for negative): luminance results that can be negative.
DIVERGING = ((33, 102, 172), (247, 247, 247), (178, 24, 43))
GREYS = ((0, 0, 0), (128, 128, 128), (255, 255, 255))


class KernelInfoRecord(TypedDict):
    """One kernel of the page's menu, with its weights at every size it comes in."""

    name: str  # "sobel_x", ...: the `kernel` setting
    label: str  # the menu's words
    description: str  # what it does to a photo, one sentence
    sizes: list[int]  # the sides it comes in (1..15)
    weights: list[list[list[float]]]  # its (size, size) weights, one grid per entry of `sizes`
    signed: bool  # True when it can give negative values: the signed scale shows them


class PhotoRecord(TypedDict):
    """A bundled photo: GET /api/image-kernels/photos/<name>.png."""

    name: str
    title: str
    credit: str
    licence: str


class ScaleRecord(TypedDict):
    """How the numbers became colours: the legend's colours from `low` to `high`."""

    kind: str  # "clamped" (0..255 kept, beyond clipped), "signed" (symmetric about 0) or "magnitude"
    low: float  # the value drawn with stops[0]
    high: float  # the value drawn with stops[-1]
    stops: list[list[int]]  # [r, g, b] colours spread evenly from low to high
    below: float  # share of values under `low` (clipped), 0..1
    above: float  # share of values over `high` (clipped), 0..1


class KernelResult(TypedDict):
    """What the page needs beside the picture (sent in the X-Convscope-Result header)."""

    view: str  # which picture: "result", "magnitude", "border", "twice", "once" or "difference"
    width: int
    height: int
    channels: str  # "rgb" (each channel filtered alone) or "luminance" (one grey channel)
    weights: list[list[float]]  # the kernel as applied (normalised if asked; before any flip)
    combined: list[list[float]] | None  # the first and second kernels made into one, when composing
    minimum: float  # the smallest value computed, before any scale
    maximum: float  # the largest
    scale: ScaleRecord
    notes: list[str]  # sentences for the learner: what was normalised, where the difference lives


class ImageRecord(TypedDict):
    """What decoding an upload did (sent in the X-Convscope-Image header beside the PNG)."""

    width: int  # the picture as filtered, after rotation and resizing
    height: int
    original_width: int  # the file's own size, as stored
    original_height: int
    format: str  # "PNG", "JPEG", "WEBP" or "GIF" (its first frame)
    orientation: int  # the EXIF orientation tag, 1 when the file is stored upright
    resized: bool  # True when the longest side was brought down to 512
    note: str  # one sentence for the page: what was done, or ""


@dataclass(frozen=True)
class Filtering:
    """Every setting of the page; ``weights`` (kH, kW) as the user left them, not yet normalised."""

    weights: Array
    normalise: bool = False
    channels: Channels = "rgb"
    padding_mode: str = "zeros"
    flip: bool = False
    display: Display = "clamped"
    view: View = "result"
    second: Array | None = field(default=None)  # the composition's second kernel


def catalogue() -> list[KernelInfoRecord]:
    """The page's kernels in menu order, each with its weights at every size.

    Examples
    --------
    >>> [k["name"] for k in catalogue()][:4]
    ['identity', 'box', 'gaussian', 'sharpen']
    """
    return [{"name": info.name, "label": info.label, "description": info.description,
             "sizes": list(info.sizes), "signed": info.diverging,
             "weights": [image_kernel(info.name, k).tolist() for k in info.sizes]}
            for info in IMAGE_KERNELS]


def photos() -> list[PhotoRecord]:
    """The bundled photos, with their credits and licences."""
    return [{"name": p.name, "title": p.title, "credit": p.credit, "licence": p.licence} for p in PHOTOS]


def image_record(decoded: Decoded) -> ImageRecord:
    """The record of one decoded upload, with a sentence saying what was done to it.

    Examples
    --------
    >>> from convscope.data.photos import decode_image, encode_png
    >>> image_record(decode_image(encode_png(np.zeros((1024, 800, 3), np.uint8))))["note"]
    'Resized from 800x1024 to 400x512 (at most 512 px a side).'
    """
    height, width = decoded.pixels.shape[:2]
    (ow, oh), done = decoded.original_size, []
    if decoded.orientation != 1:
        done.append(f"turned upright (EXIF orientation {decoded.orientation})")
    if decoded.resized:
        done.append(f"resized from {ow}x{oh} to {width}x{height} (at most {MAX_SIDE} px a side)")
    note = "; ".join(done)
    return {"width": width, "height": height, "original_width": ow, "original_height": oh,
            "format": decoded.format, "orientation": decoded.orientation, "resized": decoded.resized,
            "note": note[:1].upper() + note[1:] + "." if note else ""}


def named_weights(name: str, size: int, field_name: str = "kernel") -> Array:
    """A catalogue kernel, or a `SettingError` for ``field_name`` naming the choices."""
    try:
        return image_kernel(name, size)
    except ValueError as err:
        raise SettingError(field_name, str(err).removeprefix("name ")) from None


def normalised(weights: Array, field_name: str = "weights") -> Array:
    """``weights`` divided by their sum, so a flat photo keeps its brightness; refused if the sum is ~0."""
    total = float(weights.sum())
    if not np.any(weights):
        raise SettingError(field_name, "are all 0: there is nothing to normalise; set at least one weight")
    if abs(total) < 1e-9 * float(np.abs(weights).sum()):
        raise SettingError(field_name, "sum to 0 (an edge detector), so normalising would divide by 0; "
                           "turn normalise off or change a weight")
    return weights / total


def filter_image(image: npt.NDArray[np.uint8], setting: Filtering,
                 prepared: PreparedImage | KernelEdits | None = None
                 ) -> tuple[Array, Array | None, list[str]]:
    """The chosen view's values, (H, W, 3) or (H, W, 1), read-only when they are kept; the combined
    kernel if composing; notes.

    ``prepared``, when given, is ``image`` (or its luminance, as ``setting.channels`` says) prepared once
    for many kernels: the "result" view is computed from it, with the same numbers, faster. A
    `KernelEdits` updates its last result when a few weights changed (the same numbers to within
    rounding, `convscope.kernel_edits`); it gets the weights as typed and, with normalise, their sum.
    """
    pixels = image.astype(np.float64) @ LUMA if setting.channels == "luminance" else image
    weights = normalised(setting.weights) if setting.normalise else setting.weights
    mode, flip = setting.padding_mode, setting.flip
    notes = [f"weights divided by their sum {setting.weights.sum():g}"] if setting.normalise else []
    if setting.view == "magnitude":
        out, combined = edge_magnitude(pixels, padding_mode=mode), None
        notes.append("sqrt(Gx² + Gy²) with the 3x3 Sobel kernels; your kernel is not used")
    elif setting.view == "border":
        other = "reflect" if mode == "zeros" else "zeros"
        out = (apply_kernel(pixels, weights, padding_mode=mode, flip=flip)
               - apply_kernel(pixels, weights, padding_mode=other, flip=flip))
        combined = None
        notes.append(f"{mode} padding minus {other} padding: 0 except within {max(weights.shape) // 2} "
                     "pixels of the border")
    elif setting.view in ("twice", "once", "difference"):
        out, combined = _composed(pixels, weights, setting, notes)
    elif isinstance(prepared, KernelEdits):
        divisor = float(setting.weights.sum()) if setting.normalise else 1.0  # `normalised`'s own sum
        out = prepared.apply(setting.weights, divisor=divisor, padding_mode=mode, flip=flip)
        combined = None
    else:
        how = prepared.apply if prepared is not None else partial(apply_kernel, pixels)
        out, combined = how(weights, padding_mode=mode, flip=flip), None
    values = out[:, :, np.newaxis] if out.ndim == 2 else out  # (H, W, C)
    return values, combined, notes


def _composed(pixels: Array | npt.NDArray[np.uint8], weights: Array, setting: Filtering,
              notes: list[str]) -> tuple[Array, Array]:
    """Twice (first then second), once (with the combined kernel), or their difference."""
    if setting.second is None:
        raise SettingError("second", f"give a second kernel to compose with (view {setting.view!r})")
    twice, once, combined = apply_twice(pixels, weights, setting.second,
                                        padding_mode=setting.padding_mode, flip=setting.flip)
    kh, kw = combined.shape
    notes.append(f"the combined kernel is {kh}x{kw}: the full convolution of the two")
    if setting.padding_mode != "circular":
        notes.append(f"with {setting.padding_mode} padding the two can differ, but only within "
                     f"{max(kh, kw) // 2} pixels of the border; with circular they are equal")
    views = {"twice": twice, "once": once, "difference": twice - once}
    return views[setting.view], combined


def render(values: Array, display: Display) -> tuple[npt.NDArray[np.uint8], ScaleRecord]:
    """(H, W, 3) or (H, W) uint8 pixels for ``values`` (H, W, C), and the legend saying how.

    "clamped" keeps 0..255 as they are and clips the rest; "signed" maps -m..m (m the largest
    magnitude) onto a scale with 0 in the middle: blue-white-red for one channel, black-grey-white per
    channel for colour. Values that are never negative (an edge magnitude) go 0..m, black to white.
    """
    grey = values.shape[2] == 1
    flat = values[:, :, 0] if grey else values
    if display == "clamped":
        rounded = np.rint(flat)
        np.clip(rounded, 0, 255, out=rounded)  # in place: one 8-byte image fewer to allocate and fill
        pixels = rounded.astype(np.uint8)
        return pixels, _scale("clamped", 0.0, 255.0, [GREYS[0], GREYS[2]], values)
    limit = float(np.abs(values).max()) or 1.0
    if float(values.min()) >= 0:
        pixels = np.rint(flat * (255 / limit)).astype(np.uint8)
        return pixels, _scale("magnitude", 0.0, limit, [GREYS[0], GREYS[2]], values)
    t = (flat / limit + 1) / 2  # 0..1, 0.5 at zero
    if not grey:
        return np.rint(t * 255).astype(np.uint8), _scale("signed", -limit, limit, list(GREYS), values)
    stops = np.asarray(DIVERGING, dtype=np.float64)  # (3, 3): colour at t = 0, 0.5, 1
    rgb = np.stack([np.interp(t, (0.0, 0.5, 1.0), stops[:, c]) for c in range(3)], axis=-1)
    return np.rint(rgb).astype(np.uint8), _scale("signed", -limit, limit, list(DIVERGING), values)


def _scale(kind: str, low: float, high: float, stops: list[tuple[int, int, int]],
           values: Array) -> ScaleRecord:
    return {"kind": kind, "low": low, "high": high, "stops": [list(s) for s in stops],
            "below": np.count_nonzero(values < low) / values.size,
            "above": np.count_nonzero(values > high) / values.size}


def result_record(image: npt.NDArray[np.uint8], setting: Filtering,
                  prepared: PreparedImage | KernelEdits | None = None
                  ) -> tuple[npt.NDArray[np.uint8], KernelResult]:
    """The picture for ``setting`` and its record: what the page's image route sends.

    ``prepared`` is as for `filter_image`: the same numbers, faster when many kernels filter one image.

    Examples
    --------
    >>> photo = np.full((4, 6, 3), 100, np.uint8)
    >>> pixels, record = result_record(photo, Filtering(np.ones((3, 3)), normalise=True,
    ...                                                 padding_mode="replicate"))
    >>> pixels.shape, round(record["minimum"], 9), round(record["maximum"], 9), record["scale"]["kind"]
    ((4, 6, 3), 100.0, 100.0, 'clamped')
    """
    check_setting(setting)
    values, combined, notes = filter_image(image, setting, prepared)
    pixels, scale = render(values, setting.display)
    return pixels, kernel_result(image, setting, values_range=(float(values.min()), float(values.max())),
                                 combined=combined, notes=notes, scale=scale)


def kernel_result(image: npt.NDArray[np.uint8], setting: Filtering, *, values_range: tuple[float, float],
                  combined: Array | None, notes: list[str], scale: ScaleRecord) -> KernelResult:
    """The record beside a picture of ``image`` filtered as ``setting`` says: ``values_range`` is the
    (minimum, maximum) of the values computed, ``scale`` how they became colours."""
    weights = normalised(setting.weights) if setting.normalise else setting.weights
    return {
        "view": setting.view, "width": int(image.shape[1]), "height": int(image.shape[0]),
        "channels": setting.channels, "weights": _rounded(weights),
        "combined": None if combined is None else _rounded(combined),
        "minimum": values_range[0], "maximum": values_range[1], "scale": scale, "notes": notes,
    }


def check_setting(setting: Filtering) -> None:
    """What the request model cannot see: the padding mode and view names, the kernels' sides."""
    if setting.padding_mode not in PADDING_MODES:
        raise SettingError("padding_mode", f"must be one of {', '.join(PADDING_MODES)}")
    if setting.view not in VIEWS:
        raise SettingError("view", f"must be one of {', '.join(VIEWS)}")
    for name, k in (("weights", setting.weights), ("second", setting.second)):
        if k is not None and (k.ndim != 2 or not 1 <= min(k.shape) <= max(k.shape) <= MAX_KERNEL_SIDE):
            raise SettingError(name, f"must be 1..{MAX_KERNEL_SIDE} per side, got shape {k.shape}")


def _rounded(weights: Array) -> list[list[float]]:
    """Weights for the record: 6 significant digits are plenty to show and keep the header short."""
    return [[float(f"{w:.6g}") for w in row] for row in weights]
