"""convscope.data.photos: decoding uploads the way a viewer shows them, and refusing what is not a photo."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from convscope.data.photos import MAX_SIDE, PHOTOS, bundled_photo, decode_image, encode_png
from convscope.errors import SettingError

NOISE = np.random.default_rng(0).integers(0, 256, (64, 64, 3)).astype(np.uint8)  # incompressible
PHOTO_DIR = Path(__file__).resolve().parents[2] / "src" / "convscope" / "data" / "photos"


def encoded(pixels: np.ndarray, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def gradient(height: int, width: int) -> np.ndarray:
    """An RGB test card whose every pixel differs, so a rotation or a flip shows."""
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // max(1, width - 1), y * 255 // max(1, height - 1), (x + y) % 256],
                    axis=-1).astype(np.uint8)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but carries almost no data: a decompression bomb's shape."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\0" * 16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_lossless_formats_come_back_pixel_for_pixel(fmt: str) -> None:
    # A GIF has 256 colours at most: 30 greys.
    greys = np.repeat(np.arange(0, 240, 8, dtype=np.uint8), 60).reshape(20, 30, 3)
    pixels = gradient(20, 30) if fmt != "GIF" else greys
    options: dict[str, object] = {"lossless": True} if fmt == "WEBP" else {}
    decoded = decode_image(encoded(pixels, fmt, **options))
    assert decoded.format == fmt
    assert not decoded.resized
    np.testing.assert_array_equal(decoded.pixels, pixels)


def test_a_jpeg_decodes_close_to_its_pixels() -> None:
    pixels = gradient(40, 60)
    decoded = decode_image(encoded(pixels, "JPEG", quality=95))
    assert decoded.format == "JPEG"
    assert decoded.pixels.shape == (40, 60, 3)
    assert np.abs(decoded.pixels.astype(int) - pixels).mean() < 4


def test_a_gif_gives_its_first_frame() -> None:
    frames = [Image.fromarray(np.full((8, 8, 3), v, np.uint8)) for v in (10, 200)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    assert decode_image(buffer.getvalue()).pixels.max() < 50


@pytest.mark.parametrize(("orientation", "turn"), [(3, 2), (6, -1), (8, 1)])
def test_exif_orientation_is_honoured(orientation: int, turn: int) -> None:
    pixels = gradient(16, 24)
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=98, exif=exif)
    decoded = decode_image(buffer.getvalue())
    expected = np.rot90(pixels, turn)  # 6: the camera was turned right, so the picture turns clockwise
    assert decoded.orientation == orientation
    assert decoded.pixels.shape == expected.shape
    assert np.abs(decoded.pixels.astype(int) - expected).mean() < 4


def test_large_images_are_shrunk_to_the_longest_side() -> None:
    decoded = decode_image(encoded(gradient(700, 1400), "PNG"))
    assert decoded.pixels.shape == (MAX_SIDE // 2, MAX_SIDE, 3)
    assert decoded.resized
    assert decoded.original_size == (1400, 700)


def test_transparency_is_laid_on_white() -> None:
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[:2, :, 3] = 255  # top half opaque black, bottom half transparent
    pixels = decode_image(encoded(rgba, "PNG")).pixels
    assert (pixels[:2] == 0).all()
    assert (pixels[2:] == 255).all()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "is empty"),
        (b"hello, this is text", "is not a PNG, JPEG, WebP or GIF"),
        (encoded(NOISE, "PNG")[:3000], "could not be decoded"),
        (encoded(NOISE, "JPEG")[:2000], "could not be decoded"),
        (encoded(gradient(8, 8), "BMP"), "is not a PNG, JPEG, WebP or GIF"),
        (png_header(8000, 6000), "48.0 megapixels; the limit is 40"),
        (png_header(20000, 20000), "megapixels"),  # past Pillow's own limit: its bomb error, answered
        (png_header(10000, 10000), "megapixels"),  # past Pillow's warning threshold (warnings are errors)
    ],
)
def test_what_is_not_a_usable_image_is_refused_naming_the_field(data: bytes, words: str) -> None:
    with pytest.raises(SettingError, match=words) as caught:
        decode_image(data, "image")
    assert caught.value.field == "image"


def test_the_bundled_photos_are_small_credited_and_decode() -> None:
    notice = (PHOTO_DIR / "NOTICE.md").read_text(encoding="utf-8")
    for info in PHOTOS:
        pixels = bundled_photo(info.name)
        assert pixels.dtype == np.uint8
        assert pixels.ndim == 3
        assert max(pixels.shape) <= MAX_SIDE
        assert (PHOTO_DIR / f"{info.name}.jpg").stat().st_size < 100_000
        assert f"`{info.name}.jpg`" in notice
        assert "CC0" in notice or "ublic domain" in notice
    with pytest.raises(SettingError, match="unknown photo"):
        bundled_photo("nope")


def test_encode_png_round_trips() -> None:
    pixels = gradient(5, 7)
    np.testing.assert_array_equal(decode_image(encode_png(pixels)).pixels, pixels)
