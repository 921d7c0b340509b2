"""Recycled results: a block is handed out again only once no array refers to it, and ops stay exact."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from convscope.ops import recycle
from convscope.ops.activations import relu, relu_backward
from convscope.ops.conv import conv2d, conv2d_backward
from convscope.ops.pool import max_pool2d, max_pool2d_backward

SHAPE = (64, 6, 28, 28)  # LeNet's first activations at batch 64: 1.2 MB, recycled


@pytest.fixture(autouse=True)
def no_blocks_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no kept blocks: earlier tests' live arrays may fill the process's budget."""
    monkeypatch.setattr(recycle, "_KEPT", {})
    monkeypatch.setattr(recycle, "_SOURCED", set())  # with the blocks it names


def _holders(result: np.ndarray) -> dict[str, Callable[[], Any]]:
    """Ways a caller may keep seeing a result's memory after dropping the result itself."""
    return {
        "the result": lambda: result,
        "a slice": lambda: result[1:3],
        "a transpose": lambda: result.transpose(0, 2, 3, 1),
        "a reshape": lambda: result.reshape(len(result), -1),
        "a view of a view": lambda: result[::2][:, 1:, 3:],
        "a memoryview": lambda: memoryview(result),
        "the owner": lambda: result.base,
    }


@pytest.mark.parametrize("way", list(_holders(np.empty(SHAPE))))
def test_a_block_seen_by_any_view_is_not_handed_out_again(way: str) -> None:
    first = recycle.empty(SHAPE, np.float32)
    first[...] = 7.0
    held = _holders(first)[way]()
    del first
    for _ in range(3):  # more than one request of the same size: none may reuse the held block
        other = recycle.empty(SHAPE, np.float32)
        other[...] = -1.0
    assert np.all(np.asarray(held).view(np.float32) == 7.0)  # the owner is bytes: read them as floats


def test_a_block_nothing_refers_to_is_reused_without_new_memory() -> None:
    first = recycle.empty(SHAPE, np.float32)
    address = first.ctypes.data
    del first
    again = recycle.empty(SHAPE, np.float32)
    assert again.ctypes.data == address
    assert again.shape == SHAPE
    assert again.dtype == np.float32
    assert again.flags.c_contiguous


