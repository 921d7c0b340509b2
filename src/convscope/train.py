"""Train a ``Sequential`` with mini-batch gradient descent: ``TrainConfig``, ``fit``, ``evaluate``.

``fit`` reports every batch through a callback (epoch, batch, loss, accuracy, images/s), so a live UI can
stream progress, and asks ``should_stop()`` after every batch, so the UI can stop it. Everything random
(initial shuffles, augmentation) comes from one ``np.random.Generator``: the same seed gives the same
weights, bit for bit. ``convscope.recipe`` builds the run of LeNet on the bundled digits that the CLI and
the Training page both train.

With cross-entropy the loss takes the logits before the model's final ``Softmax`` (``model[:-1]``), as
``F.cross_entropy`` does: fusing softmax and log keeps the gradient exact for confident predictions.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from convscope import ops
from convscope._validate import as_array, check_int
from convscope.augment import random_shift
from convscope.nn.layers import FloatArray
from convscope.nn.model import Sequential
from convscope.nn.optim import SGD, Adam, Optimizer
from convscope.nn.parallel import ShardedStep, training_order
from convscope.ops.threads import available_cores

OPTIMIZERS = ("sgd", "adam")
LOSSES = ("cross_entropy", "half_squared_error")
SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class TrainConfig:
    """How to train; every field has a default that trains the shipped LeNet."""

    epochs: int = 40  # passes over the training set
    batch_size: int = 64  # images per gradient step
    lr: float = 3e-3  # initial learning rate (peak of the schedule)
    optimizer: str = "adam"  # "adam" (torch.optim.Adam) or "sgd" (torch.optim.SGD)
    momentum: float = 0.9  # SGD's momentum (ignored by Adam)
    weight_decay: float = 0.0  # L2 penalty added to every gradient, as torch.optim does
    lr_schedule: str = "cosine"  # "constant", or "cosine": decay to 0 over all steps (CosineAnnealingLR)
    loss: str = "cross_entropy"  # "cross_entropy" on logits, or "half_squared_error" on the output vs one-hot
    augment: int = 2  # shift each training image by up to this many pixels (0 = no augmentation)
    seed: int = 0  # seeds fit's generator when none is passed (a Recipe splits it: init and fit)

    def __post_init__(self) -> None:
        check_int(self.epochs, "epochs", minimum=1)
        check_int(self.batch_size, "batch_size", minimum=1)
        check_int(self.augment, "augment", minimum=0, maximum=8)
        check_int(self.seed, "seed", minimum=0)
        for name in ("lr", "momentum", "weight_decay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
            if value < 0 or (name == "lr" and value == 0):
                raise ValueError(f"{name} must be {'> 0' if name == 'lr' else '>= 0'}, got {value}")
        for name, allowed in (("optimizer", OPTIMIZERS), ("loss", LOSSES), ("lr_schedule", SCHEDULES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}")


@dataclass(frozen=True)
class Progress:
    """One report from ``fit``: after every batch (``kind="batch"``) and after each epoch (``"epoch"``)."""

    kind: Literal["batch", "epoch"]  # "epoch" reports also carry the validation numbers
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based, within the epoch
    batches: int  # batches per epoch
    loss: float  # this batch's mean loss ("epoch": the epoch's mean)
    accuracy: float  # fraction of this batch classified right ("epoch": the epoch's)
    images_per_second: float  # training throughput so far in this epoch
    lr: float  # learning rate of this step
    val_loss: float | None = None  # cross-entropy on the validation set ("epoch" only, if given)
    val_accuracy: float | None = None


@dataclass(frozen=True)
class Evaluation:
    """Mean cross-entropy and accuracy of a model on a labelled set."""

    loss: float
    accuracy: float
    count: int


@dataclass(frozen=True)
class History:
    """What ``fit`` did: one entry per finished epoch, and whether ``should_stop`` ended it early."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    stopped: bool = False
    seconds: float = 0.0


