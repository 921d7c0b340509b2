"""The JSON contract of the network explorer and live training: request models with their limits, and
response models that document the answers in ``/openapi.json``.

Requests are strict like the playground's (``"3"`` is not an integer, NaN is refused, unknown fields are
rejected). The routes return plain dicts; the response models are documentation.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from convscope.server.schemas import Grid

# Limits named once: the models, the error messages and the docs all use these.
MIN_DRAWING_SIDE = 8
MAX_DRAWING_SIDE = 280  # the page's canvas
TRAIN_SET_SIZE = 8000  # convscope.data.train_test_split's training part

Ink = Annotated[float, Field(allow_inf_nan=False)]  # [0, 1] is checked once per image, not per pixel
DrawingRow = Annotated[list[Ink], Field(min_length=MIN_DRAWING_SIDE, max_length=MAX_DRAWING_SIDE)]
ModelChoice = Literal["pretrained", "trained"]
_STRICT = ConfigDict(strict=True, extra="forbid")


class NetworkInput(BaseModel):
    """One image for the network: a drawing, or an MNIST digit; and which model reads it."""

    model_config = _STRICT

    image: list[DrawingRow] | None = Field(
        None,
        min_length=MIN_DRAWING_SIDE,
        max_length=MAX_DRAWING_SIDE,
        description=f"A drawing, white ink on black: a rectangular 2-D list of numbers in [0, 1], each side "
        f"{MIN_DRAWING_SIDE}..{MAX_DRAWING_SIDE}. It is cropped, fitted into 20x20 and centred like MNIST.",
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
    def _rectangular_in_range(cls, rows: list[list[float]] | None) -> list[list[float]] | None:
        """Refuse ragged rows and ink outside [0, 1] with one message (not one per pixel of a canvas)."""
        if rows is None:
            return None
        widths = [len(row) for row in rows]
        for i, width in enumerate(widths):
            if width != widths[0]:
                raise ValueError(f"must be rectangular: row 0 has {widths[0]} values but row {i} has {width}")
        values = np.asarray(rows, dtype=np.float64)  # (H, W)
        outside = (values < 0) | (values > 1)
        if outside.any():
            r, c = (int(i) for i in np.argwhere(outside)[0])
            raise ValueError(
                f"every value must be in [0, 1] (ink 0..1, not 0..255); image[{r}][{c}] is {values[r, c]:g} "
                f"and {int(outside.sum())} values are outside"
            )
        return rows

    @model_validator(mode="after")
    def _one_source(self) -> NetworkInput:
        if (self.image is None) == (self.digit is None):
            raise ValueError(
                f"give either `image` (a drawing, each side {MIN_DRAWING_SIDE}..{MAX_DRAWING_SIDE}) or "
                "`digit` (0..9, with `index`), not both"
                if self.image is not None
                else f"give `image` (a drawing, each side {MIN_DRAWING_SIDE}..{MAX_DRAWING_SIDE}) or "
                "`digit` (0..9, with `index`)"
            )
        if self.index is not None and self.digit is None:
            raise ValueError("`index` picks an example of `digit`; give `digit` too, or drop `index`")
        return self


class PredictRequest(NetworkInput):
    """What the network should read."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"digit": 7, "index": 0}, {"image": [[0.0] * 8] * 8}]}
    )


