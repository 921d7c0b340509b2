"""A fully connected layer's backward with its weight gradient made in the helper: the bits of one thread."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from convscope import ops
from convscope._blas import blas_threads
from convscope.ops import helper, linear_helped
from convscope.ops.helper import FAILURES, FINISHED
from convscope.ops.threads import single_threaded

pytestmark = pytest.mark.skipif(not helper.usable(), reason="the helper needs Linux's memfd and two cores")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [256, 1000])  # LeNet's fc1 at 256 images; an odd-sized batch
def test_the_weight_gradient_made_in_the_helper_has_the_bits_of_one_thread(
    batch: int, dtype: type, rng: np.random.Generator
) -> None:
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    x = rng.standard_normal((batch, 400)).astype(dtype)
    w = rng.standard_normal((120, 400)).astype(dtype)
    b = rng.standard_normal(120).astype(dtype)
    g = rng.standard_normal((batch, 120)).astype(dtype)
    with threadpool_limits(1, user_api="blas"):  # as convscope's CLI and fit run BLAS
        done, failed = ctrl[FINISHED], ctrl[FAILURES]
        helped = ops.linear_backward(g, x, w, b)
        assert ctrl[FINISHED] == done + 1, "the helper did not make the weight gradient"
        assert ctrl[FAILURES] == failed
        with single_threaded():
            alone = ops.linear_backward(g, x, w, b)
    for ours, theirs in zip(helped, alone, strict=True):
        assert ours is not None
        assert theirs is not None
        assert ours.dtype == dtype
        assert np.array_equal(ours, theirs)
    np.testing.assert_allclose(helped[1], g.T.astype(np.float64) @ x, rtol=1e-4, atol=1e-3)


def test_small_or_strided_products_stay_here(rng: np.random.Generator) -> None:
    """Below `_MIN_WORK` the hand-off costs more than it saves; a strided x would be read differently."""
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    small = 64  # LeNet's fc1 at 64 images: 3.1 M multiply-adds
    assert small * 120 * 400 < linear_helped._MIN_WORK <= 256 * 120 * 400
    w = rng.standard_normal((120, 400)).astype(np.float32)
    x, g = rng.standard_normal((1000, 400)).astype(np.float32), np.ones((1000, 120), np.float32)
    strided = np.asfortranarray(x)
    done = ctrl[FINISHED]
    with threadpool_limits(1, user_api="blas"):
        few, g_few = x[:small], g[:small]
        np.testing.assert_array_equal(ops.linear_backward(g_few, few, w)[1], g_few.T @ few)
        np.testing.assert_array_equal(ops.linear_backward(g, strided, w)[1], g.T @ strided)
    assert ctrl[FINISHED] == done


def test_a_caller_with_blas_on_two_threads_gets_the_helper_and_the_bits_of_one(
    rng: np.random.Generator,
) -> None:
    """The op holds BLAS to one thread (`convscope._blas`), so with the caller's BLAS on two threads the
    helper still makes the weight gradient beside it, the numbers are one BLAS thread's (OpenBLAS on two
    added a 1000-row product differently), and the caller's two threads come back after."""
    assert helper.wait_until_ready()
    ctrl = helper._HELPER[0].ctrl
    w = rng.standard_normal((120, 400)).astype(np.float32)
    x, g = (rng.standard_normal((1000, width)).astype(np.float32) for width in (400, 120))
    with threadpool_limits(1, user_api="blas"):
        want = (g @ w, g.T @ x)
    with threadpool_limits(2, user_api="blas"):
        done = ctrl[FINISHED]
        got = ops.linear_backward(g, x, w)
        assert ctrl[FINISHED] == done + 1, "the helper did not make the weight gradient"
        assert blas_threads() == 2
    for ours, theirs in zip(got[:2], want, strict=True):
        assert np.array_equal(ours, theirs)
