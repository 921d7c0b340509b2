"""Live training as the page sees it: the events a job publishes and the status that sums them up.

A `TrainingJob` (``convscope.lessons.training_job``) trains in a background thread and publishes events;
`status` is the snapshot a (re)loaded page draws its charts from. Both are typed records here.
"""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

from convscope.lessons.network import ModelChoice
from convscope.lessons.training_job import TrainingJob

JobState = Literal["idle", "running", "done", "stopped", "error"]


class TrainingStarted(TypedDict):
    """The job was started (202)."""

    job: str
    """The job's id; events for it stream from GET /api/training/events."""


class JobConfig(TypedDict):
    """The settings a job trains with (the request, with its defaults filled in)."""

    conv1_channels: int
    conv2_channels: int
    kernel_size: int
    lr: float
    batch_size: int
    epochs: int
    optimizer: str
    loss: str
    augment: int
    seed: int
    train_size: int


class ProgressEvent(TypedDict):
    """After a batch (``progress``) or an epoch (``epoch``, with the held-out numbers)."""

    id: int
    type: Literal["progress", "epoch"]
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float | None
    """null if the loss is not a finite number."""
    accuracy: float | None
    images_per_second: float | None
    lr: float | None
    val_loss: float | None
    val_accuracy: float | None
    conv1_filters: NotRequired[list[list[list[float]]]]
    """(C, kH, kW): conv1's weights, in epoch events and every few batches."""


class EndEvent(TypedDict):
    """The job's last event: it finished, was stopped (and why), or failed (and why)."""

    id: int
    type: Literal["done", "stopped", "error"]
    accuracy: float | None
    """Held-out accuracy after the last finished epoch; null if none finished."""
    seconds: NotRequired[float]
    reason: NotRequired[str | None]
    message: NotRequired[str]


TrainingEvent = ProgressEvent | EndEvent


class TrainingStatus(TypedDict):
    """Where training stands, with its history so a reloaded page can redraw its charts."""

    state: JobState
    job: str | None
    active_model: ModelChoice
    config: JobConfig | None
    progress: list[ProgressEvent]
    """Every progress event (without filters)."""
    epochs: list[ProgressEvent]
    """Every epoch event (without filters)."""
    last: TrainingEvent | None
    """The latest event, filters included."""


def status(job: TrainingJob | None, active: ModelChoice) -> TrainingStatus:
    """The status document of ``job`` (None: nothing trained yet), with the model in use."""
    if job is None:
        return {"state": "idle", "job": None, "active_model": active, "config": None, "progress": [],
                "epochs": [], "last": None}
    events = job.events_since(0)
    return {
        "state": job.state,
        "job": job.id,
        "active_model": active,
        "config": job.config(),
        "progress": [_without_filters(e) for e in events if e["type"] == "progress"],
        "epochs": [_without_filters(e) for e in events if e["type"] == "epoch"],
        "last": events[-1] if events else None,
    }


def _without_filters(event: ProgressEvent) -> ProgressEvent:
    """A progress or epoch event without its (large) conv1 filters."""
    light = event.copy()
    light.pop("conv1_filters", None)
    return light