def fit(
    model: Sequential,
    config: TrainConfig,
    train_x: FloatArray,
    train_y: npt.ArrayLike,
    val_x: FloatArray | None = None,
    val_y: npt.ArrayLike | None = None,
    callback: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    *,
    rng: np.random.Generator | None = None,
    shards: int | None = None,
) -> History:
    """Train ``model`` in place on (train_x, train_y); return the per-epoch history.

    Parameters
    ----------
    model : the network; its parameters are updated in place
    config : the hyperparameters
    train_x : (N, C, H, W) network-ready inputs (see ``convscope.nn.model.prepare_input``)
    train_y : (N,) integer class labels
    val_x, val_y : optional held-out set, evaluated after every epoch
    callback : called with a ``Progress`` after every batch and every epoch
    should_stop : polled after every batch; returning True ends training at once
    rng : shuffles and augmentation; default ``np.random.default_rng(config.seed)``
    shards : how many parts each batch is split into, to run at once (``convscope.nn.parallel``); default
        one per available core. The calling thread trains the first part; the others run in worker
        processes, started on the first such ``fit`` and kept for the next ones (ended by
        ``convscope.nn.parallel.close_workers``), or in threads where no process can start. A batch of
        fewer than 32 images is not split.
        The weights are bit-identical for a seed and a shard count, and equal up to rounding across counts.

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> rng = np.random.default_rng(0)
    >>> model = lenet(rng=rng)
    >>> x, y = rng.random((8, 1, 32, 32), dtype=np.float32), np.arange(8) % 10
    >>> history = fit(model, TrainConfig(epochs=2, batch_size=4), x, y)
    >>> len(history.train_loss), history.stopped
    (2, False)
    """
    train_x = as_array(train_x, "train_x", ndim=4, layout="(N, C, H, W)")
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator or None, got {type(rng).__name__}")
    net = logits_model(model) if config.loss == "cross_entropy" else model
    run = _Run(
        step=ShardedStep(net, make_optimizer(model, config), available_cores() if shards is None else shards),
        config=config,
        x=train_x,
        y=_labels(train_y, len(train_x), "train_y"),
        rng=np.random.default_rng(config.seed) if rng is None else rng,
        callback=callback or (lambda progress: None),
        should_stop=should_stop or (lambda: False),
    )
    history, start = History(), time.perf_counter()
    with run.step:  # its threads and BLAS limit end with fit
        for epoch in range(1, config.epochs + 1):
            epoch_start = time.perf_counter()
            finished = _train_epoch(run, epoch)
            if finished is None:
                return _finish(history, start, stopped=True)
            loss, accuracy = finished
            history.train_loss.append(loss)
            history.train_accuracy.append(accuracy)
            val = evaluate(model, val_x, val_y) if val_x is not None and val_y is not None else None
            if val is not None:
                history.val_accuracy.append(val.accuracy)
            rate = len(train_x) / (time.perf_counter() - epoch_start)
            run.callback(_epoch_progress(run, epoch, loss, accuracy, rate, val))
    return _finish(history, start, stopped=False)


def _epoch_progress(
    run: _Run, epoch: int, loss: float, accuracy: float, rate: float, val: Evaluation | None
) -> Progress:
    """The end-of-epoch report, with the validation numbers when there is a validation set."""
    return Progress(
        "epoch",
        epoch,
        run.config.epochs,
        run.batches,
        run.batches,
        loss,
        accuracy,
        rate,
        run.optimizer.lr,
        None if val is None else val.loss,
        None if val is None else val.accuracy,
    )


