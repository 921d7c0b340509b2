"""The network explorer's requests: one drawing (or MNIST digit), which model reads it, which unit.

The answers are the lesson's records (``convscope.lessons.network``); see `convscope.server.schemas`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from convscope.lessons.network import ModelChoice
from convscope.server.schemas.common import (
    STRICT,
    FiniteFloat,
    Grid,
    exactly_one,
    one_source,
    rectangular,
    within_unit_interval,
)

# Limits named once: the models, the error messages and the docs all use these.
MIN_DRAWING_SIDE = 8
MAX_DRAWING_SIDE = 280  # the page's canvas

# [0, 1] is checked once per image, not per pixel (a 280x280 canvas would give 78,400 errors), but the
# schema still says it: a client (or a fuzzer) reading the docs must not be refused for a documented value.
Ink = Annotated[FiniteFloat, WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]
DrawingRow = Annotated[list[Ink], Field(min_length=MIN_DRAWING_SIDE, max_length=MAX_DRAWING_SIDE)]
SIDES = f"{MIN_DRAWING_SIDE}..{MAX_DRAWING_SIDE}"
SOURCE_RULE = exactly_one(("image", "array"), ("digit", "integer"), ("index", "integer"))


class NetworkInput(BaseModel):
    """One image for the network: a drawing, or an MNIST digit; and which model reads it."""

    model_config = STRICT

    image: list[DrawingRow] | None = Field(
        None,
        min_length=MIN_DRAWING_SIDE,
        max_length=MAX_DRAWING_SIDE,
        description=f"A drawing, white ink on black: a rectangular 2-D list of numbers in [0, 1], each side "
        f"{SIDES}. It is cropped, fitted into 20x20 and centred like MNIST.",
    )
    digit: int | None = Field(None, ge=0, le=9, description="An MNIST digit class 0..9 instead of a drawing.")
    index: int | None = Field(None, ge=0, description="Which example of `digit` (default 0).")
    model: ModelChoice | None = Field(
        None,
        description="Which network reads it: the shipped `pretrained` one, or the `trained` one from the "
        "last finished training job. Default: the active model (see POST /api/training/use).",
    )

    @field_validator("image")
    @classmethod
    def _rectangular_in_range(cls, rows: Grid | None) -> Grid | None:
        return None if rows is None else within_unit_interval(rectangular(rows))

    @model_validator(mode="after")
    def _one_source(self) -> NetworkInput:
        one_source(self.image, self.digit, self.index, SIDES)
        return self


class PredictRequest(NetworkInput):
    """What the network should read."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"digit": 7, "index": 0}, {"image": [[0.0] * 8] * 8}], **SOURCE_RULE}
    )


class UnitRequest(NetworkInput):
    """Which unit to explain, for which image."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"digit": 3, "layer": "conv2", "unit": [5, 3, 7]}], **SOURCE_RULE}
    )

    layer: str = Field(min_length=1, max_length=40, description="A layer name from GET /api/network/model.")
    unit: list[int] = Field(
        min_length=1,
        max_length=3,
        description="[channel, row, col] in a feature map, or [index] in a vector (0-based).",
    )
