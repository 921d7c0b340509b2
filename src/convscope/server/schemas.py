"""The JSON contract of the HTTP API: pydantic models for every request and response.

Requests are validated strictly (``"3"`` is not an integer, ``true`` is not a number, NaN and Infinity
are refused, unknown fields are rejected) so a mistake in the page shows up as a clear 4xx instead of a
silently coerced value. Response models document the answers in ``/openapi.json``; the routes return
plain dicts so a 400-step trace is not validated twice.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

# Limits of POST /api/convolve, named once: the models, the error messages and the docs all use these.
MAX_IMAGE_SIDE = 64
MAX_KERNEL_SIDE = 15
MAX_PADDING = 16
MAX_STRIDE = 16
MAX_DILATION = 8
DEFAULT_KERNEL_SIZE = 3

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Row = Annotated[list[FiniteFloat], Field(min_length=1)]
Grid = list[list[float]]


def _rectangular(rows: list[list[float]]) -> list[list[float]]:
    """Refuse ragged nested lists, naming the first row whose length differs."""
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            raise ValueError(
                f"must be rectangular: row 0 has {len(rows[0])} values but row {i} has {len(row)}"
            )
    return rows


def _kernel_tag(value: Any) -> str | None:
    """Which branch of the kernel union applies: a name (string) or a matrix (list)."""
    if isinstance(value, str):
        return "name"
    if isinstance(value, list):
        return "matrix"
    return None


KernelSpec = Annotated[
    Annotated[str, Tag("name"), Field(min_length=1, max_length=40)]
    | Annotated[
        list[Annotated[list[FiniteFloat], Field(min_length=1, max_length=MAX_KERNEL_SIDE)]],
        Tag("matrix"),
        Field(min_length=1, max_length=MAX_KERNEL_SIDE),
    ],
    Discriminator(
        _kernel_tag,
        custom_error_type="kernel_type",
        custom_error_message="must be a kernel name (string) or a 2-D list of numbers",
    ),
]


class ConvolveRequest(BaseModel):
    """What to convolve: one image (your own, or an MNIST digit) with one kernel and the settings."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"digit": 3, "index": 0, "kernel": "sobel_x", "kernel_size": 3, "padding": 1, "stride": 1},
                {"image": [[0, 1, 0], [1, 1, 1], [0, 1, 0]], "kernel": [[1, 0], [0, -1]]},
            ]
        },
    )

    image: list[Annotated[Row, Field(max_length=MAX_IMAGE_SIDE)]] | None = Field(
        None,
        min_length=1,
        max_length=MAX_IMAGE_SIDE,
        description="Your own image: a rectangular 2-D list of finite numbers, each side "
        f"1..{MAX_IMAGE_SIDE}. Give either `image` or `digit`, not both.",
    )
    digit: int | None = Field(
        None, ge=0, le=9, description="An MNIST digit class 0..9 (its 20x20 crop is the image)."
    )
    index: int | None = Field(
        None, ge=0, description="Which example of `digit` (default 0); `count` in GET /api/digits/{number} "
        "says how many there are.",
    )
    kernel: KernelSpec = Field(
        "ones",
        description="A kernel name from GET /api/kernels, or your own 2-D list of finite numbers "
        f"(square or rectangular, sides 1..{MAX_KERNEL_SIDE}).",
    )
    kernel_size: int | None = Field(
        None,
        ge=1,
        le=MAX_KERNEL_SIDE,
        description=f"Side of a named kernel (default {DEFAULT_KERNEL_SIZE}). With a matrix kernel, omit it "
        "or give the matrix's side.",
    )
    padding: int = Field(0, ge=0, le=MAX_PADDING, description="Zeros added on every side of the image.")
    stride: int = Field(1, ge=1, le=MAX_STRIDE, description="Step of the window, in input cells.")
    dilation: int = Field(1, ge=1, le=MAX_DILATION, description="Spacing of kernel taps (1 = no dilation).")

    @field_validator("image")
    @classmethod
    def _image_rectangular(cls, rows: Grid | None) -> Grid | None:
        return None if rows is None else _rectangular(rows)

    @field_validator("kernel")
    @classmethod
    def _kernel_rectangular(cls, kernel: str | Grid) -> str | Grid:
        return kernel if isinstance(kernel, str) else _rectangular(kernel)

    @model_validator(mode="after")
    def _one_source(self) -> ConvolveRequest:
        if self.image is not None and self.digit is not None:
            raise ValueError("give either `image` or `digit` (with `index`), not both")
        if self.image is None and self.digit is None:
            raise ValueError(
                f"give `image` (a 2-D list, each side 1..{MAX_IMAGE_SIDE}) or `digit` (0..9, with `index`)"
            )
        if self.index is not None and self.digit is None:
            raise ValueError("`index` picks an example of `digit`; give `digit` too, or drop `index`")
        return self


