"""The training routes' requests: how to train a LeNet live, and which model the network view uses.

Every field is bounded so that a job stays short. The answers are records of
``convscope.lessons.training``; see `convscope.server.schemas`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from convscope.errors import SettingError
from convscope.lessons.network import ModelChoice
from convscope.server.schemas.common import STRICT

TRAIN_SET_SIZE = 8000  # convscope.data.train_test_split's training part
MAX_STEPS_PER_SECOND = 100  # faster than a page can redraw: use full speed instead


class TrainingRequest(BaseModel):
    """How to train a LeNet on the bundled digits; every field is bounded so a job stays short."""

    model_config = STRICT

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
    steps_per_second: float | None = Field(
        None,
        gt=0,
        le=MAX_STEPS_PER_SECOND,
        allow_inf_nan=False,
        description="Slow mode: at most this many training steps a second, so the filters and curves can "
        "be watched changing (null: full speed). Pacing does not change the weights.",
    )
    train_size: int = Field(
        TRAIN_SET_SIZE,
        ge=64,
        le=TRAIN_SET_SIZE,
        description="How many of the 8,000 training digits to use (fewer: a quick demo).",
    )


class StopRequest(BaseModel):
    """Nothing to say: stopping has no settings. A JSON body (``{}``) is still required, as for every POST,
    so that a form or a no-cors request from another site cannot send it (see `convscope.server.security`).
    """

    model_config = STRICT


class UseRequest(BaseModel):
    """Which model the network view should use."""

    model_config = STRICT

    model: ModelChoice = Field("trained", description="`trained` (the last job's model) or `pretrained`.")


MAX_EVENT_ID_DIGITS = 18  # fits an int64; a job publishes a few thousand events


def first_event(last_event_id: str | None) -> int:
    """The first event to send after a ``Last-Event-ID`` header (0 without one).

    Parsed strictly, as ASCII digits of bounded length: ``int`` also reads Arabic-Indic digits and
    refuses more than 4,300 digits with a ValueError, which used to be a 500.

    Examples
    --------
    >>> first_event("41"), first_event(None)
    (42, 0)
    >>> first_event("٣")
    Traceback (most recent call last):
    ...
    convscope.errors.SettingError: Last-Event-ID: must be an event number, 1 to 18 ASCII digits (got '٣')
    """
    if not last_event_id:  # absent, or empty as a browser never sends it
        return 0
    if not (0 < len(last_event_id) <= MAX_EVENT_ID_DIGITS and last_event_id.isascii()
            and last_event_id.isdigit()):
        raise SettingError("Last-Event-ID", f"must be an event number, 1 to {MAX_EVENT_ID_DIGITS} ASCII "
                           f"digits (got {last_event_id[:20]!r})")
    return int(last_event_id) + 1
