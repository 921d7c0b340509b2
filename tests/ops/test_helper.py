"""The ops' helper process: it takes a task in shared memory, parks when idle, and never costs a result.

Linux only (its memory file); elsewhere ops work alone, which the other tests cover.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

from convscope import ops
from convscope.ops import conv_helped, helper, pool_helped, recycle
from convscope.ops.helper import FAILURES, FINISHED, PARKED, POSTED, Helper
from convscope.ops.helper_memory import BLOCKS, DATA, FullError
from convscope.ops.threads import single_threaded

pytestmark = pytest.mark.skipif(not helper.usable(), reason="the helper needs Linux's memfd and two cores")


@pytest.fixture
def ready() -> Helper:
    """The process's helper, started and ready."""
    assert helper.wait_until_ready(), "the helper process did not start"
    assert helper._HELPER
    return helper._HELPER[0]


def _lenet_conv2(rng: np.random.Generator, batch: int = 64) -> tuple[np.ndarray, ...]:
    x = rng.standard_normal((batch, 6, 14, 14)).astype(np.float32)
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    grad = rng.standard_normal((batch, 16, 10, 10)).astype(np.float32)
    return x, w, b, grad


def test_a_task_runs_in_the_helper_and_its_results_come_back(ready: Helper, rng: np.random.Generator) -> None:
    x, w, b, _ = _lenet_conv2(rng)
    before, failed = ready.ctrl[FINISHED], ready.ctrl[FAILURES]
    out = ops.conv2d(x, w, b)
    assert ready.ctrl[FINISHED] == before + 1, "conv2d at 64 images did not use the helper"
    assert ready.ctrl[FAILURES] == failed
    with single_threaded():  # no helper: both halves here
        alone = ops.conv2d(x, w, b)
    assert np.array_equal(out, alone)


def test_a_parked_helper_is_woken_by_the_next_task(ready: Helper, rng: np.random.Generator) -> None:
    x, w, b, _ = _lenet_conv2(rng)
    ops.conv2d(x, w, b)
    deadline = time.monotonic() + 5
    while not ready.ctrl[PARKED] and time.monotonic() < deadline:
        time.sleep(helper.SPIN_SECONDS)
    assert ready.ctrl[PARKED], "the helper kept spinning with nothing to do"
    before = ready.ctrl[FINISHED]
    out = ops.conv2d(x, w, b)
    assert ready.ctrl[FINISHED] == before + 1
    with single_threaded():
        assert np.array_equal(out, ops.conv2d(x, w, b))


def test_a_failed_task_is_worked_here_and_the_helper_goes_on(ready: Helper) -> None:
    ran: list[str] = []
    with helper.borrowed() as lent:
        assert lent is ready
        # forward_part with no arrays raises in the helper: the caller's fallback runs instead
        done = lent.run(conv_helped.forward_part, (None,) * 6, lambda: ran.append("here"),
                        lambda: ran.append("there"))  # fmt: skip
    assert not done
    assert ran == ["here", "there"]
    assert ready.ctrl[FAILURES] > 0
    assert ready.ready, "a failed task stopped the helper"


def test_the_helper_runs_convscope_ops_functions_only(ready: Helper) -> None:
    with helper.borrowed() as lent:
        assert lent is not None
        assert not lent.run(np.copyto, (), lambda: None, lambda: None)


def test_a_dead_helper_costs_no_result_and_is_replaced(ready: Helper, rng: np.random.Generator) -> None:
    x, w, b, grad = _lenet_conv2(rng)
    with single_threaded():
        expected = ops.conv2d_backward(grad, x, w, b)
    os.kill(ready.process.pid, signal.SIGKILL)
    ready.process.wait()
    with helper.borrowed() as lent:  # dead, so a new one starts: this call works alone
        assert lent is None
    for got, want in zip(ops.conv2d_backward(grad, x, w, b), expected, strict=True):
        assert np.array_equal(got, want)
    assert helper.wait_until_ready()
    assert helper._HELPER[0] is not ready


def test_a_helper_that_dies_during_a_task_is_not_waited_for(ready: Helper) -> None:
    os.kill(ready.process.pid, signal.SIGSTOP)  # it cannot take the task
    try:
        with helper.borrowed() as lent:
            assert lent is not None
            posted = lent.post(conv_helped.forward_part, (None,) * 6)
            assert posted
            os.kill(ready.process.pid, signal.SIGKILL)
            assert not lent.wait()
            assert lent.ctrl[FINISHED] != lent.ctrl[POSTED]
    finally:
        ready.process.wait()


