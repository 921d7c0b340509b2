"""One live training job: a LeNet trained on the bundled digits in a background thread, stoppable at any
batch, its progress kept as a list of JSON events that any number of event-stream clients read.

The job is the only owner of the model it trains; nothing else touches it until the job has ended
(``state`` is no longer ``"running"``), after which the model never changes again and may be served.
Three things stop a job besides finishing: ``stop()``; nobody listening (no event-stream client for
``idle_timeout`` seconds: the page was closed); and the hard cap of ``max_seconds``. The run is built by
``convscope.recipe.prepare``, as ``convscope train``'s is: the same recipe gives the same weights.
A job may be slowed to ``steps_per_second`` (`convscope.lessons.pacing.Pacer`) so it can be watched;
pacing never changes the weights, only when each step happens.

The job's held-out accuracy is the one number every page shows for its model: after each epoch, and for
a stopped job, of the weights it stopped with (the last epoch's figure would describe older weights).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, NotRequired

import numpy as np
from typing_extensions import TypedDict

from convscope.lessons.pacing import Pacer
from convscope.lessons.smoothing import BatchAverage
from convscope.nn import Conv2d, Sequential
from convscope.recipe import Recipe, Run, prepare
from convscope.train import Progress, evaluate

State = Literal["running", "done", "stopped", "error"]
Filters = list[list[list[float]]]  # (C, kH, kW)


class ProgressEvent(TypedDict):
    """After a batch (``progress``) or an epoch (``epoch``, with the held-out numbers)."""

    id: int
    type: Literal["progress", "epoch"]
    epoch: int
    """1-based."""
    epochs: int
    batch: int
    """1-based, within the epoch."""
    batches: int
    images: int
    """Digits in this batch (the last of an epoch may be short); an epoch event: the epoch's."""
    loss: float | None
    """This batch's mean loss (an epoch's: its mean); null if not a finite number."""
    accuracy: float | None
    smooth_loss: float | None
    """The loss averaged over recent batches, each weighted by its size (`BatchAverage`)."""
    smooth_accuracy: float | None
    images_per_second: float | None
    lr: float | None
    val_loss: float | None
    """Held-out loss, in epoch events."""
    val_accuracy: float | None
    """Held-out accuracy, in epoch events."""
    conv1_filters: NotRequired[Filters]
    """(C, kH, kW): conv1's weights, in epoch events and every few batches."""


class EndEvent(TypedDict):
    """The job's last event: it finished, was stopped (and why), or failed (and why)."""

    id: int
    type: Literal["done", "stopped", "error"]
    accuracy: float | None
    """Held-out accuracy of the final weights (a stopped job's too); null if a failed job has none."""
    seconds: NotRequired[float]
    """How long training took (done)."""
    reason: NotRequired[str | None]
    """Why it stopped (stopped)."""
    message: NotRequired[str]
    """What went wrong (error)."""


TrainingEvent = ProgressEvent | EndEvent


class _DivergedError(Exception):
    """Raised from the progress callback to end ``fit`` with an error (the loss diverged)."""