@pytest.mark.parametrize("shape", [SHAPE, (3, 1001, 97)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8])
def test_a_kept_block_starts_on_a_cache_line(
    shape: tuple[int, ...], dtype: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # BLAS reads a product's operand faster from a cache line's start (recycle.ALIGN); malloc's large
    # blocks start 16 bytes past one. No source: a helper's shared blocks are page-aligned anyway.
    monkeypatch.setattr(recycle, "_SOURCE", [])
    held = [recycle.empty(shape, dtype) for _ in range(3)]  # three blocks of the size at once
    assert [a.ctypes.data % recycle.ALIGN for a in held] == [0, 0, 0]
    assert all(a.flags.c_contiguous for a in held)
    assert all(a.flags.writeable for a in held)
    assert all(a.shape == shape for a in held)


@pytest.mark.parametrize("size", [0, 1, 63, 64, 1000, 2**20 + 3])
def test_aligned_bytes_are_as_many_as_asked_and_start_on_a_cache_line(size: int) -> None:
    block = recycle.aligned_bytes(size)
    assert block.shape == (size,)
    assert block.dtype == np.uint8
    assert block.flags.writeable
    if size:
        assert block.ctypes.data % recycle.ALIGN == 0
        block[...] = 5  # all of it is writable memory of its own
        assert int(block.sum()) == 5 * size


def test_small_huge_and_object_arrays_are_plain_fresh_arrays() -> None:
    small = recycle.empty((10, 10), np.float32)
    huge = recycle.empty((recycle._MOST_BYTES // 4 + 1,), np.float32)
    objects = recycle.empty((2**16,), object)
    for array in (small, huge, objects):
        assert array.base is None  # owns its memory: not a kept block
    assert objects.dtype == object


def test_kept_blocks_stay_within_the_budget() -> None:
    recycle.release()
    shapes = [(2**20 + 256 * k,) for k in range(60)]  # 60 sizes of ~4 MB: 240 MB, over the 128 MB budget
    held = [recycle.empty(shape, np.float32) for shape in shapes]
    kept = recycle.release()
    assert 0 < kept <= recycle._MOST_BYTES < sum(a.nbytes for a in held)  # past it: plain fresh arrays
    del held
    assert recycle.release() == 0  # nothing uses them now: all given back


def test_a_new_size_is_kept_once_unused_blocks_make_room() -> None:
    """Past the budget, blocks nothing uses are forgotten, and the new size takes their place."""
    dropped = [recycle.empty((2**20 + 256 * k,), np.float32) for k in range(31)]  # ~124 MB kept
    del dropped  # all unused now, still kept
    new = recycle.empty((2**21,), np.float32)  # 8 MB: over the budget until the unused ones go
    assert recycle.release() == new.nbytes  # only the new block, still in use, stays


def test_threads_taking_results_at_once_never_share_a_block() -> None:
    errors: list[str] = []

    def take(value: float) -> None:
        for _ in range(200):
            mine = recycle.empty((2**16 + 8,), np.float32)
            mine[...] = value
            again = recycle.empty((2**16 + 8,), np.float32)  # while mine is held
            again[...] = -value
            if not np.all(mine == value):
                errors.append(f"thread {value}: a held block was handed to another request")

    threads = [threading.Thread(target=take, args=(float(v),)) for v in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_an_ops_result_is_not_overwritten_by_the_next_call() -> None:
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(SHAPE).astype(np.float32) for _ in range(2))
    kept = relu(a)
    kept_pooled = max_pool2d(kept, 2)
    expected, expected_pooled = np.maximum(a, 0), kept_pooled.copy()
    for _ in range(3):  # the same sizes again, on other numbers
        relu(b)
        max_pool2d(relu(b), 2)
        relu_backward(b, b)
        max_pool2d_backward(b[:, :, ::2, ::2], b, 2)
    np.testing.assert_array_equal(kept, expected)
    np.testing.assert_array_equal(kept_pooled, expected_pooled)


def test_recycled_results_give_the_same_bits_call_after_call() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 6, 14, 14)).astype(np.float32)
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    g = rng.standard_normal((64, 16, 10, 10)).astype(np.float32)
    first = (conv2d(x, w), *conv2d_backward(g, x, w, np.zeros(16, np.float32)))
    for _ in range(3):
        again = (conv2d(x, w), *conv2d_backward(g, x, w, np.zeros(16, np.float32)))
        for one, other in zip(first, again, strict=True):
            assert one is not None
            assert other is not None
            assert not np.shares_memory(one, other)
            np.testing.assert_array_equal(one, other)


def test_a_source_gives_new_blocks_and_kept_blocks_from_elsewhere_retire(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(recycle, "_SOURCE", [])
    monkeypatch.setattr(recycle, "_SOURCED", set())
    memory = np.zeros(2**23, np.uint8)
    given: list[int] = []

    def source(size: int) -> np.ndarray | None:
        start = sum(given)
        given.append(size)
        return np.frombuffer(memoryview(memory)[start : start + size], np.uint8)

    first = recycle.empty(SHAPE, np.float32)  # from malloc, and kept
    address = first.ctypes.data
    del first
    recycle.use_source(source)
    try:
        a = recycle.empty(SHAPE, np.float32)
        assert a.ctypes.data != address  # the malloc block is not handed out while a source is set
        assert np.shares_memory(a, memory)
        a_address = a.ctypes.data
        b = recycle.empty(SHAPE, np.float32)  # a is held: a second block from the source
        assert np.shares_memory(b, memory)
        assert not np.shares_memory(a, b)
        del a
        assert recycle.empty(SHAPE, np.float32).ctypes.data == a_address  # reused, not taken again
        assert len(given) == 2
    finally:
        recycle.use_source(None)
    fresh = recycle.empty((2**17,), np.float32)  # a new size, after the source: malloc's
    assert not np.shares_memory(fresh, memory)
    assert len(given) == 2


def test_a_source_gets_back_the_blocks_recycle_lets_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recycle, "_SOURCE", [])
    monkeypatch.setattr(recycle, "_SOURCED", set())
    memory = np.zeros(2**22, np.uint8)
    back: list[int] = []

    def source(size: int) -> np.ndarray:
        return np.frombuffer(memoryview(memory)[:size], np.uint8)

    recycle.use_source(source, lambda block: back.append(block.ctypes.data))
    try:
        held = recycle.empty(SHAPE, np.float32)
        assert np.shares_memory(held, memory)
        assert recycle.release() >= held.nbytes  # in use: kept, not given back
        assert back == []
        address = held.ctypes.data
        del held
        recycle.release()
        assert back == [address]
    finally:
        recycle.use_source(None)