def test_within_single_threaded_and_while_lent_there_is_no_helper(ready: Helper) -> None:
    with single_threaded(), helper.borrowed() as lent:
        assert lent is None
    with helper.borrowed() as first, helper.borrowed() as second:
        assert first is ready
        assert second is None  # one op at a time: another thread's op works alone


def test_the_lock_comes_back_when_asking_whether_it_is_ready_fails(
    ready: Helper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`borrowed` holds the helper's lock from its ``__enter__`` to its ``__exit__``: where ``__enter__``
    itself raises (a Ctrl-C in the liveness check, say), no ``__exit__`` follows, so it gives the lock back
    there, and the next op borrows the helper as before."""

    def interrupted(self: Helper) -> bool:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Helper, "ready", property(interrupted))
        with pytest.raises(KeyboardInterrupt), helper.borrowed(start=False):
            pass
    with helper.borrowed(start=False) as lent:
        assert lent is ready


def test_close_stops_the_helper_and_the_next_op_starts_one(ready: Helper, rng: np.random.Generator) -> None:
    helper.close_helper()
    assert ready.process.poll() is not None
    x, w, b, _ = _lenet_conv2(rng)
    ops.conv2d(x, w, b)  # starts a new one, works alone meanwhile
    assert helper.wait_until_ready()


def test_a_forked_child_does_not_use_its_parents_helper(ready: Helper, rng: np.random.Generator) -> None:
    x, w, b, _ = _lenet_conv2(rng)
    with single_threaded():
        expected = ops.conv2d(x, w, b)
    finished = ready.ctrl[FINISHED]
    pid = os.fork()
    if pid == 0:  # the child: its own helper (or none yet), the same numbers
        code = 0 if not helper._HELPER and np.array_equal(ops.conv2d(x, w, b), expected) else 1
        helper.close_helper()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert ready.ctrl[FINISHED] == finished, "the child posted to its parent's helper"


def test_op_results_lie_in_the_helpers_memory_and_reach_it_without_a_copy(
    ready: Helper, rng: np.random.Generator
) -> None:
    x = rng.standard_normal((64, 6, 14, 14)).astype(np.float32)
    private = ready.locate(x)
    shared = ops.relu(x)  # 301 KB: a recycled result, from the helper's memory
    assert private is None
    where = ready.locate(shared)
    assert where is not None
    assert np.array_equal(where.view(ready._bytes), shared)
    assert ready.share(shared) == where  # no copy: the helper reads the result where it lies
    assert ready.locate(shared[:, :, ::2]) is None  # not contiguous: copied


def test_a_forked_child_gets_its_own_copy_of_shared_results(ready: Helper, rng: np.random.Generator) -> None:
    result = ops.relu(rng.standard_normal((64, 6, 14, 14)).astype(np.float32))
    assert ready.locate(result) is not None
    before = result.copy()
    pid = os.fork()
    if pid == 0:  # the child sees what the parent had, then writes over it
        code = 0 if np.array_equal(result, before) else 1
        result[...] = -1.0
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child did not inherit the result's numbers"
    assert np.array_equal(result, before), "the child's write reached the parent's result"


def test_a_stopped_helper_is_given_up_on_and_the_op_finishes(ready: Helper, rng: np.random.Generator) -> None:
    """A helper that takes no task (stopped, as by a debugger) must not hang the caller's op."""
    x, w, b, grad = _lenet_conv2(rng)
    with single_threaded():
        expected = ops.conv2d_backward(grad, x, w, b)
    os.kill(ready.process.pid, signal.SIGSTOP)
    start = time.monotonic()
    got = ops.conv2d_backward(grad, x, w, b)
    assert time.monotonic() - start < 10
    assert ready.process.poll() is not None, "the stopped helper was left behind"
    for a, want in zip(got, expected, strict=True):
        assert np.array_equal(a, want)


def test_results_in_shared_memory_outlive_the_helper(ready: Helper, rng: np.random.Generator) -> None:
    """Closing the helper (or its death) leaves the caller's results readable and writable."""
    x = rng.standard_normal((64, 6, 14, 14)).astype(np.float32)
    result = ops.relu(x)
    assert ready.locate(result) is not None
    helper.close_helper()
    assert np.array_equal(result, np.maximum(x, 0))
    result[...] = 1.0
    assert float(result.sum()) == result.size
    fresh = ops.relu(x)  # no helper now: from malloc, or a new helper's memory
    assert not np.shares_memory(fresh, result)


def test_a_child_forked_after_the_helper_closed_still_gets_its_own_results(
    ready: Helper, rng: np.random.Generator
) -> None:
    result = ops.relu(rng.standard_normal((64, 6, 14, 14)).astype(np.float32))
    assert ready.locate(result) is not None
    before = result.copy()
    helper.close_helper()  # the memory file stays mapped: result uses it
    pid = os.fork()
    if pid == 0:
        result[...] = -1.0
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert np.array_equal(result, before), "the child's write reached the parent's result"


def test_a_helper_that_cannot_start_is_not_tried_at_every_op(
    monkeypatch: pytest.MonkeyPatch, rng: np.random.Generator
) -> None:
    helper.close_helper()
    monkeypatch.setattr(helper, "_GIVEN_UP", [])
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a child that exits before it is ready
    assert not helper.wait_until_ready(timeout=5)
    x, w, b, _ = _lenet_conv2(rng)
    out = ops.conv2d(x, w, b)  # finds it dead, never ready: gives up, and works alone
    assert helper._GIVEN_UP == [1]
    assert helper._helper() is None
    assert not helper._HELPER, "a new helper was started after one could not"
    with single_threaded():
        assert np.array_equal(out, ops.conv2d(x, w, b))


def test_blocks_recycle_lets_go_free_their_pages_and_serve_again(
    ready: Helper, rng: np.random.Generator
) -> None:
    result = ops.relu(rng.standard_normal((64, 6, 14, 14)).astype(np.float32) + 1)
    where = ready.locate(result)
    assert where is not None
    address, size = result.ctypes.data, result.nbytes
    del result
    recycle.release()  # unused: back to the helper, its pages freed
    assert not ready._bytes[where.offset : where.offset + size].any(), "the block's pages were kept"
    again = ops.relu(rng.standard_normal((64, 6, 14, 14)).astype(np.float32))
    assert again.ctypes.data == address  # the same place serves the same size again


def test_closing_waits_for_the_op_that_has_the_helper(ready: Helper) -> None:
    """close_helper from another thread must not pull the helper's memory from under a running op."""
    with helper.borrowed() as lent:  # this thread's op has it
        assert lent is ready
        closer = threading.Thread(target=helper.close_helper)
        closer.start()
        closer.join(timeout=0.3)
        assert closer.is_alive(), "the helper was closed while an op had it"
        assert lent.ready  # its control block is still there to read
    closer.join(timeout=10)
    assert not closer.is_alive()
    assert ready.process.poll() is not None
    with helper.borrowed() as again:  # a new helper, still starting: this op works alone
        assert again is not ready


def test_a_task_too_large_for_the_data_region_stays_out_of_the_results(ready: Helper) -> None:
    """Copies for the helper past the data region would overwrite op results: refused instead."""
    with helper.borrowed() as lent:
        assert lent is ready
        with pytest.raises(FullError):
            lent.place((BLOCKS,), np.uint8)  # after the control block and message slot: one byte too many
        where, _ = lent.place((BLOCKS - DATA,), np.uint8)  # exactly the region
        assert where.offset == DATA


def test_only_its_own_blocks_go_back_to_the_helper(ready: Helper) -> None:
    """A block from elsewhere handed to give_back (a stale id, say) frees nothing of the helper's."""
    kept = ops.relu(np.ones((64, 6, 14, 14), np.float32))
    assert ready.locate(kept) is not None
    free = {pages: list(places) for pages, places in ready._free.items()}
    ready.give_back(np.ones(2**18, np.uint8))  # malloc's memory
    assert float(kept.sum()) == kept.size
    assert ready._free == free


def test_a_repeated_task_is_pickled_once_and_a_changed_one_afresh(
    ready: Helper, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Helper.post` keeps a task's bytes: new numbers in the same places reuse them; new places do not."""
    pickled: list[object] = []
    dumps = helper.pickle.dumps

    def counting(task: object, protocol: int) -> bytes:
        pickled.append(task)
        return dumps(task, protocol)

    monkeypatch.setattr(helper.pickle, "dumps", counting)
    with helper.borrowed() as lent:
        assert lent is ready
        for which in (0, 0, 1):  # each task's places from the region's start again, as each op's are
            lent.clear()
            places = [lent.place((4, 2, 6, 6), np.float32) for _ in range(2)]
            out, out_view = lent.place((4, 2, 3, 3), np.float32)
            source, view = places[which]
            x = rng.standard_normal(view.shape).astype(np.float32)
            view[...] = x
            assert lent.run(pool_helped.max_pool_part, (source, out, 2, None, 0, 1), _nothing, _nothing)
            assert np.array_equal(out_view, ops.max_pool2d(x, 2)), "the helper pooled stale numbers"
    assert len(pickled) == 2, "the same task was pickled again, or a changed one was not"


def _nothing() -> None:
    """This side's half of a task that has none here."""
