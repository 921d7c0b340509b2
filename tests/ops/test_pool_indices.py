"""Max pooling's indices: the forward's, and the backward that scatters to them, against PyTorch and twins."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (the name every PyTorch reader expects)
from hypothesis import given

from convscope.ops import pool_indices, threads
from convscope.ops.pool import max_pool2d, max_pool2d_backward
from convscope.ops.pool_naive import max_pool2d_backward_naive, max_pool2d_naive
from tests.ops.test_pool import DTYPES, FEW, Case, cases
from tests.split_runs import split_from_one


def _args(case: Case) -> tuple[Any, ...]:
    return (case.kernel_size, case.stride, case.padding, case.dilation)


@pytest.mark.parametrize("dtype", DTYPES)
@FEW
@given(case=cases(dilate=True))
def test_the_backward_from_indices_is_pytorchs(case: Case, dtype: Any) -> None:
    # Ties are drawn often (small integers): the index must name the same first maximum as PyTorch's,
    # and overlapping windows that pick the same input must add up there.
    x = case.x.astype(dtype)
    out, indices = max_pool2d(x, *_args(case), return_indices=True)
    g = np.random.default_rng(case.seed).standard_normal(out.shape).astype(dtype)
    xt = torch.tensor(x, requires_grad=True)
    expected_out, expected_indices = F.max_pool2d(xt, *_args(case), return_indices=True)
    expected_out.backward(torch.tensor(g))
    np.testing.assert_array_equal(out, expected_out.detach().numpy())
    np.testing.assert_array_equal(indices, expected_indices.numpy())
    grad = max_pool2d_backward(g, x, *_args(case), indices=indices)
    assert grad.dtype == dtype
    assert xt.grad is not None
    np.testing.assert_allclose(grad, xt.grad.numpy(), rtol=1e-6, atol=1e-6)
    # The same numbers as finding the maxima again, and as the loop twin given the same indices (up to
    # the order in which overlapping windows add at one input).
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(grad, max_pool2d_backward(g, x, *_args(case)), rtol=tol, atol=tol)
    naive = max_pool2d_backward_naive(g, x, *_args(case), indices=indices)
    np.testing.assert_allclose(grad, naive, rtol=tol, atol=tol)


def test_overlapping_windows_that_choose_one_input_add_their_gradients_there() -> None:
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 9.0  # the maximum of all four 2x2 windows at stride 1
    _, indices = max_pool2d(x, 2, 1, return_indices=True)
    assert (indices == 4).all()
    g = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    grad = max_pool2d_backward(g, x, 2, 1, indices=indices)
    assert grad[0, 0, 1, 1] == 10.0
    assert np.count_nonzero(grad) == 1


@pytest.mark.parametrize("on", ["default threads", "one thread"])
@FEW
@given(case=cases(dilate=True))
def test_the_indices_forward_in_two_halves_gives_the_same_bits(case: Case, on: str) -> None:
    args = (case.x, *_args(case))
    threading = threads.single_threaded() if on == "one thread" else contextlib.nullcontext()
    with split_from_one(pool_indices) as runs, threading:
        out, indices = max_pool2d(*args, return_indices=True)
    assert runs == [min(2, len(case.x))]
    naive_out, naive_indices = max_pool2d_naive(*args, return_indices=True)
    np.testing.assert_array_equal(out, naive_out)
    np.testing.assert_array_equal(indices, naive_indices)


def test_the_indices_of_lenets_pools_match_pytorch_on_a_large_batch() -> None:
    # Large enough for two halves at the default split (threads.SPLIT_FROM), float32 as in training.
    x = np.random.default_rng(3).standard_normal((64, 6, 28, 28)).astype(np.float32)
    out, indices = max_pool2d(x, 2, return_indices=True)
    expected_out, expected_indices = F.max_pool2d(torch.from_numpy(x), 2, return_indices=True)
    np.testing.assert_array_equal(out, expected_out.numpy())
    np.testing.assert_array_equal(indices, expected_indices.numpy())
    g = np.ones(out.shape, dtype=np.float32)
    np.testing.assert_array_equal(max_pool2d_backward(g, x, 2, indices=indices), max_pool2d_backward(g, x, 2))


X, G = np.arange(16.0).reshape(1, 1, 4, 4), np.ones((1, 1, 2, 2))
GOOD = max_pool2d(X, 2, return_indices=True)[1]


@pytest.mark.parametrize(("indices", "error", "message"), [
    (GOOD.astype(float), TypeError, r"indices must be integers .*return_indices=True.*, got dtype float64"),
    (GOOD[..., :1], ValueError, r"indices must have the output's shape \(1, 1, 2, 2\), got \(1, 1, 2, 1\)"),
    (GOOD - 6, ValueError, r"indices must lie in 0 \.\. 15 \(row \* W \+ col of the input\), got -1 \.\. 9"),
    (GOOD + 1, ValueError, r"got 6 \.\. 16; pass the indices that max_pool2d"),
    ("5", TypeError, r"indices must be integers"),
])
def test_bad_indices_are_refused_clearly_and_change_nothing(
    indices: Any, error: type[Exception], message: str
) -> None:
    kept = GOOD.copy()
    with pytest.raises(error, match=message):
        max_pool2d_backward(G, X, 2, indices=indices)
    np.testing.assert_array_equal(GOOD, kept)
