"""Live training as the page sees it: the events a job publishes and the status that sums them up.

A `TrainingJob` (``convscope.lessons.training_job``) trains in a background thread and publishes typed
events (`ProgressEvent`, `EndEvent`); `status` is the snapshot a (re)loaded page draws its charts from.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from convscope.lessons.network import ModelChoice
from convscope.lessons.training_job import EndEvent, ProgressEvent, TrainingEvent, TrainingJob
from convscope.recipe import RecipeSettings

__all__ = ["EndEvent", "ProgressEvent", "TrainingEvent", "TrainingStarted", "TrainingStatus", "status"]

JobState = Literal["idle", "running", "done", "stopped", "error"]


class TrainingStarted(TypedDict):
    """The job was started (202)."""

    job: str
    """The job's id; events for it stream from GET /api/training/events."""


class TrainingStatus(TypedDict):
    """Where training stands, with its history so a reloaded page can redraw its charts."""

    state: JobState
    job: str | None
    active_model: ModelChoice
    config: RecipeSettings | None
    """The job's settings, as the Training page sends them."""
    steps_per_second: float | None
    """The job's slow mode: at most this many steps a second; null at full speed (or no job)."""
    progress: list[ProgressEvent]
    """Every progress event (without filters)."""
    epochs: list[ProgressEvent]
    """Every epoch event (without filters)."""
    last: TrainingEvent | None
    """The latest event, filters included."""


def status(job: TrainingJob | None, active: ModelChoice) -> TrainingStatus:
    """The status document of ``job`` (None: nothing trained yet), with the model in use."""
    if job is None:
        return {"state": "idle", "job": None, "active_model": active, "config": None,
                "steps_per_second": None, "progress": [], "epochs": [], "last": None}
    events = job.events_since(0)
    return {
        "state": job.state,
        "job": job.id,
        "active_model": active,
        "config": job.recipe.to_dict(),
        "steps_per_second": job.pacer.steps_per_second,
        "progress": [_without_filters(e) for e in events if e["type"] == "progress"],
        "epochs": [_without_filters(e) for e in events if e["type"] == "epoch"],
        "last": events[-1] if events else None,
    }


def _without_filters(event: ProgressEvent) -> ProgressEvent:
    """A progress or epoch event without its (large) conv1 filters."""
    light = event.copy()
    light.pop("conv1_filters", None)
    return light
