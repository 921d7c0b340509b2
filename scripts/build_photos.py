#!/usr/bin/env python
"""Build the bundled photos ``src/convscope/data/photos/*.jpg`` from scikit-image's sample data, once.

scikit-image ships a few photographs in its wheel (``skimage/data/*.png|jpg``), each documented in
``skimage/data/_fetchers.py`` with its licence. We take four that are public domain or CC0, shrink each
to at most MAX_SIDE pixels a side (Pillow's Lanczos filter) and save them as baseline JPEG, quality 90,
with no metadata. Their sources and licences are written to ``photos/NOTICE.md``.

scikit-image is NOT a convscope dependency, not even for tests: run this script with a throwaway
environment that has it, e.g.::

    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-image
    /tmp/sk/bin/python scripts/build_photos.py

It reads the files straight from the installed package (no network), and needs only Pillow to run.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parents[1] / "src" / "convscope" / "data" / "photos"
MAX_SIDE = 512
QUALITY = 90


@dataclass(frozen=True)
class Photo:
    """One photograph: our name, its file in skimage/data, and what its docstring says of it."""

    name: str
    source_file: str
    title: str
    credit: str
    licence: str


PHOTOS = (
    Photo("astronaut", "astronaut.png", "Astronaut Eileen Collins",
          "NASA Great Images database (https://flic.kr/p/r9qvLn)",
          "Public domain: no known copyright restrictions"),
    Photo("coffee", "coffee.png", "A cup of coffee",
          "Rachel Michetti, courtesy of Pikolo Espresso Bar", "CC0 1.0 (public domain dedication)"),
    Photo("chelsea", "chelsea.png", "Chelsea the cat", "Stefan van der Walt",
          "CC0 1.0 (public domain dedication)"),
    Photo("rocket", "rocket.jpg", "Falcon 9 launching DSCOVR",
          "SpaceX (https://www.flickr.com/photos/spacexphotos/16511594820/)",
          "Public domain (released by SpaceX, March 2015)"),
)


def skimage_data_dir() -> Path:
    """The installed scikit-image's ``data`` folder, found without importing scikit-image."""
    spec = importlib.util.find_spec("skimage")
    if spec is None or spec.origin is None:
        sys.exit("scikit-image is not installed here; see this script's docstring")
    return Path(spec.origin).parent / "data"


def shrink(image: Image.Image) -> Image.Image:
    """RGB, at most MAX_SIDE a side, aspect ratio kept."""
    rgb = image.convert("RGB")
    scale = MAX_SIDE / max(rgb.size)
    if scale >= 1:
        return rgb
    size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
    return rgb.resize(size, Image.Resampling.LANCZOS)


def notice(version: str) -> str:
    """NOTICE.md: each photo's title, credit and licence, and how they were made."""
    rows = "\n".join(
        f"| `{p.name}.jpg` | {p.title} | {p.credit} | {p.licence} | `skimage/data/{p.source_file}` |"
        for p in PHOTOS)
    return f"""# Bundled photos: sources and licences

Taken from the sample data shipped inside scikit-image {version} (BSD-3-Clause package;
each photo's own licence is the one its docstring in `skimage/data/_fetchers.py` gives, below),
shrunk to at most {MAX_SIDE} px a side and saved as JPEG (quality {QUALITY}) by `scripts/build_photos.py`.

| file | what | credit | licence | taken from |
|---|---|---|---|---|
{rows}
"""


def build(out: Path = OUT) -> dict[str, bytes]:
    """Write every photo and NOTICE.md under ``out``; return each photo's bytes by name."""
    data = skimage_data_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for photo in PHOTOS:
        with Image.open(data / photo.source_file) as source:
            buffer = io.BytesIO()
            shrink(source).save(buffer, format="JPEG", quality=QUALITY, optimize=True)
        written[photo.name] = buffer.getvalue()
        (out / f"{photo.name}.jpg").write_bytes(buffer.getvalue())
    version = importlib.metadata.version("scikit-image")
    (out / "NOTICE.md").write_text(notice(version), encoding="utf-8")
    return written


if __name__ == "__main__":
    for name, data in build().items():
        print(f"{name}.jpg: {len(data):,} bytes")
