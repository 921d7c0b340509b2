"""The worker pool: kept between fits, replaced when one dies, freed on request and at exit, or not there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from convscope.data import load_digits
from convscope.nn import lenet, prepare_input
from convscope.nn.optim import Adam
from convscope.nn.parallel import ShardedStep, WorkerError, close_workers
from convscope.train import TrainConfig, fit


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """64 real digits, every class present."""
    data = load_digits()
    idx = np.linspace(0, len(data.labels) - 1, 64).astype(int)
    return prepare_input(data.images[idx]), data.labels[idx].astype(np.int64)


def _pids(digits: tuple[np.ndarray, np.ndarray], steps: int = 1) -> list[int]:
    """The workers a two-shard step borrows (a ``fit`` borrows them the same way)."""
    model = lenet(rng=np.random.default_rng(0))[:-1]
    with ShardedStep(model, Adam(model.parameters().values()), shards=2) as step:
        for _ in range(steps):
            step(*digits)
        return step.worker_pids


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (and was reaped: no zombie left behind)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_workers_are_kept_between_fits_and_after_a_stop(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """A fit stopped between steps (should_stop, or Ctrl-C there) leaves its workers for the next fit."""
    first = _pids(digits)
    config = TrainConfig(epochs=2, batch_size=32, augment=0)
    x, y = np.concatenate([digits[0]] * 2), np.concatenate([digits[1]] * 2)
    assert fit(lenet(rng=np.random.default_rng(0)), config, x, y, should_stop=lambda: True, shards=2).stopped

    def interrupt() -> bool:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fit(lenet(rng=np.random.default_rng(0)), config, x, y, should_stop=interrupt, shards=2)
    assert _pids(digits) == first


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
def test_a_step_cut_short_by_ctrl_c_leaves_a_working_step(digits: tuple[np.ndarray, np.ndarray]) -> None:
    """Ctrl-C at any point of a step (a timer's KeyboardInterrupt, at several delays): the next works."""
    x, y = np.concatenate([digits[0]] * 4), np.concatenate([digits[1]] * 4)  # 256 images, ~50 ms a step

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    model = lenet(rng=np.random.default_rng(0))[:-1]
    before = signal.signal(signal.SIGALRM, interrupt)
    seen: set[int] = set()
    try:
        with ShardedStep(model, Adam(model.parameters().values()), shards=2) as step:
            step(x, y)
            for delay in (0.0005, 0.002, 0.01, 0.03):
                signal.setitimer(signal.ITIMER_REAL, delay)
                try:
                    step(x, y)
                    time.sleep(0.1)  # a step that beat the timer: let the timer fire here
                except KeyboardInterrupt:
                    pass
                loss, _ = step(x, y)  # the same step carries on: its workers, or new ones
                assert np.isfinite(loss)
                seen.update(step.worker_pids)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert seen
    live = set(_pids(digits))
    assert all(_gone(pid) for pid in seen - live)  # workers given up on were ended, not leaked


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_worker_is_a_clear_error_and_is_replaced(digits: tuple[np.ndarray, np.ndarray]) -> None:
    model = lenet(rng=np.random.default_rng(0))[:-1]
    with ShardedStep(model, Adam(model.parameters().values()), shards=2) as step:
        step(*digits)
        (pid,) = step.worker_pids
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerError, match=rf"shard worker process {pid} exited with code -9"):
            step(*digits)
        step(*digits)  # the same step carries on with a new worker
        assert step.worker_pids != [pid]
    assert _gone(pid)
    idle = _pids(digits)  # the new worker went back to the pool
    assert idle
    assert pid not in idle
    os.kill(idle[0], signal.SIGKILL)  # killed while idle: the next fit replaces it
    again = _pids(digits)
    assert again
    assert again != idle
    assert _gone(idle[0])


def test_close_workers_ends_them_and_the_next_fit_starts_new_ones(
    digits: tuple[np.ndarray, np.ndarray],
) -> None:
    before = _pids(digits)
    close_workers()
    assert all(_gone(pid) for pid in before)
    after = _pids(digits)
    assert after
    assert not set(after) & set(before)


def test_without_processes_the_shards_run_in_threads(
    digits: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No Python to start (as in a browser's Python): the same bits, from threads."""
    expected = lenet(rng=np.random.default_rng(0))[:-1]
    with ShardedStep(expected, Adam(expected.parameters().values()), 2, processes=False) as step:
        step(*digits)
    close_workers()
    monkeypatch.setattr(sys, "executable", "")
    model = lenet(rng=np.random.default_rng(0))[:-1]
    with ShardedStep(model, Adam(model.parameters().values()), shards=2) as step:
        step(*digits)
        assert step.worker_pids == []
    for p, q in zip(model.parameters().values(), expected.parameters().values(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)


def test_a_script_that_trains_on_two_shards_exits_cleanly() -> None:
    """No ResourceWarning (warnings are errors), nothing on stderr, no shared memory left behind."""
    script = textwrap.dedent(
        """
        import numpy as np
        from convscope.nn import lenet, shard_memory
        from convscope.train import TrainConfig, fit

        made = []
        create = shard_memory.SharedBuffer.create
        def noting(size):
            buffer = create(size)
            made.append(buffer.name)
            return buffer
        shard_memory.SharedBuffer.create = noting
        x, y = np.zeros((64, 1, 32, 32), np.float32), np.arange(64) % 10
        fit(lenet(rng=np.random.default_rng(0)), TrainConfig(epochs=2, augment=0), x, y, shards=2)
        print(*made)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script], capture_output=True, text=True, env=env
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    names = done.stdout.split()
    assert names
    assert not any(os.path.exists(name) for name in names)
    assert time.perf_counter() - start < 60
