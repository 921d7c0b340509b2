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
