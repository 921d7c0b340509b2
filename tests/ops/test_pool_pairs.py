"""2x2/2 max pooling's backward in pair rounds: the general path's and the loop twin's bits, ties too."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (the name every PyTorch reader expects)
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.ops import pool_pairs, threads
from convscope.ops.pool import max_pool2d, max_pool2d_backward
from convscope.ops.pool_naive import max_pool2d_backward_naive, max_pool2d_naive
from convscope.ops.pool_pairs import max_pool2d_pairs, route_pairs, takes_pairs
from convscope.ops.pool_windows import pool_windows
from convscope.ops.threads import single_threaded
from convscope.ops.workspace import Workspace
from tests.split_runs import split_from_one

FEW = settings(max_examples=30, deadline=None)


@st.composite
def inputs(draw: Any) -> np.ndarray:
    """(N, C, H, W) with even H and W; often small integers, so tied maxima are common."""
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), 2 * draw(st.integers(1, 5)),
             2 * draw(st.integers(1, 5)))  # fmt: skip
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        return rng.integers(-1, 2, shape).astype(np.float64)
    return rng.standard_normal(shape)


def _general(x: np.ndarray) -> np.ndarray:
    """The same values in Fortran order: not C-contiguous, so the ops take the general path."""
    y = np.asfortranarray(x)
    assert not takes_pairs(y, pool_windows(y, 2, None, 0))
    return y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@FEW
@given(x=inputs())
def test_pairs_give_the_bits_of_the_general_path_and_the_loop_twin(x: np.ndarray, dtype: Any) -> None:
    x = x.astype(dtype)
    assert takes_pairs(x, pool_windows(x, 2, None, 0))
    out = max_pool2d(x, 2)
    np.testing.assert_array_equal(out, max_pool2d(_general(x), 2))
    np.testing.assert_array_equal(out, max_pool2d_naive(x, 2))
    g = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    grad = max_pool2d_backward(g, x, 2, output=out)
    assert grad.dtype == dtype
    assert grad.shape == x.shape
    np.testing.assert_array_equal(grad, max_pool2d_backward(g, _general(x), 2))
    np.testing.assert_array_equal(grad, max_pool2d_backward_naive(g, x, 2))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@FEW
@given(x=inputs())
def test_the_forwards_winners_route_the_gradient_as_the_backward_finds_it(x: np.ndarray, dtype: Any) -> None:
    """`max_pool2d_pairs` (a layer's forward) and `route_pairs` give the op's and the loop twin's bits."""
    x = x.astype(dtype)
    out, winners = max_pool2d_pairs(x)
    np.testing.assert_array_equal(out, max_pool2d_naive(x, 2))
    g = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    kept = (winners.left.copy(), winners.rows.copy())
    grad = route_pairs(g, winners, x.shape, Workspace())
    assert grad.dtype == dtype
    np.testing.assert_array_equal(grad, max_pool2d_backward(g, x, 2))
    np.testing.assert_array_equal(grad, max_pool2d_backward_naive(g, x, 2))
    np.testing.assert_array_equal(winners.left, kept[0])  # routing leaves the winners as they were
    np.testing.assert_array_equal(winners.rows, kept[1])


@settings(max_examples=15, deadline=None)
@given(x=inputs())
def test_pairs_match_torch_ties_included(x: np.ndarray) -> None:
    t = torch.tensor(x, requires_grad=True)
    expected = F.max_pool2d(t, 2)
    g = np.random.default_rng(1).standard_normal(expected.shape)
    expected.backward(torch.tensor(g))
    assert t.grad is not None
    np.testing.assert_array_equal(max_pool2d(x, 2), expected.detach().numpy())
    np.testing.assert_array_equal(max_pool2d_backward(g, x, 2), t.grad.numpy())


def test_a_workspace_is_reused_and_never_returned() -> None:
    """Results stay the caller's: a second call with the same workspace changes no earlier result."""
    rng, ws = np.random.default_rng(2), Workspace()
    x1, x2 = rng.standard_normal((2, 3, 8, 6)), rng.standard_normal((2, 3, 8, 6))
    g = rng.standard_normal((2, 3, 4, 3))
    grad1 = max_pool2d_backward(g, x1, 2, workspace=ws)
    kept = grad1.copy()
    max_pool2d_backward(g, x2, 2, workspace=ws)
    np.testing.assert_array_equal(grad1, kept)
    np.testing.assert_array_equal(grad1, max_pool2d_backward_naive(g, x1, 2))
    assert "4 arrays" in repr(ws)  # the pairs' maxima, and the left, rows and behind masks: made once


def test_only_undilated_unpadded_2x2_stride_2_windows_on_even_sides_take_pairs() -> None:
    x = np.zeros((1, 1, 6, 6))
    assert takes_pairs(x, pool_windows(x, 2, 2, 0))
    assert not takes_pairs(x, pool_windows(x, 2, 2, 1))  # padding
    assert not takes_pairs(x, pool_windows(x, 2, 2, 0, 2))  # dilation
    assert not takes_pairs(x, pool_windows(x, 3, 3, 0))
    assert not takes_pairs(x, pool_windows(x, (2, 2), (2, 1), 0))
    odd = np.zeros((1, 1, 5, 6))
    assert not takes_pairs(odd, pool_windows(odd, 2, 2, 0))  # the last row would be dropped


@pytest.mark.parametrize("on", ["default threads", "one thread"])
@FEW
@given(x=inputs())
def test_a_backward_split_in_two_runs_gives_the_same_bits(x: np.ndarray, on: str) -> None:
    # From threads.SPLIT_FROM input values the op works its windows' rows in two runs (two threads where the
    # machine has them): every window's gradient comes from its own four inputs, so the bits stay.
    g = np.random.default_rng(3).standard_normal(max_pool2d(x, 2).shape)
    whole = max_pool2d_backward(g, x, 2)
    threading = single_threaded() if on == "one thread" else contextlib.nullcontext()
    with split_from_one(pool_pairs) as spans, threading:
        split = max_pool2d_backward(g, x, 2)
    rows = x.shape[0] * x.shape[1] * x.shape[2] // 2  # rows of windows: one row of them is not split
    assert spans == [min(2, rows)]
    np.testing.assert_array_equal(split, whole)
    np.testing.assert_array_equal(split, max_pool2d_backward_naive(g, x, 2))


def test_a_batch_256_lenet_pool_backward_splits_and_matches_torch() -> None:
    # LeNet's pool1 at batch 256 (1.2 M values) is past threads.SPLIT_FROM as shipped: the real split, ReLU's
    # zeros (tied windows) included, against PyTorch's gradient.
    rng = np.random.default_rng(4)
    x = np.maximum(rng.standard_normal((256, 6, 28, 28)).astype(np.float32), 0)
    assert x.size >= threads.SPLIT_FROM
    t = torch.tensor(x, requires_grad=True)
    out = F.max_pool2d(t, 2)
    g = rng.standard_normal(out.shape).astype(np.float32)
    out.backward(torch.tensor(g))
    assert t.grad is not None
    np.testing.assert_array_equal(max_pool2d_backward(g, x, 2), t.grad.numpy())


def test_row_patterns_past_the_kept_size_are_made_for_the_call_and_give_the_same_bits() -> None:
    x = np.random.default_rng(5).integers(-1, 2, (3, 4, 8, 10)).astype(np.float32)  # ties in most windows
    g = np.random.default_rng(6).standard_normal((3, 4, 4, 5)).astype(np.float32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pool_pairs, "_KEPT_PATTERN", 16)  # every pattern here is longer: none is kept
        before = pool_pairs._row_pattern_run.cache_info()
        out, winners = max_pool2d_pairs(x)
        routed, found = route_pairs(g, winners, x.shape), max_pool2d_backward(g, x, 2)
        after = pool_pairs._row_pattern_run.cache_info()
        assert (after.hits, after.misses) == (before.hits, before.misses)  # the cache was not asked
    np.testing.assert_array_equal(out, max_pool2d_naive(x, 2))
    np.testing.assert_array_equal(routed, max_pool2d_backward_naive(g, x, 2))
    np.testing.assert_array_equal(found, max_pool2d_backward_naive(g, x, 2))


def test_pairs_write_into_the_array_given(rng: np.random.Generator) -> None:
    # `pool_helped` has each half write into its rows of the batch's result: nothing copied after
    x = rng.integers(0, 3, (4, 3, 6, 8)).astype(np.float32)  # ties in most windows
    g = rng.standard_normal((4, 3, 3, 4)).astype(np.float32)
    maxima, grad = np.full((4, 3, 3, 4), np.nan, np.float32), np.full(x.shape, np.nan, np.float32)
    assert pool_pairs.max_pool2d_pairs_maxima(x, maxima) is maxima
    assert pool_pairs.max_pool2d_pairs_backward(g, x, None, grad) is grad
    np.testing.assert_array_equal(maxima, max_pool2d_naive(x, 2))
    np.testing.assert_array_equal(grad, max_pool2d_backward_naive(g, x, 2))


@pytest.mark.parametrize("width", [10, 14, 16, 28])  # rows of 5 and 7 windows (shifted); 8 and 14
def test_window_maxima_of_short_and_long_rows_match_the_loops(width: int, rng: np.random.Generator) -> None:
    # `_row_maxima` takes a different path below `_SHORT_ROWS` windows a row: both must give the loops' maxima
    x = rng.integers(0, 4, (3, 2, 6, width)).astype(np.float32)  # ties in most windows
    assert (width // 2 < pool_pairs._SHORT_ROWS) == (width < 16)
    np.testing.assert_array_equal(max_pool2d(x, 2), max_pool2d_naive(x, 2))
    np.testing.assert_array_equal(pool_pairs.max_pool2d_pairs_maxima(x), max_pool2d_naive(x, 2))
