"""Ops on every core: blocks run in threads, results independent of the thread count, nothing nested."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from convscope import ops
from convscope.ops import conv_chunks, helper, threads
from convscope.ops.threads import op_threads, run_blocks, single_threaded
from convscope.ops.workspace import Workspace

# (x shape, weight shape, settings): LeNet's conv1 and conv2 at batch 128 (4 and 2 chunks), a
# grouped, strided one with padding split into 4 chunks, and a large image in blocks of rows.
CASES = [
    ((128, 1, 32, 32), (6, 1, 5, 5), {}),
    ((128, 6, 14, 14), (16, 6, 5, 5), {}),
    ((96, 4, 24, 24), (6, 2, 3, 3), {"padding": 1, "stride": 2, "groups": 2}),
    ((2, 32, 48, 48), (8, 32, 3, 3), {"padding": 1}),  # one image a chunk, in 3 blocks of rows
]


@pytest.fixture
def four_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ops believe they have four cores, so they start threads even on a one-core runner.

    And no helper process (`convscope.ops.helper`) takes a block from the threads.
    """
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    monkeypatch.setattr(helper, "_platform_usable", lambda: False)


def test_blocks_run_on_several_threads_in_order(four_cores: None) -> None:
    seen: dict[int, tuple[list[int], int]] = {}

    def work(block: Sequence[int], index: int) -> None:
        seen[index] = (list(block), threading.get_ident())
        assert op_threads(8) == 1  # a block never starts threads of its own

    run_blocks(list(range(10)), work)
    assert [seen[i][0] for i in sorted(seen)] == [[0, 1], [2, 3, 4], [5, 6], [7, 8, 9]]
    assert seen[0][1] == threading.get_ident()  # block 0 on the calling thread
    assert len({ident for _, ident in seen.values()}) > 1


def test_an_error_in_a_block_is_raised_after_every_block_stopped(four_cores: None) -> None:
    done: list[int] = []

    def work(block: Sequence[int], index: int) -> None:
        if index == 2:
            raise ValueError("block 2 failed")
        done.append(index)

    with pytest.raises(ValueError, match="block 2"):
        run_blocks(list(range(8)), work)
    assert sorted(done) == [0, 1, 3]


def test_single_threaded_keeps_ops_on_the_calling_thread(four_cores: None) -> None:
    assert op_threads(8) == 4
    with single_threaded():
        assert op_threads(8) == 1
        idents: set[int] = set()
        run_blocks(list(range(8)), lambda block, index: idents.add(threading.get_ident()))
        assert idents == {threading.get_ident()}
    assert op_threads(3) == 3


def test_blas_threads_come_back_after_a_threaded_op(four_cores: None) -> None:
    with threadpool_limits(limits=2, user_api="blas"):
        run_blocks(list(range(4)), lambda block, index: None)
        assert {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"} == {2}


@pytest.mark.parametrize(("x_shape", "w_shape", "settings"), CASES)
def test_threads_change_no_bit(
    four_cores: None, monkeypatch: pytest.MonkeyPatch, x_shape: tuple[int, ...], w_shape: tuple[int, ...],
    settings: dict[str, Any],
) -> None:
    """Forward and all three gradients: the same bits on 4 threads, on 1, and with a layer's workspace.

    BLAS on one thread throughout (as the op's threads run it): OpenBLAS on two picks other kernels,
    whose last bits differ; that is BLAS's choice, not the op's. Short products (conv1's) would stay on
    one thread: here every case runs threaded, as a longer product of the same layout would.
    """
    monkeypatch.setattr(conv_chunks, "_MIN_INNER_FOR_THREADS", 1)
    with threadpool_limits(limits=1, user_api="blas"):
        threaded, with_workspace, alone = _three_ways(x_shape, w_shape, settings)
    for got, plain, want in zip(threaded, with_workspace, alone, strict=True):
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(plain, want)


def _three_ways(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], settings: dict[str, Any]
) -> tuple[tuple[np.ndarray, ...], ...]:
    """conv2d and conv2d_backward's results: threaded, threaded with a workspace, single-threaded."""
    rng = np.random.default_rng(3)
    x, w = (rng.standard_normal(s).astype(np.float32) for s in (x_shape, w_shape))
    b = rng.standard_normal(w_shape[0]).astype(np.float32)
    out = ops.conv2d(x, w, b, **settings)
    grad = rng.standard_normal(out.shape).astype(np.float32)
    threaded = (out, *ops.conv2d_backward(grad, x, w, b, **settings))
    ws = Workspace()
    with_workspace = (ops.conv2d(x, w, b, **settings, workspace=ws),
                      *ops.conv2d_backward(grad, x, w, b, **settings, workspace=ws))  # fmt: skip
    with single_threaded():
        alone = (ops.conv2d(x, w, b, **settings), *ops.conv2d_backward(grad, x, w, b, **settings))
    return threaded, with_workspace, alone


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "settings", "threaded"),
    [
        ((16, 1, 64, 64), (6, 1, 5, 5), {}, False),  # im2col, a product 25 numbers long
        ((64, 2, 64, 64), (6, 2, 5, 5), {}, False),  # 50
        ((128, 1, 32, 32), (6, 1, 5, 5), {"stride": (2, 1)}, False),  # batch-last, but im2col
        ((64, 3, 64, 64), (6, 3, 5, 5), {}, True),  # 75: an RGB image's 5x5 layer
        ((128, 1, 32, 32), (6, 1, 5, 5), {}, False),  # LeNet's conv1: 25, width columns, 2.5 M numbers
        ((256, 1, 32, 32), (6, 1, 5, 5), {}, True),  # 5 M numbers of width columns: enough for threads
        ((128, 6, 14, 14), (16, 6, 5, 5), {}, True),  # LeNet's conv2: 150
    ],
)
def test_only_convolutions_with_long_products_start_threads(
    four_cores: None, monkeypatch: pytest.MonkeyPatch, x_shape: tuple[int, ...], w_shape: tuple[int, ...],
    settings: dict[str, Any], threaded: bool,
) -> None:
    """Forward and backward split a batch's chunks over threads unless they are short products.

    A short product (under 64 numbers) takes threads only with width columns, and many of them.
    """
    seen: set[int] = set()

    def noting(items: Sequence[Any], work: Any) -> None:
        def block(part: Sequence[Any], index: int) -> None:
            seen.add(threading.get_ident())
            work(part, index)

        run_blocks(items, block)

    monkeypatch.setattr(conv_chunks, "run_blocks", noting)
    x = np.zeros(x_shape, np.float32)
    w = np.zeros(w_shape, np.float32)
    out = ops.conv2d(x, w, **settings)
    ops.conv2d_backward(out, x, w, **settings)
    assert (len(seen) > 1) == threaded


