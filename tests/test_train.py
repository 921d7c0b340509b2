"""The training loop: it learns, it is deterministic per seed, it reports and it stops when told."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
import pytest
import torch

from convscope import ops
from convscope.data import load_digits
from convscope.nn import Sequential, lenet, prepare_input
from convscope.train import Progress, TrainConfig, evaluate, fit, scheduled_lr


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """64 real digits, every class present (the bundle is grouped by class)."""
    data = load_digits()
    idx = np.linspace(0, len(data.labels) - 1, 64).astype(int)
    return prepare_input(data.images[idx]), data.labels[idx].astype(np.int64)


def _weights(model: Sequential) -> list[np.ndarray]:
    return [p.data.copy() for p in model.parameters().values()]


@pytest.mark.parametrize(
    ("config", "factor"),
    [
        (TrainConfig(epochs=8, batch_size=16, lr=5e-3, augment=0), 0.5),
        # SGD from PyTorch's initialisation leaves the plateau at ln(10) slowly; it has to move off it.
        (
            TrainConfig(epochs=8, batch_size=8, lr=0.05, optimizer="sgd", lr_schedule="constant", augment=0),
            0.95,
        ),
        (TrainConfig(epochs=8, batch_size=16, lr=1e-2, loss="half_squared_error", augment=1), 0.5),
    ],
    ids=["adam-cross-entropy", "sgd", "half-squared-error"],
)
def test_loss_falls_on_a_small_set(
    config: TrainConfig, factor: float, digits: tuple[np.ndarray, np.ndarray]
) -> None:
    x, y = digits
    history = fit(lenet(rng=np.random.default_rng(0)), config, x, y)
    assert len(history.train_loss) == config.epochs
    assert history.train_loss[-1] < factor * history.train_loss[0]
    assert history.train_accuracy[-1] > history.train_accuracy[0]
    assert not history.stopped


def test_one_step_is_the_torch_step_on_the_logits(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """Cross-entropy is taken on the logits before the final Softmax, as F.cross_entropy does."""
    x, y = digits[0][:8].astype(np.float64), digits[1][:8]
    model = lenet(rng=np.random.default_rng(1), dtype=np.float64)
    tensors = [torch.tensor(p.data.copy(), requires_grad=True) for p in model.parameters().values()]
    config = TrainConfig(
        epochs=1, batch_size=8, lr=0.1, optimizer="sgd", momentum=0.0, lr_schedule="constant", augment=0
    )
    fit(model, config, x, y)
    w1, b1, w2, b2, f1, c1, f2, c2, f3, c3 = tensors
    h = torch.nn.functional.max_pool2d(torch.relu(torch.conv2d(torch.tensor(x), w1, b1)), 2)
    h = torch.nn.functional.max_pool2d(torch.relu(torch.conv2d(h, w2, b2)), 2).flatten(1)
    logits = torch.relu(torch.relu(h @ f1.T + c1) @ f2.T + c2) @ f3.T + c3
    torch.nn.functional.cross_entropy(logits, torch.tensor(y)).backward()
    for (name, p), t in zip(model.parameters().items(), tensors, strict=True):
        assert t.grad is not None
        np.testing.assert_allclose(
            p.data, (t - 0.1 * t.grad).detach().numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )


def test_the_same_seed_gives_identical_weights(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits
    config = TrainConfig(epochs=2, batch_size=16, augment=2, seed=5)
    runs = []
    for seed in (5, 5, 6):
        model = lenet(rng=np.random.default_rng(0))
        fit(model, config, x, y, rng=np.random.default_rng(seed))
        runs.append(_weights(model))
    for a, b in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, c) for a, c in zip(runs[0], runs[2], strict=True))
    # Without an rng, fit seeds its own generator from config.seed.
    model = lenet(rng=np.random.default_rng(0))
    fit(model, config, x, y)
    for a, b in zip(runs[0], _weights(model), strict=True):
        np.testing.assert_array_equal(a, b)


def test_progress_is_reported_per_batch_and_per_epoch(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits
    reports: list[Progress] = []
    model = lenet(rng=np.random.default_rng(0))
    history = fit(model, TrainConfig(epochs=2, batch_size=24), x, y, x[:10], y[:10], callback=reports.append)
    kinds = [r.kind for r in reports]
    assert kinds == ["batch"] * 3 + ["epoch"] + ["batch"] * 3 + ["epoch"]  # 64 = 24 + 24 + 16
    first = reports[0]
    assert (first.epoch, first.epochs, first.batch, first.batches) == (1, 2, 1, 3)
    assert first.images_per_second > 0
    assert first.val_accuracy is None
    end = reports[-1]
    assert end.val_accuracy == history.val_accuracy[-1] == evaluate(model, x[:10], y[:10]).accuracy
    assert end.val_loss == pytest.approx(evaluate(model, x[:10], y[:10]).loss)
    assert end.loss == history.train_loss[-1]
    json.dumps([dataclasses.asdict(r) for r in reports])  # plain floats and ints, not NumPy scalars


def test_should_stop_ends_training_after_the_batch(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits
    reports: list[Progress] = []
    history = fit(
        lenet(rng=np.random.default_rng(0)),
        TrainConfig(epochs=5, batch_size=8),
        x,
        y,
        callback=reports.append,
        should_stop=lambda: len(reports) >= 3,
    )
    assert history.stopped
    assert [r.kind for r in reports] == ["batch"] * 3
    assert history.train_loss == []


def test_the_learning_rate_follows_torchs_cosine_schedule() -> None:
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.1)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    config = TrainConfig(lr=0.1, lr_schedule="cosine")
    for step in range(10):
        assert scheduled_lr(config, step, 10) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12)
        opt.step()
        schedule.step()
    assert scheduled_lr(TrainConfig(lr=0.1, lr_schedule="constant"), 7, 10) == 0.1


def test_evaluate_matches_torch_cross_entropy_and_argmax(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits
    model = lenet(rng=np.random.default_rng(2))
    result = evaluate(model, x, y, batch_size=10)
    logits = model[:-1].forward(x)
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits, dtype=torch.float64), torch.tensor(y))
    assert result.loss == pytest.approx(float(expected), rel=1e-5)
    assert result.accuracy == np.mean(logits.argmax(axis=1) == y)
    assert result.count == 64
    # evaluate runs each ReLU after its max pool (training order): the model's own order gives the same bits
    in_order = [float(ops.cross_entropy(model[:-1].forward(x[i : i + 10]), y[i : i + 10], reduction="sum"))
                for i in range(0, 64, 10)]  # fmt: skip
    assert result.loss == sum(in_order) / 64


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, r"epochs must be >= 1"),
        ({"batch_size": 2.0}, TypeError, r"batch_size must be an integer"),
        ({"lr": 0}, ValueError, r"lr must be > 0"),
        ({"lr": math.inf}, ValueError, r"lr must be a finite number"),
        ({"lr": math.nan}, ValueError, r"lr must be a finite number, got nan"),
        ({"lr": "0.1"}, TypeError, r"lr must be a number, got '0.1'"),
        ({"momentum": True}, TypeError, r"momentum must be a number, got True"),
        ({"momentum": -0.1}, ValueError, r"momentum must be >= 0"),
        ({"optimizer": "rmsprop"}, ValueError, r"optimizer must be one of sgd, adam; got 'rmsprop'"),
        ({"loss": "hinge"}, ValueError, r"loss must be one of cross_entropy, half_squared_error"),
        ({"lr_schedule": "step"}, ValueError, r"lr_schedule must be one of constant, cosine"),
        ({"augment": 9}, ValueError, r"augment must be <= 8"),
    ],
)
def test_config_refuses_bad_values(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        TrainConfig(**kwargs)


def test_fit_refuses_mismatched_data(digits: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = digits
    model = lenet(rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"train_y must be 64 integer labels"):
        fit(model, TrainConfig(epochs=1), x, y[:10])
    with pytest.raises(ValueError, match=r"train_y must be 64 integer labels"):
        fit(model, TrainConfig(epochs=1), x, y.astype(float))
    with pytest.raises(ValueError, match=r"train_x must be 4-D \(N, C, H, W\)"):
        fit(model, TrainConfig(epochs=1), x[:, 0], y)
    with pytest.raises(TypeError, match=r"rng must be a np.random.Generator or None, got int"):
        fit(model, TrainConfig(epochs=1), x, y, rng=0)  # type: ignore[arg-type]
