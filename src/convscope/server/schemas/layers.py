"""The Layers page's request: an input, a bank of filters, one unit, an activation and a pooling.

Limits live beside the lesson that judges them (``convscope.lessons.layers`` and ``.layers_pooling``)
and are named once. What only the lesson can judge (more named filters than exist at a kernel size,
pool padding above half the pool kernel, a pool kernel larger than the map, a unit outside the output,
an MNIST example that is not there) is its 400, naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from convscope.lessons.layers import (
    MAX_FILTERS,
    MAX_KERNEL_SIZE,
    MAX_PADDING,
    MAX_SEED,
    MAX_STRIDE,
    LayerSetting,
)
from convscope.lessons.layers_pooling import MAX_POOL_KERNEL_SIZE, MAX_POOL_PADDING, MAX_POOL_STRIDE
from convscope.lessons.layers_records import ActivationName
from convscope.server.schemas.common import STRICT

# INPUT_NAMES, spelled out for the schema's enum (tested)
InputName = Literal["photo", "shapes", "digits", "digit"]
Unit = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=3, max_length=3)]


class LayersRequest(BaseModel):
    """One setting of the Layers page; every field has a default, so ``{}`` is the page's first view."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [
        {"input": "shapes", "filters": 4, "kernel_size": 3, "stride": 1, "padding": 1, "init": "named",
         "unit": [0, 9, 4], "activation": "relu", "pool_kernel_size": 2, "pool_stride": 2}]})

    input: InputName = Field("shapes", description="photo, shapes or digits (3 colour channels, 32x32), or "
                             "digit (one MNIST digit, 1 channel, 28x28).")
    digit: int = Field(3, ge=0, le=9, description="The MNIST class, for input `digit`.")
    index: int = Field(0, ge=0, description="Which example of `digit`.")
    filters: int = Field(4, ge=1, le=MAX_FILTERS, description=f"How many filters: 1..{MAX_FILTERS}.")
    kernel_size: int = Field(3, ge=1, le=MAX_KERNEL_SIZE, description="Each filter's side k.")
    stride: int = Field(1, ge=1, le=MAX_STRIDE)
    padding: int = Field(1, ge=0, le=MAX_PADDING, description="Zeros on each side of the input.")
    init: Literal["named", "random"] = Field("named", description="Named filters (edges, blurs per "
                                             "channel) or random ones, drawn like torch.nn.Conv2d's.")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of the random filters' generator.")
    unit: Unit | None = Field(None, description="[filter, row, col] of the output unit to explain; "
                              "default: filter 0's strongest response.")
    activation: ActivationName = Field("relu")
    negative_slope: float = Field(0.01, ge=0, le=1, allow_inf_nan=False, description="Leaky ReLU's slope.")
    pool_kernel_size: int = Field(2, ge=1, le=MAX_POOL_KERNEL_SIZE)
    pool_stride: int = Field(2, ge=1, le=MAX_POOL_STRIDE)
    pool_padding: int = Field(0, ge=0, le=MAX_POOL_PADDING, description="At most half the pool kernel.")

    def setting(self) -> LayerSetting:
        """The lesson's setting: the same fields, converted once here."""
        fields = self.model_dump()
        unit = fields.pop("unit")
        return LayerSetting(**fields, unit=None if unit is None else (unit[0], unit[1], unit[2]))
