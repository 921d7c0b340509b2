"""The "Matrix & FFT" page's requests: a small convolution as a matrix, a signal and kernel for the FFT,
and a transposed convolution.

Limits live beside the lessons that judge them (``convscope.lessons.matrix``, ``.spectra``,
``.transposed``) and are named once. What depends on several fields (a kernel that does not fit the
padded input, an output_padding not below the stride or dilation, a 2-D crop larger than 8) is the
lesson's 400, whose message names the field and its allowed range.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from convscope.lessons import matrix, spectra, transposed
from convscope.server.schemas.common import STRICT

_SIZE = (min(r[0] for r in matrix.SIZE_RANGE.values()), max(r[1] for r in matrix.SIZE_RANGE.values()))
_KERNEL = (min(r[0] for r in matrix.KERNEL_RANGE.values()), max(r[1] for r in matrix.KERNEL_RANGE.values()))


class MatrixRequest(BaseModel):
    """A 1-D signal or a 2-D digit crop, a kernel size and the window's settings."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"dims": 1, "size": 8, "kernel_size": 3}, {"dims": 2, "size": 6, "kernel_size": 3, "stride": 1}]})

    dims: Literal[1, 2] = Field(1, description="1: a signal and kernel; 2: a digit crop and a square kernel.")
    size: int = Field(8, ge=_SIZE[0], le=_SIZE[1], description=(
        "The signal's length n ({}..{}) or the crop's side ({}..{}).".format(*matrix.SIZE_RANGE[1],
                                                                             *matrix.SIZE_RANGE[2])))
    kernel_size: int = Field(3, ge=_KERNEL[0], le=_KERNEL[1], description=(
        "Taps along each axis: {}..{} in 1-D, {}..{} in 2-D; it must fit the padded input.".format(
            *matrix.KERNEL_RANGE[1], *matrix.KERNEL_RANGE[2])))
    stride: int = Field(1, ge=1, le=matrix.MAX_STRIDE, description="Step between windows.")
    padding: int = Field(0, ge=0, le=matrix.MAX_PADDING, description="Zeros on each side.")
    dilation: int = Field(1, ge=1, le=matrix.MAX_DILATION, description="Spacing between taps (1: none).")
    digit: int = Field(3, ge=0, le=9, description="The MNIST digit class cropped in 2-D.")
    index: int = Field(0, ge=0, le=5000, description="Which example of that digit.")


# Each value within the lesson's bound, so the spectra's products stay finite (it refuses more with 400).
Value = Annotated[float, Field(ge=-spectra.MAX_VALUE, le=spectra.MAX_VALUE, allow_inf_nan=False)]
Signal = Annotated[list[Value], Field(min_length=spectra.MIN_SIGNAL, max_length=spectra.MAX_SIGNAL)]
Kernel = Annotated[list[Value], Field(min_length=1, max_length=spectra.MAX_KERNEL)]


class FftRequest(BaseModel):
    """A signal, a kernel, and whether to zero-pad before the DFT."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"signal": [1, 2, 3, 4], "kernel": [1, 1], "zero_pad": False}]})

    signal: Signal = Field(list(spectra.DEFAULT_SIGNAL), description=(
        f"f: {spectra.MIN_SIGNAL}..{spectra.MAX_SIGNAL} numbers, each at most {spectra.MAX_VALUE:g} "
        "in size."))
    kernel: Kernel = Field(list(spectra.DEFAULT_KERNEL), description=(
        f"g: 1..{spectra.MAX_KERNEL} numbers, each at most {spectra.MAX_VALUE:g} in size; without zero "
        "padding, no longer than the signal."))
    zero_pad: bool = Field(True, description="Pad both to n + k - 1 (the linear convolution); false: "
                           "length n, and the tail wraps round (circular convolution).")


class TransposedRequest(BaseModel):
    """A square single-channel transposed convolution, in PyTorch's argument names."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"input_size": 3, "kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}]})

    input_size: int = Field(3, ge=transposed.INPUT_RANGE[0], le=transposed.INPUT_RANGE[1],
                            description="The side of x, whose values are 1, 2, 3, ...")
    kernel_size: int = Field(3, ge=transposed.KERNEL_RANGE[0], le=transposed.KERNEL_RANGE[1],
                             description="The kernel's side; its weights are 1, 2, 3, ...")
    stride: int = Field(2, ge=1, le=transposed.MAX_STRIDE, description="Step between painted copies.")
    padding: int = Field(0, ge=0, le=transposed.MAX_PADDING,
                         description="Cells cropped from each side of the painted output.")
    output_padding: int = Field(0, ge=0, le=transposed.MAX_STRIDE - 1, description=(
        "Extra cells at the bottom and right: smaller than the stride or the dilation."))
    dilation: int = Field(1, ge=1, le=transposed.MAX_DILATION, description="Spacing between kernel taps.")
