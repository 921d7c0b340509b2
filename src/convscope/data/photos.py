"""Photos to filter: the bundled ones, and any PNG, JPEG, WebP or GIF a person sends, decoded safely.

`decode_image` turns the bytes of an upload into an (H, W, 3) uint8 array the way a photo viewer shows it:
the EXIF orientation applied, transparency laid on white, the first frame of a GIF, and at most
`MAX_SIDE` pixels a side. It refuses, with a `SettingError` naming the field, what is not one of the four
formats, what is corrupt or empty, and what would decode to more than `MAX_PIXELS` (a decompression
bomb: a few kilobytes of PNG can claim gigapixels). `encode_png` writes an array back as PNG bytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from convscope.errors import SettingError

__all__ = ["FORMATS", "MAX_PIXELS", "MAX_SIDE", "PHOTOS", "Decoded", "PhotoInfo", "bundled_photo",
           "decode_image", "encode_png"]

Pixels = npt.NDArray[np.uint8]

FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MAX_PIXELS = 40_000_000  # 40 megapixels: bigger than any phone photo, far below a bomb's claim
MAX_SIDE = 512  # the longest side kept: a 512x512x3 result redraws while the user types
_ORIENTATION = 0x0112  # the EXIF tag that says how the camera was held
_DIR = Path(__file__).parent / "photos"


@dataclass(frozen=True)
class PhotoInfo:
    """A bundled photo: its name (file ``photos/<name>.jpg``), title, credit and licence."""

    name: str
    title: str
    credit: str
    licence: str


PHOTOS = (
    PhotoInfo("astronaut", "Astronaut Eileen Collins", "NASA", "public domain"),
    PhotoInfo("coffee", "A cup of coffee", "Rachel Michetti", "CC0"),
    PhotoInfo("chelsea", "Chelsea the cat", "Stefan van der Walt", "CC0"),
    PhotoInfo("rocket", "Falcon 9 launching DSCOVR", "SpaceX", "public domain"),
)


@dataclass(frozen=True)
class Decoded:
    """An image as filtered: the pixels, and what was done to the file to get them."""

    pixels: Pixels  # (H, W, 3) uint8, H and W <= MAX_SIDE
    format: str  # "PNG", "JPEG", "WEBP" or "GIF"
    original_size: tuple[int, int]  # (width, height) of the file, before rotation and resizing
    orientation: int  # the EXIF orientation tag, 1 (as stored) when there is none
    resized: bool  # True when the longest side was brought down to MAX_SIDE


def bundled_photo(name: str) -> Pixels:
    """A bundled photo as an (H, W, 3) uint8 array.

    Examples
    --------
    >>> bundled_photo("chelsea").shape
    (300, 451, 3)
    """
    names = [p.name for p in PHOTOS]
    if name not in names:
        raise SettingError("photo", f"unknown photo {name!r}; choose one of {', '.join(names)}", "missing")
    return decode_image((_DIR / f"{name}.jpg").read_bytes(), "photo").pixels


def decode_image(data: bytes, field: str = "body", max_side: int = MAX_SIDE) -> Decoded:
    """Decode a PNG, JPEG, WebP or GIF (first frame) into RGB pixels, upright, at most ``max_side``.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    field : str
        The name a refusal gives (the request's ``body``, a form's ``image``).
    max_side : int
        The longest side of the answer; larger images are shrunk (Lanczos), keeping their aspect.

    Returns
    -------
    Decoded
        ``pixels`` (H, W, 3) uint8 and what was done: format, original size, EXIF orientation, resized.

    Raises
    ------
    SettingError
        Empty, not one of the four formats, corrupt or truncated, zero-sized, or over `MAX_PIXELS`.

    Examples
    --------
    >>> decoded = decode_image(encode_png(np.zeros((600, 300, 3), np.uint8)))
    >>> decoded.pixels.shape, decoded.format, decoded.resized
    ((512, 256, 3), 'PNG', True)
    """
    if not data:
        raise SettingError(field, "is empty; send a PNG, JPEG, WebP or GIF file")
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own pixel limit and raises at twice it: both are refusals here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                return _decoded(image, field, max_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise SettingError(field, f"claims more than {MAX_PIXELS // 1_000_000} megapixels; send a "
                           "smaller image") from None
    except UnidentifiedImageError:
        raise SettingError(field, "is not a PNG, JPEG, WebP or GIF image; send one of those") from None
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        if isinstance(err, SettingError):
            raise
        raise SettingError(field, f"could not be decoded ({err}); the file may be truncated or "
                           "corrupt: send another") from None


def _decoded(image: Image.Image, field: str, max_side: int) -> Decoded:
    """The checks and conversions once Pillow has read the header (nothing decoded yet)."""
    width, height = image.size
    if width == 0 or height == 0:
        raise SettingError(field, f"is {width}x{height} pixels: an image needs at least 1x1")
    if width * height > MAX_PIXELS:
        raise SettingError(field, f"is {width}x{height} = {width * height / 1e6:.1f} megapixels; the limit "
                           f"is {MAX_PIXELS // 1_000_000}: send a smaller image")
    fmt = str(image.format)
    orientation = int(image.getexif().get(_ORIENTATION, 1))
    if fmt == "JPEG":
        image.draft("RGB", (max_side, max_side))  # decode at 1/2, 1/4 or 1/8 scale when that is enough
    image.load()  # the first frame only, for a GIF
    upright = ImageOps.exif_transpose(image) or image
    rgb = _on_white(upright)
    scale = max_side / max(rgb.size)
    resized = scale < 1 or image.size != (width, height)
    if scale < 1:
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    pixels = np.asarray(rgb, dtype=np.uint8)  # (H, W, 3)
    return Decoded(pixels, fmt, (width, height), orientation, resized)


def _on_white(image: Image.Image) -> Image.Image:
    """RGB; a transparent image is laid on white, the way a page shows it."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def encode_png(pixels: Any, compress_level: int = 1) -> bytes:
    """An (H, W) or (H, W, 3) uint8 array as PNG bytes (level 1: fast, a little larger than level 6).

    Examples
    --------
    >>> encode_png(np.zeros((2, 2), np.uint8))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8)).save(
        buffer, format="PNG", compress_level=compress_level)
    return buffer.getvalue()
