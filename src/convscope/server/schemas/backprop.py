"""The explained training step's request: which bundled digit, from which initial weights, at what rate.

The answer is ``convscope.lessons.backprop.StepExplanation``; see `convscope.server.schemas`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from convscope.server.schemas.common import STRICT


class StepRequest(BaseModel):
    """One backpropagation step for one digit through the LeNet a run with ``seed`` starts from."""

    model_config = ConfigDict(**STRICT, json_schema_extra={"examples": [{"digit": 7, "index": 0}]})

    digit: int = Field(7, ge=0, le=9, description="A bundled digit class 0..9: the image and its label.")
    index: int = Field(0, ge=0, description="Which example of `digit`.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="The initial weights: a run's with this seed.")
    lr: float = Field(0.1, gt=0, le=10, allow_inf_nan=False,
                      description="Learning rate of the update shown: w - lr × dL/dw, plain descent.")