def evaluate(model: Sequential, x: FloatArray, y: npt.ArrayLike, batch_size: int = 1000) -> Evaluation:
    """Mean cross-entropy and accuracy of ``model`` on x (N, C, H, W) with labels y (N,).

    Examples
    --------
    >>> from convscope.nn import lenet
    >>> model = lenet(rng=np.random.default_rng(0))
    >>> evaluate(model, np.zeros((4, 1, 32, 32), dtype=np.float32), [0, 1, 2, 3]).count
    4
    """
    x = as_array(x, "x", ndim=4, layout="(N, C, H, W)")
    labels = _labels(y, len(x), "y")
    check_int(batch_size, "batch_size", minimum=1)
    # Training order (each ReLU after the max pool it precedes): the same logits, a quarter of the ReLU work.
    net = training_order(logits_model(model))
    total_loss, correct = 0.0, 0
    for i in range(0, len(x), batch_size):
        logits = net.forward(x[i : i + batch_size])
        target = labels[i : i + batch_size]
        total_loss += float(ops.cross_entropy(logits, target, reduction="sum"))
        correct += int(np.sum(np.argmax(logits, axis=1) == target))
    return Evaluation(total_loss / max(len(x), 1), correct / max(len(x), 1), len(x))


def logits_model(model: Sequential) -> Sequential:
    """The model without its final ``Softmax`` (sharing the layers), or the model if it has none."""
    return model[:-1] if len(model) > 1 and model[-1].is_softmax else model


def make_optimizer(model: Sequential, config: TrainConfig) -> Optimizer:
    """The optimiser ``config`` names, over every parameter of ``model``."""
    params = model.parameters().values()
    if config.optimizer == "sgd":
        return SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    return Adam(params, lr=config.lr, weight_decay=config.weight_decay)


def scheduled_lr(config: TrainConfig, step: int, total_steps: int) -> float:
    """The learning rate for 0-based ``step`` of ``total_steps`` (cosine: PyTorch's CosineAnnealingLR).

    Examples
    --------
    >>> scheduled_lr(TrainConfig(lr=0.1, lr_schedule="cosine"), 50, 100)
    0.05
    """
    if config.lr_schedule == "constant":
        return config.lr
    return config.lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))


@dataclass
class _Run:
    """Everything one ``fit`` call works with."""

    step: ShardedStep  # forward, backward and update of a batch (over the model or its logits part)
    config: TrainConfig
    x: FloatArray  # (N, C, H, W)
    y: np.ndarray  # (N,) int64
    rng: np.random.Generator
    callback: Callable[[Progress], None]
    should_stop: Callable[[], bool]

    @property
    def optimizer(self) -> Optimizer:
        """The optimiser the step updates with."""
        return self.step.optimizer

    @property
    def batches(self) -> int:
        """Batches per epoch (the last one may be smaller)."""
        return math.ceil(len(self.x) / self.config.batch_size)


def _train_epoch(run: _Run, epoch: int) -> tuple[float, float] | None:
    """One pass over the shuffled training set; (mean loss, accuracy), or None if told to stop."""
    config, batches = run.config, run.batches
    order = run.rng.permutation(len(run.x))
    total_loss, correct, seen, start = 0.0, 0, 0, time.perf_counter()
    for b in range(batches):
        idx = order[b * config.batch_size : (b + 1) * config.batch_size]
        x = random_shift(run.x[idx], config.augment, run.rng) if config.augment else run.x[idx]
        run.optimizer.lr = scheduled_lr(config, (epoch - 1) * batches + b, config.epochs * batches)
        loss, hits = run.step(x, run.y[idx], config.loss)
        total_loss, correct, seen = total_loss + loss * len(idx), correct + hits, seen + len(idx)
        rate = seen / max(time.perf_counter() - start, 1e-9)
        run.callback(
            Progress(
                "batch", epoch, config.epochs, b + 1, batches, loss, hits / len(idx), rate, run.optimizer.lr
            )
        )
        if run.should_stop():
            return None
    return total_loss / seen, correct / seen


def _labels(y: npt.ArrayLike, n: int, name: str) -> np.ndarray:
    """Integer class labels (n,), checked."""
    arr = np.asarray(y)
    if arr.shape != (n,) or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"{name} must be {n} integer labels (one per image), got shape {arr.shape} {arr.dtype}"
        )
    return arr.astype(np.int64)


def _finish(history: History, start: float, stopped: bool) -> History:
    """The history with the stop flag and the wall time filled in."""
    return History(
        history.train_loss, history.train_accuracy, history.val_accuracy, stopped, time.perf_counter() - start
    )
