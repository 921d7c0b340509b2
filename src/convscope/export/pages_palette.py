"""One palette for a whole GIF: the Signals, Layers and Matrix & FFT animations' frames mapped to it once.

Pillow gives each RGB frame of a GIF its own adaptive palette, a median cut per frame: for a few hundred
frames that quantising is most of the export's time (a 241-frame slide: 4.8 of 7.8 s of CPU, measured
under load). These animations draw the same few colours on every frame, and their last frame holds all
of them (the finished output), so one palette made from it serves every frame, mapped without dithering.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from PIL import Image

from convscope.export.animation import Format


def on_one_palette(frames: Iterable[Image.Image], last: Image.Image, fmt: Format) -> Iterator[Image.Image]:
    """``frames`` as they are for an APNG; for a GIF, each mapped to the palette of ``last``'s colours.

    Examples
    --------
    >>> red, blue = Image.new("RGB", (4, 4), (200, 0, 0)), Image.new("RGB", (4, 4), (0, 0, 200))
    >>> both = Image.new("RGB", (8, 4), (200, 0, 0)); both.paste(blue, (4, 0))
    >>> [f.mode for f in on_one_palette([red, both], both, "gif")]
    ['P', 'P']
    >>> next(on_one_palette([red], both, "gif")).convert("RGB").getpixel((0, 0))
    (200, 0, 0)
    """
    if fmt != "gif":
        yield from frames
        return
    palette = last.quantize(256, method=Image.Quantize.MEDIANCUT)
    for frame in frames:
        yield frame.quantize(palette=palette, dither=Image.Dither.NONE)
