"""`convscope._blas`: every place an op multiplies holds NumPy's BLAS to one thread, and gives it back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from convscope import ops
from convscope._blas import blas_on_one_thread, blas_threads
from convscope._validate import all_finite, all_finite_together
from convscope.ops import conv_chunks, helper


def test_the_counts_come_back_after_nesting_and_errors() -> None:
    def nested() -> None:
        with blas_on_one_thread():
            with blas_on_one_thread():
                assert blas_threads() == 1
            assert blas_threads() == 1  # the inner block found one thread, and left it
            raise RuntimeError

    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(RuntimeError):
            nested()
        assert blas_threads() == 2


@pytest.mark.parametrize("batch", [64, 8])  # two chunks, the helper's and this thread's; one chunk
def test_a_convolution_multiplies_on_one_blas_thread(
    batch: int, monkeypatch: pytest.MonkeyPatch, rng: np.random.Generator
) -> None:
    """With the caller's BLAS on two threads, a convolution's own chunks (beside the helper, or alone)
    multiply on one: OpenBLAS's second thread would spin on the helper's core (a LeNet step of ops
    16 -> 4.7 ms, RESULTS_perf #178)."""
    seen: list[int] = []
    blocks = {"forward": conv_chunks.forward_block, "gradients": conv_chunks.gradient_block}

    def spied(name: str) -> Any:
        def block(*args: Any, **kwargs: Any) -> None:
            seen.append(blas_threads())
            blocks[name](*args, **kwargs)

        return block

    monkeypatch.setattr(conv_chunks, "forward_block", spied("forward"))
    monkeypatch.setattr(conv_chunks, "gradient_block", spied("gradients"))
    if batch == 64:
        assert helper.wait_until_ready() or not helper.usable()
    x = rng.standard_normal((batch, 6, 14, 14)).astype(np.float32)  # LeNet's conv2
    w = rng.standard_normal((16, 6, 5, 5)).astype(np.float32)
    with threadpool_limits(limits=2, user_api="blas"):
        out = ops.conv2d(x, w)
        ops.conv2d_backward(np.ones_like(out), x, w)
        assert blas_threads() == 2
    assert seen
    assert set(seen) == {1}


def test_the_nan_checks_dot_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long dot product is split over OpenBLAS's threads, which would spin on after it."""
    seen: list[int] = []
    dot = np.dot

    def spied(a: Any, b: Any) -> Any:
        seen.append(blas_threads())
        return dot(a, b)

    monkeypatch.setattr(np, "dot", spied)
    large = np.ones(2**18, np.float32)  # past `_validate.DOT_FROM`: checked with a dot
    with threadpool_limits(limits=2, user_api="blas"):
        assert all_finite(large)
        assert all_finite_together([large, large])
        assert blas_threads() == 2
    assert seen == [1, 1, 1]
