"""What one running app remembers: the models the network view can show and its one training job.

`NetworkState` is per app (``app.state.network``), never global, so a test can build as many apps as it
likes. Requests from many threads read it under one lock. Asking for a model that is not there yet, or
not now, is a `convscope.errors.SettingError` of kind ``"missing"`` or ``"busy"`` (404 and 409 over HTTP).
"""

from __future__ import annotations

import threading
import uuid
import weakref
from typing import Any

from convscope.errors import SettingError
from convscope.lessons.network import ModelChoice, held_out_accuracy
from convscope.lessons.training_job import TrainingJob
from convscope.nn import Sequential, pretrained
from convscope.recipe import Recipe


class NetworkState:
    """The models the network view can show and the server's one training job, shared under a lock.

    Parameters
    ----------
    model : the pretrained network; default ``convscope.nn.pretrained()``
    idle_timeout, max_seconds, progress_every, filters_every : passed to each `TrainingJob`

    Examples
    --------
    >>> state = NetworkState()
    >>> state.model(None)[0]
    'pretrained'
    """

    def __init__(
        self,
        model: Sequential | None = None,
        *,
        idle_timeout: float = 30.0,
        max_seconds: float = 900.0,
        progress_every: int = 5,
        filters_every: int = 25,
    ) -> None:
        self.pretrained = pretrained() if model is None else model
        self.job_options: dict[str, Any] = {
            "idle_timeout": idle_timeout,
            "max_seconds": max_seconds,
            "progress_every": progress_every,
            "filters_every": filters_every,
        }
        self.lock = threading.Lock()
        self.job: TrainingJob | None = None
        self.active: ModelChoice = "pretrained"
        self.in_use: Sequential | None = None  # the trained model put in use (it outlives later jobs)
        self._accuracy: weakref.WeakKeyDictionary[Sequential, float] = weakref.WeakKeyDictionary()

    def model(self, which: ModelChoice | None) -> tuple[ModelChoice, Sequential]:
        """The model a request asked for (None: the active one), or a `SettingError` saying why not."""
        with self.lock:
            if which is None and self.active == "trained" and self.in_use is not None:
                return "trained", self.in_use
        if which == "trained":
            return "trained", self.trained()
        return "pretrained", self.pretrained

    def trained(self) -> Sequential:
        """The model of the last training job, once it has ended (missing if none, busy while running)."""
        with self.lock:
            job = self.job
        if job is None:
            raise SettingError("model", "no trained model yet: start one with POST /api/training", "missing")
        if job.state == "running":
            raise SettingError("model", "training is still running; stop it or wait for it to finish", "busy")
        if job.state == "error":
            raise SettingError("model", "the last training job failed; its weights are not usable", "busy")
        return job.model

    def start(self, recipe: Recipe, steps_per_second: float | None = None) -> TrainingJob:
        """Start a training job (paced to ``steps_per_second`` if given), or a busy `SettingError` if one
        is running (one job per server)."""
        with self.lock:
            if self.job is not None and self.job.state == "running":
                raise SettingError(
                    "training", f"already training (job {self.job.id}); stop it first with POST "
                    "/api/training/stop", "busy"
                )
            self.job = TrainingJob(
                recipe, uuid.uuid4().hex[:8], steps_per_second=steps_per_second, **self.job_options
            )
            self.job.start()
            return self.job

    def use(self, which: ModelChoice) -> ModelChoice:
        """Make ``which`` the active model of the network view."""
        model = self.trained() if which == "trained" else None
        with self.lock:
            self.active, self.in_use = which, model if model is not None else self.in_use
        return which

    def accuracy(self, model: Sequential) -> float:
        """Accuracy on the 2,000 held-out digits (computed once per model, ~0.5 s).

        A training job's model has its job's figure (measured on the same digits when it ended), so the
        network view and the Training page show one number for it.
        """
        with self.lock:
            jobs = [job for job in (self.job,) if job is not None]
        for job in jobs:
            if model is job.model and job.state != "running" and job.accuracy is not None:
                return job.accuracy
        if model not in self._accuracy:
            self._accuracy[model] = held_out_accuracy(model)
        return self._accuracy[model]
