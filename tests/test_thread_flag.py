"""The per-thread switch behind `single_threaded` and `trusted_values`."""

from __future__ import annotations

import threading

import pytest

from convscope._thread_flag import switched_on


def test_the_switch_is_this_threads_and_comes_back_after_nesting_and_errors() -> None:
    state = threading.local()
    seen: list[bool] = []
    with switched_on(state, "on"):
        with switched_on(state, "on"):
            pass
        assert state.on  # the inner block gave back True, what it found
        thread = threading.Thread(target=lambda: seen.append(getattr(state, "on", False)))
        thread.start()
        thread.join()
        with pytest.raises(RuntimeError), switched_on(state, "on"):
            raise RuntimeError("inside")
        assert state.on
    assert seen == [False]  # another thread never saw it on
    assert state.on is False


def test_a_decorating_switch_enters_afresh_for_each_call_so_nested_calls_come_back() -> None:
    """``@single_threaded()`` decorates `nn.shards.shard_step`: one `Switch` object, entered by every
    call, including a call from inside another (recursion) and calls on other threads at once."""
    state = threading.local()
    seen: list[tuple[int, bool]] = []

    @switched_on(state, "on")
    def depth(n: int) -> None:
        seen.append((n, state.on))
        if n:
            depth(n - 1)
            seen.append((n, state.on))  # still on after the inner call gave back what it found

    depth(2)
    assert seen == [(2, True), (1, True), (0, True), (1, True), (2, True)]
    assert state.on is False
    threads = [threading.Thread(target=depth, args=(1,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen.count((1, True)) == 2 + 8  # each thread's two sightings at depth 1, all on
    assert state.on is False