class DigitResponse(BaseModel):
    """One MNIST digit, as the playground shows it."""

    number: int = Field(description="The digit class, 0..9.")
    index: int = Field(description="Which example of that class.")
    count: int = Field(description="How many examples of that class there are (valid indices: 0..count-1).")
    image: Grid = Field(description="The digit's 20x20 box (convscope.data.crop_digit), floats in [0, 1].")
    original: Grid = Field(description="The full 28x28 MNIST image, floats in [0, 1].")


class KernelInfoModel(BaseModel):
    """One named kernel of the catalogue (convscope.kernels.kernel_catalogue)."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(description="The value to send as `kernel`.")
    label: str = Field(description="A short human name.")
    description: str = Field(description="What the kernel does to an image.")
    sizes: list[int] = Field(description="The `kernel_size` values this kernel supports.")
    diverging: bool = Field(description="True when weights have both signs: use a diverging colour scale.")


class AxisExplanation(BaseModel):
    """The size arithmetic along one axis, with the user's numbers filled in."""

    model_config = ConfigDict(extra="allow")

    axis: Literal["height", "width"]
    input: int
    kernel: int
    effective_kernel: int = Field(description="dilation * (kernel - 1) + 1")
    padding: int
    stride: int
    dilation: int
    numerator: int = Field(description="input + 2*padding - effective_kernel")
    exact_output: float = Field(description="numerator / stride + 1, before flooring")
    output: int | None = Field(description="The floored output size; null when the kernel does not fit.")
    fits: bool
    divisible: bool
    formula: str = Field(description='e.g. "O = (20 - 3 + 2×0)/2 + 1 = 9.5"')
    dropped: list[int] = Field(description="Padded-coordinate indices no window covers.")


class Suggestion(BaseModel):
    """A nearby valid setting."""

    model_config = ConfigDict(extra="allow")

    kernel_size: list[int]
    padding: list[int]
    stride: list[int]
    dilation: list[int]
    output_size: list[int]
    changes: list[str] = Field(description='e.g. ["padding 0 → 1"]')
    cost: int = Field(description="Size of the change; smaller first.")


class Explanation(BaseModel):
    """Why a setting is (in)valid: convscope.arithmetic.explain_convolution."""

    model_config = ConfigDict(extra="allow")

    valid: bool = Field(description="The kernel fits and the windows tile the padded input exactly.")
    fits: bool
    divisible: bool
    input_size: list[int]
    kernel_size: list[int]
    padding: list[int]
    stride: list[int]
    dilation: list[int]
    effective_kernel_size: list[int]
    output_size: list[int] | None
    formula: str
    axes: list[AxisExplanation] = Field(description="[height, width]")
    reasons: list[str] = Field(description="Plain-English reasons it is invalid; [] when valid.")
    suggestions: list[Suggestion] = Field(description="At most 8 nearby valid settings; [] when valid.")
    summary: str


class Step(BaseModel):
    """One window of the sliding kernel (convscope.trace.trace_convolution), in row-major order."""

    model_config = ConfigDict(extra="allow")

    out: list[int] = Field(description="[row, col] of the output cell this window computes.")
    positions: list[list[int]] = Field(description="kH*kW [row, col] input positions, padded coordinates.")
    padding: list[bool] = Field(description="True where that position is a padding cell (value 0).")
    values: list[float] = Field(description="Input values under the kernel, kernel row-major.")
    products: list[float] = Field(description="value * weight, same order.")
    sum: float = Field(description="The dot product: output[row][col].")


class ConvolveResponse(BaseModel):
    """The convolution, its arithmetic and every window, ready to animate."""

    input: Grid = Field(description="H x W input image.")
    padded: Grid = Field(description="(H+2P) x (W+2P) zero-padded input.")
    kernel: Grid = Field(description="kH x kW weights.")
    kernel_name: str | None = Field(description="The kernel's name, or null for a matrix you sent.")
    diverging: bool = Field(description="True when a diverging colour scale is advised (negative values).")
    output: Grid = Field(description="oH x oW cross-correlation (PyTorch's conv2d); [] when it does not fit.")
    output_size: list[int] | None = Field(description="[oH, oW]; null when the kernel does not fit.")
    output_range: list[float] | None = Field(description="[min, max] of the output; null when empty.")
    valid: bool = Field(description="Same as explanation.valid.")
    explanation: Explanation
    steps: list[Step] = Field(description="One entry per output cell, row-major; [] when it does not fit.")


class HealthResponse(BaseModel):
    """The server is up."""

    status: Literal["ok"]
    version: str = Field(description="convscope's version.")


class ErrorResponse(BaseModel):
    """Every 4xx answer: `message` is one readable line naming the field and what is allowed."""

    message: str = Field(description='e.g. "padding: must be <= 16 (got 40)"')
    detail: str | list[dict[str, Any]] = Field(
        description="The same as `message` (400, 404, 413), or pydantic's list of errors (422)."
    )