def test_a_call_without_workspace_reuses_columns_only_for_unchanged_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The thread's own scratch checks the input's bits: no stale columns after a change in place."""
    import convscope.ops.im2col as im2col_module
    import convscope.ops.workspace as workspace_module

    # A fresh scratch: the thread's own, filled by earlier tests' shapes, starts afresh once it holds 32
    # arrays, and would drop the forward's columns between the two calls if that happened in this test.
    monkeypatch.setattr(workspace_module, "_PER_THREAD", threading.local())

    built = []
    real = im2col_module.im2col
    monkeypatch.setattr(im2col_module, "im2col", lambda *a, **k: built.append(1) or real(*a, **k))
    rng = np.random.default_rng(4)
    x = rng.standard_normal((8, 6, 14, 14)).astype(np.float32)
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    grad = rng.standard_normal((8, 16, 10, 10)).astype(np.float32)
    with single_threaded():
        ops.conv2d(x, w)
        first = ops.conv2d_backward_weight(grad, x, w)[0]
        assert len(built) == 1  # the forward's columns served the weight gradient
        x[0, 0, 0, 0] = -x[0, 0, 0, 0]  # one number changed in place
        grad_w = ops.conv2d_backward_weight(grad, x, w)[0]
    assert len(built) == 2  # rebuilt
    np.testing.assert_array_equal(grad_w, ops.conv2d_backward_weight(grad, x.copy(), w)[0])
    assert not np.array_equal(grad_w, first)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_runs_threaded_ops(four_cores: None) -> None:
    """The parent's pool has no threads in a child: the child starts its own instead of waiting forever."""
    import multiprocessing

    # Three workers, all started and idle, as a busy parent leaves them (the earlier workers, if any,
    # stay idle on a queue no one puts anything on).
    threads._INBOX.clear()
    run_blocks(list(range(8)), lambda block, index: __import__("time").sleep(0.05))
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool.apply_async(_threaded_sum).get(timeout=30) == 28


def _threaded_sum() -> int:
    threads.available_cores = lambda: 4  # what the fixture set in the parent, kept by fork
    totals = [0] * 4
    run_blocks(list(range(8)), lambda block, index: totals.__setitem__(index, sum(block)))
    return sum(totals)


def test_the_workers_outlive_an_error_and_serve_every_later_call(four_cores: None) -> None:
    """A block's error reaches its caller; the same workers then run the next calls (none started anew)."""

    def failing(block: Sequence[int], index: int) -> None:
        if index == 1:
            raise KeyError("block 1")

    with pytest.raises(KeyError, match="block 1"):
        run_blocks(list(range(8)), failing)
    started = threading.active_count()
    for _ in range(20):
        totals = [0] * 4

        def add(block: Sequence[int], index: int, totals: list[int] = totals) -> None:
            totals[index] = sum(block)

        run_blocks(list(range(8)), add)
        assert totals == [1, 5, 9, 13]
    assert threading.active_count() == started


def test_the_core_count_is_read_again_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """`available_cores` keeps the affinity mask's count for a second (a system call saved each op),
    then reads it again: a change of the mask is seen within a second."""
    cores = [{0, 1, 2}]
    monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid: cores[0], raising=False)
    monkeypatch.setattr(threads, "_CORES", [1, -1.0])  # never read yet
    assert threads.available_cores() == 3
    cores[0] = {0, 1, 2, 3, 4}
    assert threads.available_cores() == 3  # kept
    threads._CORES[1] -= threads._CORES_FOR + 0.01  # a second and more later
    assert threads.available_cores() == 5