class UnitRequest(NetworkInput):
    """Which unit to explain, for which image."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"digit": 3, "layer": "conv2", "unit": [5, 3, 7]}]}
    )

    layer: str = Field(min_length=1, max_length=40, description="A layer name from GET /api/network/model.")
    unit: list[int] = Field(
        min_length=1,
        max_length=3,
        description="[channel, row, col] in a feature map, or [index] in a vector (0-based).",
    )


class TrainingRequest(BaseModel):
    """How to train a LeNet on the bundled digits; every field is bounded so a job stays short."""

    model_config = _STRICT

    conv1_channels: int = Field(6, ge=1, le=32, description="Feature maps of conv1.")
    conv2_channels: int = Field(16, ge=1, le=32, description="Feature maps of conv2.")
    kernel_size: Literal[3, 5] = Field(5, description="Side of both convolutions' kernels.")
    lr: float = Field(2e-3, gt=0, le=1, allow_inf_nan=False, description="Learning rate (cosine decay).")
    batch_size: int = Field(64, ge=8, le=512, description="Images per gradient step.")
    epochs: int = Field(3, ge=1, le=20, description="Passes over the training digits.")
    optimizer: Literal["sgd", "adam"] = Field("adam", description="Adam, or SGD with momentum 0.9.")
    loss: Literal["cross_entropy", "half_squared_error"] = Field("cross_entropy")
    augment: int = Field(0, ge=0, le=4, description="Shift each training digit by up to this many pixels.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Initial weights, shuffles and shifts.")
    train_size: int = Field(
        TRAIN_SET_SIZE,
        ge=64,
        le=TRAIN_SET_SIZE,
        description="How many of the 8,000 training digits to use (fewer: a quick demo).",
    )


class Preprocessing(BaseModel):
    """Every stage from the drawing to LeNet's input (convscope.data.to_mnist)."""

    box: list[int] | None = Field(
        description="[top, bottom, left, right] of the ink (half-open); null if blank."
    )
    cropped: Grid
    fitted: Grid = Field(description="Fitted into 20x20, aspect kept.")
    centred: Grid = Field(description="28x28, centre of mass at (14, 14).")
    padded: Grid = Field(description="32x32: the network's input.")


class LayerValues(BaseModel):
    """One layer's output for the image."""

    name: str
    kind: str = Field(description='"conv", "relu", "pool", "flatten", "fc" or "softmax" (also "tanh", ...).')
    shape: list[int] = Field(description="(C, H, W) for feature maps, (F,) for vectors.")
    values: list[Any] = Field(description="Nested lists of that shape, rounded to 5 decimals.")


class PredictResponse(BaseModel):
    """The network's answer and everything it computed on the way."""

    empty: bool = Field(description="True for a blank drawing: no prediction is made.")
    message: str | None = Field(description="Why there is no prediction (blank drawing); else null.")
    model: ModelChoice = Field(description="Which network answered.")
    prediction: int | None
    probabilities: list[float] = Field(description="10 class probabilities; [] when empty.")
    preprocessing: Preprocessing
    layers: list[LayerValues] = Field(description="Every layer's output, in order; [] when empty.")


class UnitResponse(BaseModel):
    """One unit explained (convscope.explore.explain_unit): see its documentation for the fields by kind."""

    model_config = ConfigDict(extra="allow")

    layer: str
    kind: str
    unit: list[int]
    value: float = Field(description="The unit's output, as the network computed it.")
    rule: str
    receptive_field: dict[str, Any] = Field(
        description="input: [r0, r1, c0, c1] inclusive in the 32x32 input, clipped; unclipped; size; "
        "per_layer."
    )


class ModelLayer(BaseModel):
    """One layer of the active model."""

    name: str
    kind: str
    shape: list[int]
    params: int


class ModelResponse(BaseModel):
    """The active model: its layers and its first filters."""

    source: ModelChoice
    layers: list[ModelLayer]
    conv1_filters: list[Any] = Field(description="(C, kH, kW) nested lists: conv1's filters.")
    accuracy: float | None = Field(description="Accuracy on the 2,000 held-out digits, if known.")


class TrainingStarted(BaseModel):
    """The job was started (202)."""

    job: str = Field(description="The job's id; events for it stream from GET /api/training/events.")


class TrainingStatus(BaseModel):
    """Where training stands, with its history so a reloaded page can redraw its charts."""

    model_config = ConfigDict(extra="allow")

    state: Literal["idle", "running", "done", "stopped", "error"]
    job: str | None
    active_model: ModelChoice
    config: dict[str, Any] | None
    progress: list[dict[str, Any]] = Field(description="Every progress event (without filters).")
    epochs: list[dict[str, Any]] = Field(description="Every epoch event.")
    last: dict[str, Any] | None = Field(description="The latest event, filters included.")
