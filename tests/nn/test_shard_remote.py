"""Shards in worker processes: the thread step's very bits, a worker's errors reach the caller as such."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from convscope.data import load_digits
from convscope.nn import Layer, Sequential, lenet, prepare_input
from convscope.nn.optim import Adam
from convscope.nn.parallel import ShardedStep, WorkerError, shard_groups
from convscope.train import TrainConfig, fit


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """96 real digits, every class present."""
    data = load_digits()
    idx = np.linspace(0, len(data.labels) - 1, 96).astype(int)
    return prepare_input(data.images[idx]), data.labels[idx].astype(np.int64)


def _steps(
    digits: tuple[np.ndarray, np.ndarray], shards: int, processes: bool
) -> tuple[list[tuple[float, int]], list[np.ndarray], list[int]]:
    """Four Adam steps of float32 LeNet logits on batches of 96, 64, 48 and 96 images (the split varies)."""
    x, y = digits
    model = lenet(rng=np.random.default_rng(7))[:-1]
    with ShardedStep(model, Adam(model.parameters().values()), shards, processes=processes) as step:
        results = [step(x[:n], y[:n]) for n in (96, 64, 48, 96)]
        pids = step.worker_pids
    return results, [p.data.copy() for p in model.parameters().values()], pids


@pytest.mark.parametrize("shards", [2, 3])
def test_processes_give_the_thread_steps_bits(digits: tuple[np.ndarray, np.ndarray], shards: int) -> None:
    """Same split, same per-shard arithmetic, same order of the sum: equal losses, hits and weights."""
    ours, weights, pids = _steps(digits, shards, processes=True)
    theirs, thread_weights, no_pids = _steps(digits, shards, processes=False)
    assert pids
    assert not no_pids
    assert ours == theirs
    for a, b in zip(weights, thread_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    one, one_weights, _ = _steps(digits, 1, processes=True)  # and one shard, up to float32 rounding
    assert [hits for _, hits in ours] == [hits for _, hits in one]
    np.testing.assert_allclose([v for v, _ in ours], [v for v, _ in one], rtol=1e-5)
    for a, b in zip(weights, one_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


def test_a_worker_error_is_raised_as_itself_naming_the_worker(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """A label out of range in the worker's shard: the caller gets that error, then the step still works."""
    x, y = digits[0][:64], digits[1][:64].copy()
    y[-1] = 99
    model = lenet(rng=np.random.default_rng(0))[:-1]
    with ShardedStep(model, Adam(model.parameters().values()), shards=2) as step:
        with pytest.raises((IndexError, ValueError)) as caught:
            step(x, y)
        (pid,) = step.worker_pids
        assert isinstance(caught.value.__cause__, WorkerError)
        assert f"shard 2 of 2 failed in shard worker process {pid}" in str(caught.value.__cause__)
        assert "Traceback" in str(caught.value.__cause__)  # the worker's own traceback
        assert any(str(pid) in note for note in getattr(caught.value, "__notes__", []))
        y[-1] = 3
        loss, hits = step(x, y)  # the worker lived on and answers the next step
        assert np.isfinite(loss)
        assert 0 <= hits <= 64
        assert step.worker_pids == [pid]
    fit(lenet(rng=np.random.default_rng(0)), TrainConfig(epochs=1, augment=0), x, y, shards=2)


class _Warns(Layer):
    """A layer that warns in its forward; a module-level class, so a worker can import it by name."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        warnings.warn(f"a shard of {len(x)} images", RuntimeWarning, stacklevel=1)
        return x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        return grad_output


def test_a_workers_warnings_reach_the_caller_under_its_filters(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """As a thread's would: recorded where recorded, raised where warnings are errors (as in these tests)."""
    x, y = digits[0][:64], digits[1][:64]
    base = lenet(rng=np.random.default_rng(2))
    model = Sequential([("warns", _Warns()), *list(base)[:-1]], base.input_shape)
    with ShardedStep(model, Adam(model.parameters().values()), shards=2) as step:
        with pytest.warns(RuntimeWarning) as record:
            step(x, y)
        assert step.worker_pids  # the layer's class travelled: the worker imported this module
        assert [str(w.message) for w in record] == ["a shard of 32 images"] * 2  # this shard's, the worker's
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            step(x, y)
            warnings.filterwarnings("error", message="a shard", category=RuntimeWarning)
            with pytest.raises(RuntimeWarning, match="a shard of 32 images"):
                step(x, y)
        with pytest.warns(RuntimeWarning):
            step(x, y)  # and the step still works


class _Doubled(Layer):
    """A layer class defined inside a test: it cannot be pickled for a worker process."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return 2 * x

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        return 2 * grad_output


def test_a_network_that_cannot_travel_trains_in_threads(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """A layer of a class defined in a function: no pickle, so threads, and the same bits as threads."""
    local = type("Local", (_Doubled,), {})  # a class pickle cannot find by name

    def run(processes: bool) -> tuple[list[np.ndarray], list[int]]:
        base = lenet(rng=np.random.default_rng(1))
        model = Sequential([("scale", local()), *list(base)[:-1]], base.input_shape)
        with ShardedStep(model, Adam(model.parameters().values()), 2, processes=processes) as step:
            step(*digits)
            return [p.data.copy() for p in model.parameters().values()], step.worker_pids

    (ours, pids), (theirs, _) = run(True), run(False)
    assert pids == []
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("count", "executors"), [(2, 2), (3, 2), (8, 2), (8, 3), (2, 5), (5, 5)])
def test_shard_groups_are_contiguous_runs_in_order(count: int, executors: int) -> None:
    groups = shard_groups(count, executors)
    assert [i for group in groups for i in group] == list(range(count))
    assert all(groups)
    assert groups[0][0] == 0
    assert max(map(len, groups)) - min(map(len, groups)) <= 1
    assert len(groups[0]) == min(map(len, groups))  # the calling thread also sums and steps
    assert len(groups) == min(count, executors)
