"""One palette for a whole GIF: the Signals, Layers and Matrix & FFT animations' frames mapped to it once.

Pillow gives each RGB frame of a GIF its own adaptive palette, a median cut per frame: for a few hundred
frames that quantising is most of the export's time (a 241-frame slide: 4.8 of 7.8 s of CPU, measured
under load). These animations draw the same few colours on every frame, and a couple of their frames hold
all of them (the first, with what is not yet computed; the last, with the finished output; for the slide,
the widest overlap, its shaded product), so one palette of their commonest colours serves every frame,
each colour mapped exactly (or, missing, to its nearest) without dithering.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from PIL import Image

from convscope.export.animation import Format


def on_one_palette(frames: Iterable[Image.Image], samples: list[Image.Image],
                   fmt: Format) -> Iterator[Image.Image]:
    """``frames`` as they are for an APNG; for a GIF, each mapped to one palette of ``samples``' colours.

    Examples
    --------
    >>> red, blue = Image.new("RGB", (4, 4), (200, 0, 0)), Image.new("RGB", (4, 4), (0, 0, 200))
    >>> both = Image.new("RGB", (8, 4), (200, 0, 0)); both.paste(blue, (4, 0))
    >>> [f.mode for f in on_one_palette([red, both], [both], "gif")]
    ['P', 'P']
    >>> next(on_one_palette([red], [blue, red], "gif")).convert("RGB").getpixel((0, 0))
    (200, 0, 0)
    """
    if fmt != "gif":
        yield from frames
        return
    sheet = Image.new("RGB", (sum(s.width for s in samples), max(s.height for s in samples)))
    x = 0
    for sample in samples:  # side by side: one picture holding every colour the samples hold
        sheet.paste(sample.convert("RGB"), (x, 0))
        x += sample.width
    mapper = _Mapper(sheet)
    for frame in frames:
        yield mapper.indexed(frame)


class _Mapper:
    """Pixels to the palette of a picture's 256 commonest colours: exact where the colour is there, else
    the nearest (rare anti-aliased text edges). Pillow's own palette mapping looks up a cache of colour
    boxes, which maps near-twins to one another (the white paper became 250); this looks up each colour
    itself, through a table filled as new colours appear (2^24 entries, 32 MB, built once per animation).
    """

    UNKNOWN = 256

    def __init__(self, sheet: Image.Image) -> None:
        counted = sheet.getcolors(sheet.width * sheet.height) or []
        commonest = [rgb for _, rgb in sorted(counted, key=lambda pair: -pair[0])[:256]]
        self.palette = np.asarray(commonest, dtype=np.int64).reshape(-1, 3)  # (P, 3)
        self.flat = [int(v) for v in self.palette.ravel()]
        self.table = np.full(1 << 24, self.UNKNOWN, dtype=np.uint16)

    def indexed(self, frame: Image.Image) -> Image.Image:
        """``frame`` as a "P" picture on the palette."""
        rgb = np.asarray(frame.convert("RGB"), dtype=np.int64)  # (H, W, 3)
        packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]  # (H, W)
        index = self.table[packed]
        new = np.unique(packed[index == self.UNKNOWN])
        if new.size:
            colours = np.stack([new >> 16, (new >> 8) & 255, new & 255], axis=1)  # (n, 3)
            distance = ((colours[:, None, :] - self.palette[None, :, :]) ** 2).sum(axis=2)  # (n, P)
            self.table[new] = distance.argmin(axis=1)
            index = self.table[packed]
        image = Image.fromarray(index.astype(np.uint8), mode="P")
        image.putpalette(self.flat)
        return image
