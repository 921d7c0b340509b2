"""The playground's requests: one image (yours, or an MNIST digit) with one kernel and the settings.

The answers are the lesson's records (``convscope.lessons.playground``); see `convscope.server.schemas`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from convscope.lessons.playground import DEFAULT_KERNEL_SIZE
from convscope.lessons.playground_inputs import MAX_INPUT_SIDE, MIN_INPUT_SIDE, TEXTBOOK_INPUTS
from convscope.server.schemas.common import STRICT, FiniteFloat, Grid, one_of_fields, one_source, rectangular

# Limits of POST /api/convolve, named once: the models, the error messages and the docs all use these.
MAX_IMAGE_SIDE = 64
MAX_KERNEL_SIDE = 15
MAX_PADDING = 16
MAX_STRIDE = 16
MAX_DILATION = 8

Row = Annotated[list[FiniteFloat], Field(min_length=1)]


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


# Exactly one input, and a digit's companions only with it: in the schema, so requests built from it
# (and schemathesis') are never refused for it; subclasses that set their own examples keep it.
SOURCE_RULE = one_of_fields(
    sources=[("image", "array"), ("digit", "integer"), ("example", "string")],
    only_with={"digit": [("index", "integer"), ("input_size", "integer")]},
)


class ConvolveRequest(BaseModel):
    """What to convolve: one image (your own, or an MNIST digit) with one kernel and the settings."""

    model_config = ConfigDict(
        **STRICT,
        json_schema_extra={
            "examples": [
                {"digit": 3, "index": 0, "kernel": "sobel_x", "kernel_size": 3, "padding": 1, "stride": 1},
                {"image": [[0, 1, 0], [1, 1, 1], [0, 1, 0]], "kernel": [[1, 0], [0, -1]]},
                {"example": "binary5", "kernel": [[1, 0, 1], [0, 1, 0], [1, 0, 1]]},
                {"digit": 7, "index": 0, "input_size": 7, "kernel": "ones", "stride": 2},
            ],
            **SOURCE_RULE,
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
    input_size: int | None = Field(
        None, ge=MIN_INPUT_SIDE, le=MAX_INPUT_SIDE,
        description=f"With `digit`: the input's side, {MIN_INPUT_SIDE}..{MAX_INPUT_SIDE} (default 20, the "
        "digit's 20x20 box); below 20 the box is shrunk by area averaging, above it the window around "
        "the ink widens (28: the whole MNIST image).",
    )
    example: str | None = Field(
        None, min_length=1, max_length=40,
        description=f"A textbook's small input by name ({', '.join(TEXTBOOK_INPUTS)}), instead of "
        "`image` or `digit`.",
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
        return None if rows is None else rectangular(rows)

    @field_validator("kernel")
    @classmethod
    def _kernel_rectangular(cls, kernel: str | Grid) -> str | Grid:
        return kernel if isinstance(kernel, str) else rectangular(kernel)

    @model_validator(mode="after")
    def _one_source(self) -> ConvolveRequest:
        if self.example is not None and (self.image is not None or self.digit is not None):
            raise ValueError("give one input: `example`, `image` or `digit`, not two")
        if self.example is None:
            one_source(self.image, self.digit, self.index, f"1..{MAX_IMAGE_SIDE}")
        if self.input_size is not None and self.digit is None:
            raise ValueError("`input_size` sizes an MNIST `digit`; give `digit` too, or drop `input_size`")
        return self
