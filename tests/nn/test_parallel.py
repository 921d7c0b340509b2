"""The sharded step: the same numbers as one shard (up to rounding), bit-identical runs, no races."""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from convscope import _validate
from convscope.data import load_digits
from convscope.nn import Sequential, lenet, prepare_input
from convscope.nn import shards as shards_module
from convscope.nn.conv_layers import Conv2d, MaxPool2d
from convscope.nn.optim import SGD, Adam
from convscope.nn.parallel import MIN_SHARD, ShardedStep, replica, shard_bounds, shard_step, training_order
from convscope.nn.shard_remote import without_arrays
from convscope.train import TrainConfig, fit


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """128 real digits, every class present."""
    data = load_digits()
    idx = np.linspace(0, len(data.labels) - 1, 128).astype(int)
    return prepare_input(data.images[idx]), data.labels[idx].astype(np.int64)


def _logits(seed: int, dtype: type = np.float64) -> Sequential:
    return lenet(rng=np.random.default_rng(seed), dtype=dtype)[:-1]


def _blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


@pytest.mark.parametrize("loss", ["cross_entropy", "half_squared_error"])
@pytest.mark.parametrize("shards", [2, 3, 8])
def test_shards_give_the_one_shard_step_up_to_rounding(
    digits: tuple[np.ndarray, np.ndarray], loss: str, shards: int
) -> None:
    """float64: loss, hits, every gradient and every updated weight agree with one shard to ~1e-12."""
    x, y = digits[0].astype(np.float64), digits[1]
    one, many = _logits(0), _logits(0)
    with ShardedStep(one, SGD(one.parameters().values(), lr=0.1), shards=1) as step:
        loss1, hits1 = step(x, y, loss)
    with ShardedStep(many, SGD(many.parameters().values(), lr=0.1), shards=shards) as step:
        loss_n, hits_n = step(x, y, loss)
    assert len(shard_bounds(len(y), shards)) == min(shards, len(y) // MIN_SHARD) > 1
    assert hits_n == hits1
    assert loss_n == pytest.approx(loss1, rel=1e-12)
    for name, p in one.parameters().items():
        q = many.parameters()[name]
        np.testing.assert_allclose(q.grad, p.grad, rtol=1e-12, atol=1e-14, err_msg=name)
        np.testing.assert_allclose(q.data, p.data, rtol=1e-12, atol=1e-14, err_msg=name)
        assert np.any(p.grad != 0), name  # the comparison compared something


def test_fit_with_shards_trains_like_one_shard(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """Several epochs of SGD in float64: 1 and 4 shards end at the same weights up to rounding."""
    x, y = digits[0].astype(np.float64), digits[1]
    config = TrainConfig(epochs=3, batch_size=64, optimizer="sgd", lr=0.05, augment=1)
    models = [lenet(rng=np.random.default_rng(1), dtype=np.float64) for _ in range(2)]
    for model, shards in zip(models, (1, 4), strict=True):
        fit(model, config, x, y, rng=np.random.default_rng(2), shards=shards)
    for name, p in models[0].parameters().items():
        np.testing.assert_allclose(models[1].parameters()[name].data, p.data, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shards", [1, 2, 5])
def test_the_same_seed_and_shard_count_give_identical_weights(
    digits: tuple[np.ndarray, np.ndarray], shards: int
) -> None:
    """float32, Adam, augmentation: two runs are bit-equal."""
    config = TrainConfig(epochs=2, batch_size=96, augment=2)
    runs = []
    for _ in range(2):
        model = lenet(rng=np.random.default_rng(3))
        history = fit(model, config, *digits, rng=np.random.default_rng(4), shards=shards)
        runs.append(([p.data.copy() for p in model.parameters().values()], history.train_loss))
    assert runs[0][1] == runs[1][1]
    for a, b in zip(runs[0][0], runs[1][0], strict=True):
        np.testing.assert_array_equal(a, b)


def test_many_threads_repeat_the_same_step_bit_for_bit(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """Eight shards at once, twenty times: a race on a layer's cache or a grad would change the bits."""
    x, y = digits
    model = _logits(5, np.float32)
    start = {name: p.data.copy() for name, p in model.parameters().items()}
    grads = []
    with ShardedStep(model, SGD(model.parameters().values(), lr=0.0), shards=8) as step:
        for _ in range(20):
            step(x, y)
            grads.append([p.grad.copy() for p in model.parameters().values()])
    for other in grads[1:]:
        for a, b in zip(grads[0], other, strict=True):
            np.testing.assert_array_equal(a, b)
    for name, p in model.parameters().items():  # lr 0: the shared data never moved
        np.testing.assert_array_equal(p.data, start[name])


def test_pooling_before_relu_changes_no_bit(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """float32 Adam, three steps: the step in training order (pool, then ReLU) ends at the very same
    weights and losses as the model's own order (ReLU, then pool), which the network view keeps."""
    x, y = digits[0][:64], digits[1][:64]
    ours, plain = _logits(6, np.float32), _logits(6, np.float32)
    assert [n for n, _ in training_order(ours)][:6] == ["conv1", "pool1", "relu1", "conv2", "pool2", "relu2"]
    opt, ours_opt = Adam(plain.parameters().values()), Adam(ours.parameters().values())
    with threadpool_limits(limits=1, user_api="blas"), ShardedStep(ours, ours_opt, shards=1) as step:
        for _ in range(3):
            loss, hits = step(x, y)
            assert (loss, hits) == shard_step(plain, x, y, "cross_entropy", len(y))  # the model's order
            opt.step()
    assert [n for n, _ in ours][:3] == ["conv1", "relu1", "pool1"]  # the model itself is not reordered
    for (name, p), q in zip(ours.parameters().items(), plain.parameters().values(), strict=True):
        np.testing.assert_array_equal(p.data, q.data, err_msg=name)
    tanh = lenet(activation="tanh", rng=np.random.default_rng(0))  # only ReLU commutes exactly with max
    assert [n for n, _ in training_order(tanh)] == [n for n, _ in tanh]


def test_replicas_share_weights_but_not_grads_or_caches(digits: tuple[np.ndarray, np.ndarray]) -> None:
    model = _logits(0)
    twin = replica(model)
    model.forward(digits[0][:2].astype(np.float64))
    pools = 0
    for (name, layer), (_, copy) in zip(model, twin, strict=True):
        assert layer is not copy, name
        assert copy._input is None, name  # the original's cache did not come along
        if isinstance(layer, (Conv2d, MaxPool2d)) and isinstance(copy, (Conv2d, MaxPool2d)):
            assert copy._workspace is not layer._workspace, name  # scratch is per replica too
            pools += isinstance(layer, MaxPool2d)
        for pname, p in layer.parameters().items():
            assert copy.parameters()[pname].data is p.data
            assert copy.parameters()[pname].grad is not p.grad
    assert pools == 2
    weight = model["fc1"].parameters()["weight"].data
    weight[0, 0] += 1.0  # an optimiser's in-place step reaches the replica
    assert twin["fc1"].parameters()["weight"].data[0, 0] == weight[0, 0]


def test_a_trained_network_travels_without_its_forward_caches(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """What each ``fit`` sends a worker: the layers, not the last step's activations (was 1.6 MB)."""
    model = training_order(_logits(0, np.float32))
    x, y = digits
    shard_step(model, x, y, "cross_entropy", len(y))
    assert model["pool1"]._output is not None  # the model keeps its own caches
    assert model["pool1"]._winners is not None
    twin = replica(model)
    for name, layer in twin:
        for cache in layer.forward_caches:
            assert getattr(layer, cache) is None, f"{name}.{cache}"
    assert len(pickle.dumps(without_arrays(model), protocol=pickle.HIGHEST_PROTOCOL)) < 16_000


def test_blas_runs_one_thread_per_shard_and_comes_back(digits: tuple[np.ndarray, np.ndarray]) -> None:
    model = _logits(0, np.float32)
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        with ShardedStep(model, Adam(model.parameters().values()), shards=2):
            assert _blas_threads() == {1}
        assert _blas_threads() == before


def test_a_failing_shard_raises_and_fit_cleans_up(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """A bad label in the second shard: the error reaches the caller and BLAS gets its threads back."""
    x, y = digits[0][:64], digits[1][:64].copy()
    y[-1] = 99
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises((ValueError, IndexError)):
            fit(
                lenet(rng=np.random.default_rng(0)),
                TrainConfig(epochs=1, batch_size=64, augment=0),
                x,
                y,
                shards=2,
            )
        assert _blas_threads() == {2}


@pytest.mark.parametrize("shards", [0, -1, 1.5, True])
def test_bad_shard_counts_are_refused(digits: tuple[np.ndarray, np.ndarray], shards: object) -> None:
    with pytest.raises((ValueError, TypeError), match="shards"):
        fit(lenet(rng=np.random.default_rng(0)), TrainConfig(epochs=1), *digits, shards=shards)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [1, 15, 16, 17, 64, 100, 1000])
@pytest.mark.parametrize("shards", [1, 2, 3, 16])
def test_shard_bounds_cover_the_batch_in_order(n: int, shards: int) -> None:
    bounds = shard_bounds(n, shards)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert len(bounds) <= shards
    assert len(bounds) == 1 or all(stop - start >= MIN_SHARD for start, stop in bounds)


def _scaled(changes: dict[str, float]) -> Sequential:
    """LeNet (seed 0, float32) with each named parameter multiplied by its factor (NaN: set to NaN)."""
    model = lenet(rng=np.random.default_rng(0))
    for name, factor in changes.items():
        data = model.parameters()[name].data
        data[...] = np.nan if np.isnan(factor) else data * factor
    return model


_BROKEN = {  # what is wrong -> (the parameters' changes, or NaN in x, and the message's start)
    "x": ({}, r"^(train_)?x contains NaN or infinity; every value must be a finite number"),
    "weight": ({"fc2.weight": np.nan}, r"^fc2.weight contains NaN or infinity: set it to finite values"),
    "activations": (
        dict.fromkeys(("fc1.weight", "fc2.weight", "fc3.weight"), 1e15),
        r"^the network's output holds NaN or infinity: its activations overflowed",
    ),
    "loss": (  # logits near float32's largest: finite, but their cross-entropy is not
        {"fc1.weight": 1e-30, "fc2.weight": 1e20, "fc3.weight": 1e20},
        r"^the loss overflowed: the network's output is far too large",
    ),
    "gradient": (  # a tiny first layer keeps the output finite; the two after it multiply the gradient
        {"fc1.weight": 1e-37, "fc2.weight": 1e21, "fc3.weight": 1e21, "fc1.bias": 0, "fc2.bias": 0},
        r"^the gradient of (conv|fc)\d\.(weight|bias) holds NaN or infinity: it overflowed",
    ),
}


@pytest.mark.parametrize("broken", list(_BROKEN))
def test_a_shard_names_what_is_not_finite_at_its_edges(
    digits: tuple[np.ndarray, np.ndarray], broken: str
) -> None:
    """NaN in, or an overflow inside: a clear message (no NumPy warning first), from a shard and from fit."""
    changes, message = _BROKEN[broken]
    x, y = digits[0][:64].copy(), digits[1][:64]
    if broken == "x":
        x[3, 0, 5, 5] = np.nan
    with pytest.raises(ValueError, match=message):
        shard_step(_scaled(changes)[:-1], x, y, "cross_entropy", len(y))
    model = _scaled(changes)
    before = {name: p.data.copy() for name, p in model.parameters().items()}
    with pytest.raises(ValueError, match=message):  # shards in two processes: the worker's error too
        fit(model, TrainConfig(epochs=1, batch_size=64, augment=0), x, y, shards=2)
    for name, p in model.parameters().items():  # raised before the optimiser: the weights as they were
        np.testing.assert_array_equal(p.data, before[name])


def test_the_layers_inside_a_shard_read_no_activation_to_check_it(
    digits: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the edges are read for NaN: x, the parameters, the output and loss, and the gradients."""
    read: list[int] = []
    real = _validate.all_finite

    def counted(a: np.ndarray) -> bool:
        read.append(a.size)
        return real(a)

    monkeypatch.setattr(_validate, "all_finite", counted)
    monkeypatch.setattr(shards_module, "all_finite", counted)
    x, y = digits
    net = _logits(0, np.float32)
    shard_step(net, x, y, "cross_entropy", len(y))
    params = sum(p.data.size for p in net.parameters().values())
    out = len(y) * 10
    # the edges, and the loss ops' own checks of the output (4); conv1's output alone is 602,112 values
    assert sum(read) <= x.size + 2 * params + 5 * out + 8
    read.clear()
    net.forward(x)  # outside a shard, the layers still check what they are given
    assert sum(read) > 10 * x.size


def test_finite_shard_gradients_that_overflow_in_their_sum_are_named(
    digits: tuple[np.ndarray, np.ndarray],
) -> None:
    """Each half's gradient is finite, their sum is not: named before the optimiser, weights untouched."""
    changes = {"fc1.weight": 1e-37, "fc2.weight": 1.1e20, "fc3.weight": 1.1e20, "fc1.bias": 0, "fc2.bias": 0}
    x, y = digits[0][:64], digits[1][:64]
    for half in (slice(0, 32), slice(32, 64)):  # each shard alone passes its own check
        shard_step(training_order(_scaled(changes)[:-1]), x[half], y[half], "cross_entropy", len(y))
    model = _scaled(changes)[:-1]
    before = {name: p.data.copy() for name, p in model.parameters().items()}
    overflowed = r"^the gradient of fc1.bias holds NaN or infinity: it overflowed"
    with ShardedStep(model, SGD(model.parameters().values(), lr=0.1), shards=2) as step, \
            pytest.raises(ValueError, match=overflowed):
        step(x, y)
    for name, p in model.parameters().items():
        np.testing.assert_array_equal(p.data, before[name])


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ("digits", TypeError, r"^x must be an array of numbers, got str"),
        ([[[[0.5, float("nan")]]]], ValueError, r"^x contains NaN or infinity"),  # a list, checked
        (np.zeros((2, 1, 32), np.float32), ValueError, r"x must be 4-D"),
    ],
)
def test_a_shard_answers_an_input_that_is_not_a_float_array(bad: object, error: type, message: str) -> None:
    """Whatever x is, the shard's own check (outside the trusted blocks) answers it clearly."""
    with pytest.raises(error, match=message):
        shard_step(_logits(0, np.float32), bad, np.zeros(2, np.int64), "cross_entropy", 2)  # type: ignore[arg-type]
