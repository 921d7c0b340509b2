"""The image kernels page's settings, sent in the URL (the body is the image itself).

Weights travel as text, rows separated by ``;`` and values by ``,`` (``0,-1,0;-1,5,-1;0,-1,0``): short in
a URL, readable in the page's address, and parsed here once with an error that names the row and value.
"""

from __future__ import annotations

import math
import re
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from convscope.data.photos import MAX_SIDE
from convscope.image_kernels import MAX_KERNEL_SIDE
from convscope.lessons.image_kernels import Filtering, View, named_weights

MAX_WEIGHTS_TEXT = MAX_KERNEL_SIDE * MAX_KERNEL_SIDE * 24  # 225 values of up to ~23 characters each

# The weights' grammar, stated in the OpenAPI document so a client (and schemathesis) can know a valid
# grid without sending it: a decimal number (at most 20 digits either side of the point and a 2-digit
# exponent, so it is always finite), 1..MAX_KERNEL_SIDE per row and rows. Only raggedness is left to
# `parse_weights`, whose message says "must be rectangular". The validator checks it after
# `parse_weights`, so its own messages (naming the row and value) come first.
_NUMBER = r" *[-+]?([0-9]{1,20}(\.[0-9]{0,20})?|\.[0-9]{1,20})([eE][-+]?[0-9]{1,2})? *"
_MORE = MAX_KERNEL_SIDE - 1
_ROW = f"{_NUMBER}(,{_NUMBER}){{0,{_MORE}}}"
WEIGHTS_PATTERN = f"^{_ROW}(;{_ROW}){{0,{_MORE}}}$"


def parse_weights(text: str) -> list[list[float]]:
    """``"1,2;3,4"`` -> [[1.0, 2.0], [3.0, 4.0]]; refuses ragged, empty, non-finite or too-large grids."""
    rows = [row.split(",") for row in text.strip().split(";")]
    if not 1 <= len(rows) <= MAX_KERNEL_SIDE:
        raise ValueError(f"must have 1..{MAX_KERNEL_SIDE} rows separated by ';' (got {len(rows)})")
    grid = []
    for r, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError(f"must be rectangular: row 0 has {len(rows[0])} values, row {r} has {len(row)}")
        if not 1 <= len(row) <= MAX_KERNEL_SIDE:
            raise ValueError(f"each row must have 1..{MAX_KERNEL_SIDE} values, separated by ',' ({len(row)})")
        values = []
        for c, cell in enumerate(row):
            try:
                value = float(cell)
            except ValueError:
                raise ValueError(f"row {r}, value {c} is {cell.strip()[:20]!r}, not a number") from None
            if not math.isfinite(value):
                raise ValueError(f"row {r}, value {c} is {cell.strip()!r}; weights must be finite numbers")
            values.append(value)
        grid.append(values)
    return grid


class KernelSettings(BaseModel):
    """A kernel from the catalogue (``kernel`` and ``size``) or typed (``weights``), and how to show it."""

    model_config = ConfigDict(extra="forbid")  # not strict: a URL's values arrive as text

    kernel: str = Field("identity", min_length=1, max_length=40,
                        description="A kernel from GET /api/image-kernels/kernels (unused with `weights`).")
    size: int = Field(3, ge=1, le=MAX_KERNEL_SIDE, description="The named kernel's side.")
    weights: str | None = Field(None, min_length=1, max_length=MAX_WEIGHTS_TEXT,
                                json_schema_extra={"pattern": WEIGHTS_PATTERN},
                                description="Your own kernel: rows separated by ';', values by ',' "
                                f"(1..{MAX_KERNEL_SIDE} per side), e.g. 0,-1,0;-1,5,-1;0,-1,0.")
    normalise: bool = Field(False, description="Divide the weights by their sum (refused if it is 0).")
    channels: Literal["rgb", "luminance"] = Field("rgb", description="Each colour channel alone, or grey.")
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = Field(
        "zeros", description="PyTorch's padding_mode: what lies beyond the border.")
    flip: bool = Field(False, description="True convolution (the kernel turned half a turn); "
                       "false: cross-correlation, as PyTorch's conv2d.")
    display: Literal["clamped", "signed"] = Field(
        "clamped", description="Clamp to 0..255, or show the signed values on a scale centred at 0.")
    view: View = Field("result", description="The kernel's result, the Sobel edge magnitude, the border "
                       "(this padding minus another), or the composition: twice, once, difference.")
    second: str | None = Field(None, min_length=1, max_length=40,
                               description="The composition's second kernel, by name.")
    second_size: int = Field(3, ge=1, le=MAX_KERNEL_SIDE, description="The second kernel's side.")
    second_weights: str | None = Field(None, min_length=1, max_length=MAX_WEIGHTS_TEXT,
                                       json_schema_extra={"pattern": WEIGHTS_PATTERN},
                                       description="The second kernel typed, as for `weights`.")

    @field_validator("weights", "second_weights")
    @classmethod
    def _grid(cls, text: str | None) -> str | None:
        if text is not None:
            parse_weights(text)  # its messages name the row and value
            if re.fullmatch(WEIGHTS_PATTERN, text) is None:  # what the OpenAPI document promises
                raise ValueError("write each weight as a plain decimal such as -1.5 or 2e-3 "
                                 "(at most 20 digits each side of the point, a 2-digit exponent)")
        return text

    def filtering(self) -> Filtering:
        """The lesson's settings: the weights resolved from a name or parsed from text."""
        first = (np.array(parse_weights(self.weights)) if self.weights is not None
                 else named_weights(self.kernel, self.size, "kernel"))
        second = None
        if self.second_weights is not None:
            second = np.array(parse_weights(self.second_weights))
        elif self.second is not None:
            second = named_weights(self.second, self.second_size, "second")
        return Filtering(first, self.normalise, self.channels, self.padding_mode, self.flip, self.display,
                         self.view, second)


class PictureQuery(BaseModel):
    """The size of a raw RGBA body (unused for an image file, which says its own size)."""

    model_config = ConfigDict(extra="forbid")

    width: int | None = Field(None, ge=1, le=MAX_SIDE, description="A raw RGBA body's width in pixels.")
    height: int | None = Field(None, ge=1, le=MAX_SIDE, description="A raw RGBA body's height in pixels.")


class KernelQuery(KernelSettings, PictureQuery):
    """The settings, for a picture sent as the body."""


class PixelQuery(BaseModel):
    """The output pixel to take apart."""

    model_config = ConfigDict(extra="forbid")

    x: int = Field(ge=0, le=100_000, description="The pixel's column, 0 at the left.")
    y: int = Field(ge=0, le=100_000, description="The pixel's row, 0 at the top.")


class InspectQuery(KernelQuery, PixelQuery):
    """The settings and the pixel, for a picture sent as the body."""


class StoredKernelQuery(KernelSettings):
    """The settings, for a picture the server keeps, and the layout of the raw answer."""

    pixels: Literal["rgba", "rgb"] = Field(
        "rgba", description="The answer's bytes per pixel: RGBA (4, alpha 255, ready for an ImageData) or "
        "RGB (3: a quarter fewer bytes to move while the user types).")


class StoredInspectQuery(KernelSettings, PixelQuery):
    """The settings and the pixel, for a picture the server keeps (named in the path)."""