class TrainingJob:
    """Train the run ``recipe`` describes in a daemon thread, publishing events as it goes.

    Parameters
    ----------
    recipe : what to train (the page's JSON for it is ``recipe.to_dict()``)
    job_id : the id clients see
    idle_timeout : seconds without any event-stream client after which the job stops itself
    max_seconds : hard cap on the job's wall time
    progress_every : publish a progress event every this many batches (and at each epoch's last)
    filters_every : include conv1's filters in every this-many-th batch's event (and in epoch events)
    steps_per_second : at most this many training steps a second (None: full speed); a paced job
        publishes every batch, filters included, since each is worth watching
    clock, sleep : the pacer's (tests pass fake ones); the default sleep wakes early on ``stop()``

    Examples
    --------
    >>> from convscope.train import TrainConfig
    >>> job = TrainingJob(Recipe(train_size=64, fit=TrainConfig(epochs=1, batch_size=32)), "demo")
    >>> job.start()
    >>> job.wait(60)
    True
    >>> job.state, [e["type"] for e in job.events_since(0)][-2:]
    ('done', ['epoch', 'done'])
    """

    def __init__(
        self,
        recipe: Recipe,
        job_id: str,
        *,
        idle_timeout: float = 30.0,
        max_seconds: float = 900.0,
        progress_every: int = 5,
        filters_every: int = 25,
        steps_per_second: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self.recipe = recipe
        self.id = job_id
        self.idle_timeout = idle_timeout
        self.max_seconds = max_seconds
        paced = steps_per_second is not None
        self.progress_every = 1 if paced else progress_every
        self.filters_every = 1 if paced else filters_every
        self._stopping = threading.Event()
        self.pacer = Pacer(steps_per_second, clock=clock, sleep=sleep or self._stopping.wait)
        batch = recipe.fit.batch_size
        self._smooth = (BatchAverage(batch), BatchAverage(batch))  # loss, accuracy
        run = prepare(recipe)  # ~0.1 s (the bundle is read once per process): fine in the request
        self.model: Sequential = run.model
        self.accuracy: float | None = None  # held-out accuracy after the last finished epoch
        self._lock = threading.Lock()
        self._events: list[TrainingEvent] = []
        self._state: State = "running"
        self._stop_reason: str | None = None
        self._subscribers = 0
        self._last_listener = time.monotonic()  # when the last client left (or the job began)
        self._started = time.monotonic()
        self._finished = threading.Event()
        # Only the thread holds the run, so its digits are freed when training ends.
        self._thread = threading.Thread(
            target=self._run, args=(run,), name=f"convscope-training-{job_id}", daemon=True
        )

    # -- control, from request threads ---------------------------------------------------------------

    def start(self) -> None:
        """Begin training in the background."""
        self._started = self._last_listener = time.monotonic()
        self._thread.start()

    def stop(self, reason: str = "you pressed Stop") -> None:
        """Ask the job to stop after the current batch (no effect once it has ended).

        ``reason`` completes "Stopped: ...", as the page shows it.
        """
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = reason
        self._stopping.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has ended; False if ``timeout`` seconds passed first."""
        return self._finished.wait(timeout)

    @property
    def state(self) -> State:
        """``"running"``, ``"done"``, ``"stopped"`` or ``"error"``."""
        with self._lock:
            return self._state

    def events_since(self, first: int) -> list[TrainingEvent]:
        """The events from number ``first`` on (0 for all): what a new or reconnected client missed."""
        with self._lock:
            return self._events[first:]

    @contextmanager
    def listening(self) -> Iterator[None]:
        """Count an event-stream client for as long as the block runs (the idle timer pauses)."""
        with self._lock:
            self._subscribers += 1
        try:
            yield
        finally:
            with self._lock:
                self._subscribers -= 1
                self._last_listener = time.monotonic()

    # -- the training thread --------------------------------------------------------------------------

    def _run(self, run: Run) -> None:
        """Train, validating after every epoch, and publish the ending event; never raises."""
        try:
            history = run.fit(self._on_progress, self._should_stop, validate=True)
            if history.stopped:
                # The weights moved on since the last epoch's check: measure the ones the job stops with.
                self.accuracy = evaluate(self.model, run.held_out_x, run.held_out_y).accuracy
                reason = self._stop_reason
                self._end({"id": 0, "type": "stopped", "accuracy": self.accuracy, "reason": reason})
            else:
                self._end({"id": 0, "type": "done", "accuracy": self.accuracy, "seconds": history.seconds})
        except Exception as err:  # the job must end with an event the page can show, whatever happened
            self._end({"id": 0, "type": "error", "accuracy": self.accuracy, "message": str(err)})

    def _should_stop(self) -> bool:
        """Polled by ``fit`` after every batch; a paced job waits here for its next step's turn."""
        self.pacer.wait()
        now = time.monotonic()
        with self._lock:
            if self._subscribers == 0 and now - self._last_listener > self.idle_timeout:
                self._stop_reason = self._stop_reason or f"no page listening for {self.idle_timeout:g} s"
            elif now - self._started > self.max_seconds:
                self._stop_reason = self._stop_reason or f"time limit of {self.max_seconds:g} s reached"
            return self._stop_reason is not None

    def _on_progress(self, progress: Progress) -> None:
        """Turn ``fit``'s report into an event, for every ``progress_every``-th batch and every epoch."""
        if not math.isfinite(progress.loss):
            raise _DivergedError(
                f"the loss became {progress.loss} at epoch {progress.epoch}, batch {progress.batch}: "
                "training diverged; lower the learning rate"
            )
        last = progress.batch == progress.batches
        images = self._images(progress)
        loss_avg, accuracy_avg = self._smooth
        if progress.kind == "batch":
            loss_avg.add(progress.loss, images)
            accuracy_avg.add(progress.accuracy, images)
            if not (progress.batch % self.progress_every == 0 or last):
                return
        event: ProgressEvent = {
            "id": 0,  # numbered when published
            "type": "progress" if progress.kind == "batch" else "epoch",
            "epoch": progress.epoch,
            "epochs": progress.epochs,
            "batch": progress.batch,
            "batches": progress.batches,
            "images": images,
            "loss": _finite(progress.loss),
            "accuracy": _finite(progress.accuracy),
            "smooth_loss": _finite(loss_avg.value),
            "smooth_accuracy": _finite(accuracy_avg.value),
            "images_per_second": _finite(progress.images_per_second),
            "lr": _finite(progress.lr),
            "val_loss": _finite(progress.val_loss),
            "val_accuracy": _finite(progress.val_accuracy),
        }
        if progress.kind == "epoch" or progress.batch % self.filters_every == 0:
            event["conv1_filters"] = self.conv1_filters()
        if progress.kind == "epoch":
            self.accuracy = progress.val_accuracy
        self._publish(event)

    def _images(self, progress: Progress) -> int:
        """How many digits the reported batch held (an epoch report: the whole epoch's)."""
        total, size = self.recipe.train_size, self.recipe.fit.batch_size
        if progress.kind == "epoch":
            return total
        return min(size, total - (progress.batch - 1) * size)

    def conv1_filters(self) -> Filters:
        """conv1's weights (C, kH, kW) as nested lists, rounded for the page."""
        conv1 = self.model["conv1"]
        assert isinstance(conv1, Conv2d)
        filters: Filters = np.round(conv1.weight.data[:, 0].astype(np.float64), 5).tolist()
        return filters

    def _publish(self, event: TrainingEvent) -> None:
        """Number the event and add it to the list clients read."""
        with self._lock:
            event["id"] = len(self._events)
            self._events.append(event)

    def _end(self, event: EndEvent) -> None:
        """Publish the final event and mark the job ended (the model is now frozen)."""
        with self._lock:
            event["id"] = len(self._events)
            self._events.append(event)
            self._state = event["type"]
        self._finished.set()


def _finite(value: float | None) -> float | None:
    """NaN and infinity become None: strict JSON (and the browser's JSON.parse) has no word for them."""
    return None if value is None or not math.isfinite(value) else float(value)
