"""Pooling: forward and backward against PyTorch, fast against naive, numerical gradients, bad inputs."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812  (the name every PyTorch reader expects)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convscope.ops import pool_offsets, threads
from convscope.ops.pool import (
    avg_pool2d,
    avg_pool2d_backward,
    lp_pool2d,
    lp_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
    sum_pool2d,
    sum_pool2d_backward,
)
from convscope.ops.pool_naive import (
    avg_pool2d_backward_naive,
    avg_pool2d_naive,
    lp_pool2d_backward_naive,
    lp_pool2d_naive,
    max_pool2d_backward_naive,
    max_pool2d_naive,
    sum_pool2d_backward_naive,
    sum_pool2d_naive,
)
from convscope.ops.pool_pairs import takes_pairs
from convscope.ops.pool_windows import pool_windows
from tests.oracle import check_against_torch, gradcheck
from tests.split_runs import split_from_one

DTYPES = [np.float64, np.float32]
FEW = settings(max_examples=25, deadline=None)


@dataclass(frozen=True)
class Case:
    """One drawn pooling problem: input, window arguments and a seed for gradients."""

    x: np.ndarray
    kernel_size: tuple[int, int]
    stride: tuple[int, int] | None
    padding: tuple[int, int]
    dilation: tuple[int, int]
    seed: int


def only_padding(size: int, k: int, p: int, d: int, s: int) -> bool:
    """Whether some window along one axis has every tap in the padding."""
    windows = (size + 2 * p - d * (k - 1) - 1) // s + 1
    return any(all(not 0 <= r * s - p + i * d < size for i in range(k)) for r in range(windows))


@st.composite
def cases(draw: Any, dilate: bool = False, pad: bool = True, ties: bool = True) -> Case:
    """A small NCHW input and pooling arguments PyTorch accepts (padding <= kernel // 2, kernel fits)."""
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = tuple(draw(st.integers(0, k // 2)) if pad else 0 for k in kernel)
    dilation = tuple(draw(st.integers(1, 3)) if dilate else 1 for _ in kernel)
    size = [max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 4))
            for k, p, d in zip(kernel, padding, dilation, strict=True)]
    # Dilation can leave a window on padding alone; PyTorch then writes out of bounds, so skip those here.
    assume(not any(only_padding(*axis, s) for axis, s in zip(
        zip(size, kernel, padding, dilation, strict=True), stride or kernel, strict=True)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), *size)
    # Small integers make tied maxima common, so the first-max rule is exercised against PyTorch.
    tied = ties and draw(st.booleans())
    x = rng.integers(-2, 3, shape).astype(float) if tied else rng.standard_normal(shape)
    return Case(x, kernel, stride, padding, dilation, seed)  # type: ignore[arg-type]


def distinct(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Values at least 0.1 apart, so a finite difference never swaps which input is a window's maximum."""
    return rng.permutation(np.prod(shape)).reshape(shape) * 0.1


# ---------------------------------------------------------------- against PyTorch


@pytest.mark.parametrize("dtype", DTYPES)
@FEW
@given(case=cases(dilate=True))
def test_max_pool2d_matches_torch(case: Case, dtype: Any) -> None:
    args = (case.kernel_size, case.stride, case.padding, case.dilation)
    check_against_torch(lambda x: max_pool2d(x, *args), lambda g, x: max_pool2d_backward(g, x, *args),
                        lambda x: F.max_pool2d(x, *args), [case.x], np.random.default_rng(case.seed), dtype)
    _, indices = max_pool2d(case.x.astype(dtype), *args, return_indices=True)
    _, expected = F.max_pool2d(torch.tensor(case.x.astype(dtype)), *args, return_indices=True)
    np.testing.assert_array_equal(indices, expected.numpy())


@pytest.mark.parametrize("on", ["default threads", "one thread"])
@FEW
@given(case=cases(dilate=True))
def test_max_pool2d_forward_in_two_halves_gives_the_same_bits(case: Case, on: str) -> None:
    # From threads.SPLIT_FROM values the window maxima are taken for two halves of the batch; every
    # window (padded, dilated or strided) must come out as the loop twin's.
    args = (case.x, case.kernel_size, case.stride, case.padding, case.dilation)
    threading = threads.single_threaded() if on == "one thread" else contextlib.nullcontext()
    with split_from_one(pool_offsets) as runs, threading:
        out = max_pool2d(*args)
    kernel_area = case.kernel_size[0] * case.kernel_size[1]
    # 2x2/2 windows take the pairs (`pool_pairs`), not the offsets; one offset is a plain copy
    pairs = takes_pairs(case.x, pool_windows(*args))
    assert runs == ([min(2, len(case.x))] if kernel_area > 1 and not pairs else [])
    np.testing.assert_array_equal(out, max_pool2d_naive(*args))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("count_include_pad", [True, False])
@FEW
@given(case=cases())
def test_avg_pool2d_matches_torch(case: Case, dtype: Any, count_include_pad: bool) -> None:
    args = (case.kernel_size, case.stride, case.padding)
    check_against_torch(
        lambda x: avg_pool2d(x, *args, count_include_pad=count_include_pad),
        lambda g, x: avg_pool2d_backward(g, x, *args, count_include_pad=count_include_pad),
        lambda x: F.avg_pool2d(x, *args, count_include_pad=count_include_pad),
        [case.x], np.random.default_rng(case.seed), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_type", [1, 2, 3, 1.5])
@FEW
@given(case=cases(pad=False, ties=False))
def test_lp_pool2d_matches_torch(case: Case, dtype: Any, norm_type: float) -> None:
    # Odd and fractional powers need non-negative input (or sums) to have a real root; even ones don't.
    x = case.x if norm_type in (1, 2) else np.abs(case.x)
    args = (norm_type, case.kernel_size, case.stride)
    check_against_torch(lambda x: lp_pool2d(x, *args), lambda g, x: lp_pool2d_backward(g, x, *args),
                        lambda x: F.lp_pool2d(x, *args), [x], np.random.default_rng(case.seed), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@FEW
@given(case=cases())
def test_sum_pool2d_matches_torch_avg_pool2d_times_the_kernel_area(case: Case, dtype: Any) -> None:
    # PyTorch has no sum pooling; counting padding, its average times kH*kW is the sum over each window.
    args = (case.kernel_size, case.stride, case.padding)
    area = case.kernel_size[0] * case.kernel_size[1]
    check_against_torch(lambda x: sum_pool2d(x, *args), lambda g, x: sum_pool2d_backward(g, x, *args),
                        lambda x: F.avg_pool2d(x, *args, count_include_pad=True) * area,
                        [case.x], np.random.default_rng(case.seed), dtype)


def test_lp_pool2d_gradient_of_an_all_zero_window_is_zero_like_torch() -> None:
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 0, 0] = 2.0  # one window with a value, three all-zero windows
    grad = lp_pool2d_backward(np.ones((1, 1, 2, 2)), x, 2, 2)
    assert np.all(np.isfinite(grad))
    assert grad[0, 0, 0, 0] == 1.0  # d/dx sqrt(x^2) at x = 2
    check_against_torch(lambda x: lp_pool2d(x, 2, 2), lambda g, x: lp_pool2d_backward(g, x, 2, 2),
                        lambda x: F.lp_pool2d(x, 2, 2), [x], np.random.default_rng(0))


@FEW
@given(case=cases())
def test_sum_pool2d_is_avg_pool2d_times_kernel_area(case: Case) -> None:
    args = (case.kernel_size, case.stride, case.padding)
    area = case.kernel_size[0] * case.kernel_size[1]
    g = np.random.default_rng(case.seed).standard_normal(avg_pool2d(case.x, *args).shape)
    # A window whose values cancel sums to ~0, where only an absolute bound means anything: rounding in
    # each sum is at most a few ulps of the window's largest term times its size.
    x_atol = 1e-13 * area * float(np.abs(case.x).max(initial=0.0))
    g_atol = 1e-13 * area * float(np.abs(g).max(initial=0.0))
    np.testing.assert_allclose(sum_pool2d(case.x, *args), avg_pool2d(case.x, *args) * area,
                               rtol=1e-12, atol=x_atol)
    np.testing.assert_allclose(sum_pool2d_backward(g, case.x, *args),
                               avg_pool2d_backward(g, case.x, *args) * area, rtol=1e-12, atol=g_atol)


# ---------------------------------------------------------------- fast against naive


@FEW
@given(case=cases(dilate=True))
def test_max_pool2d_fast_equals_naive(case: Case) -> None:
    args = (case.x, case.kernel_size, case.stride, case.padding, case.dilation)
    out, indices = max_pool2d(*args, return_indices=True)
    naive_out, naive_indices = max_pool2d_naive(*args, return_indices=True)
    np.testing.assert_array_equal(out, naive_out)
    np.testing.assert_array_equal(indices, naive_indices)
    g = np.random.default_rng(case.seed).standard_normal(out.shape)
    np.testing.assert_allclose(max_pool2d_backward(g, *args), max_pool2d_backward_naive(g, *args), rtol=1e-12)
    # Given the forward's output (as nn.MaxPool2d passes it), the same bits, ties included.
    np.testing.assert_array_equal(max_pool2d_backward(g, *args, output=out), max_pool2d_backward(g, *args))


@pytest.mark.parametrize("count_include_pad", [True, False])
@FEW
@given(case=cases())
def test_avg_pool2d_fast_equals_naive(case: Case, count_include_pad: bool) -> None:
    args = (case.x, case.kernel_size, case.stride, case.padding, count_include_pad)
    out = avg_pool2d(*args)
    np.testing.assert_allclose(out, avg_pool2d_naive(*args), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(case.seed).standard_normal(out.shape)
    np.testing.assert_allclose(avg_pool2d_backward(g, *args), avg_pool2d_backward_naive(g, *args),
                               rtol=1e-12, atol=1e-12)


@FEW
@given(case=cases(), extra_padding=st.integers(0, 2))
def test_sum_pool2d_fast_equals_naive(case: Case, extra_padding: int) -> None:
    # sum pooling allows padding beyond half the kernel, so push past PyTorch's limit here.
    padding = tuple(p + extra_padding for p in case.padding)
    args = (case.x, case.kernel_size, case.stride, padding)
    out = sum_pool2d(*args)
    np.testing.assert_allclose(out, sum_pool2d_naive(*args), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(case.seed).standard_normal(out.shape)
    np.testing.assert_allclose(sum_pool2d_backward(g, *args), sum_pool2d_backward_naive(g, *args),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("norm_type", [1, 2, 3.5])
@FEW
@given(case=cases(pad=False))
def test_lp_pool2d_fast_equals_naive(case: Case, norm_type: float) -> None:
    x = np.abs(case.x)  # integer draws give all-zero windows: the zero-gradient rule is compared too
    args = (x, norm_type, case.kernel_size, case.stride)
    out = lp_pool2d(*args)
    np.testing.assert_allclose(out, lp_pool2d_naive(*args), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(case.seed).standard_normal(out.shape)
    np.testing.assert_allclose(lp_pool2d_backward(g, *args), lp_pool2d_backward_naive(g, *args),
                               rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- numerical gradients


@pytest.mark.parametrize(("kernel_size", "stride", "padding", "dilation"), [(2, None, 0, 1), (3, 2, 1, 1),
                                                                           ((2, 3), 1, (1, 0), 2)])
def test_max_pool2d_gradcheck(rng: np.random.Generator, kernel_size: Any, stride: Any, padding: Any,
                              dilation: Any) -> None:
    args = (kernel_size, stride, padding, dilation)
    gradcheck(lambda x: max_pool2d(x, *args), lambda g, x: max_pool2d_backward(g, x, *args),
              [distinct((2, 2, 6, 7), rng)], rng)


@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_and_sum_pool2d_gradcheck(rng: np.random.Generator, count_include_pad: bool) -> None:
    x = rng.standard_normal((2, 2, 6, 7))
    gradcheck(lambda x: avg_pool2d(x, 3, 2, 1, count_include_pad),
              lambda g, x: avg_pool2d_backward(g, x, 3, 2, 1, count_include_pad), [x], rng)
    gradcheck(lambda x: sum_pool2d(x, (2, 3), 1, (2, 0)),
              lambda g, x: sum_pool2d_backward(g, x, (2, 3), 1, (2, 0)), [x], rng)


@pytest.mark.parametrize("norm_type", [1, 2, 3, 2.5])
def test_lp_pool2d_gradcheck(rng: np.random.Generator, norm_type: float) -> None:
    x = rng.uniform(0.5, 2.0, (2, 2, 6, 7))
    gradcheck(lambda x: lp_pool2d(x, norm_type, (2, 3), 2),
              lambda g, x: lp_pool2d_backward(g, x, norm_type, (2, 3), 2), [x], rng)


# ---------------------------------------------------------------- a learner's 4x4 input, by hand

LEARNER = np.array([[1.0, 3.0, 2.0, 0.0],
                    [4.0, 2.0, 1.0, 5.0],
                    [0.0, 1.0, 3.0, 3.0],
                    [2.0, 2.0, 1.0, 0.0]]).reshape(1, 1, 4, 4)  # (N, C, H, W)


def test_learner_example_max() -> None:
    out, indices = max_pool2d(LEARNER, 2, return_indices=True)
    np.testing.assert_array_equal(out[0, 0], [[4, 5], [2, 3]])
    # bottom-left window is [[0, 1], [2, 2]]: the first of the tied 2s (row 3, col 0) wins -> 3*4 + 0
    np.testing.assert_array_equal(indices[0, 0], [[4, 7], [12, 10]])
    grad = max_pool2d_backward(np.ones((1, 1, 2, 2)), LEARNER, 2)
    np.testing.assert_array_equal(grad[0, 0], [[0, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0]])


def test_learner_example_avg_sum_lp() -> None:
    np.testing.assert_array_equal(sum_pool2d(LEARNER, 2)[0, 0], [[10, 8], [5, 7]])
    np.testing.assert_array_equal(avg_pool2d(LEARNER, 2)[0, 0], [[2.5, 2.0], [1.25, 1.75]])
    squares = [[1 + 9 + 16 + 4, 4 + 0 + 1 + 25], [0 + 1 + 4 + 4, 9 + 9 + 1 + 0]]
    np.testing.assert_allclose(lp_pool2d(LEARNER, 2, 2)[0, 0], np.sqrt(squares), rtol=1e-15)
    # padding 1, stride 2, 3x3 windows: the corner window sees 4 real cells, so excluding padding divides by 4
    corner = (1 + 3 + 4 + 2) / 4
    assert avg_pool2d(LEARNER, 3, 2, 1, count_include_pad=False)[0, 0, 0, 0] == corner
    assert avg_pool2d(LEARNER, 3, 2, 1)[0, 0, 0, 0] == (1 + 3 + 4 + 2) / 9


def test_float32_stays_float32() -> None:
    x = LEARNER.astype(np.float32)
    g = np.ones((1, 1, 2, 2), dtype=np.float32)
    for out in (max_pool2d(x, 2), avg_pool2d(x, 3, 1, 1, False), sum_pool2d(x, 2), lp_pool2d(x, 2, 2),
                max_pool2d_backward(g, x, 2), lp_pool2d_backward(g, x, 2, 2), sum_pool2d_backward(g, x, 2),
                avg_pool2d_backward(np.ones((1, 1, 4, 4)), x, 3, 1, 1, False)):
        assert out.dtype == np.float32


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: max_pool2d(np.zeros((4, 4)), 2), ValueError, r"x must be 4-D \(N, C, H, W\)"),
    (lambda: avg_pool2d(np.zeros((1, 4, 4)), 2), ValueError, r"x must be 4-D"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 5), ValueError, r"kernel_size 5 does not fit .* height"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 2, dilation=4), ValueError, r"spans 5 \(dilation 4: "),
    (lambda: sum_pool2d(np.zeros((1, 1, 4, 4)), (2, 6)), ValueError, r"kernel_size 6 does not fit .* width"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 3, padding=2), ValueError, r"padding must be at most half"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=1, dilation=5), ValueError,
     r"padding 1 with dilation 5 leaves window 0 on the height axis covering only padding"),
    (lambda: avg_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=(0, 2)), ValueError, r"got 2 on the width axis"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 0), ValueError, r"kernel_size must be >= 1, got 0"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), -2), ValueError, r"kernel_size must be >= 1"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 2.5), TypeError, r"kernel_size must be an integer"),
    (lambda: avg_pool2d(np.zeros((1, 1, 4, 4)), 2, stride=0), ValueError, r"stride must be >= 1"),
    (lambda: avg_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=-1), ValueError, r"padding must be >= 0"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 2, dilation=0), ValueError, r"dilation must be >= 1"),
    (lambda: max_pool2d(np.full((1, 1, 4, 4), np.nan), 2), ValueError, r"x contains NaN or infinity"),
    (lambda: avg_pool2d(np.full((1, 1, 4, 4), np.inf), 2), ValueError, r"x contains NaN or infinity"),
    (lambda: max_pool2d_backward(np.ones((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)), 2), ValueError,
     r"grad_output must have the output's shape \(1, 1, 2, 2\), got \(1, 1, 3, 3\)"),
    (lambda: max_pool2d_backward(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 4, 4)), 2, output=np.ones((1, 1, 3))),
     ValueError, r"output must have the output's shape \(1, 1, 2, 2\), got \(1, 1, 3\)"),
    (lambda: lp_pool2d(np.ones((1, 1, 4, 4)), 0.5, 2), ValueError, r"norm_type must be a finite number >= 1"),
    (lambda: lp_pool2d(np.ones((1, 1, 4, 4)), "2", 2), TypeError, r"norm_type must be a real number"),
    (lambda: lp_pool2d(-np.ones((1, 1, 4, 4)), 1.5, 2), ValueError, r"x must be non-negative when norm_type"),
    (lambda: lp_pool2d(-np.ones((1, 1, 4, 4)), 3, 2), ValueError, r"sum of x\*\*3 is negative"),
])
def test_bad_inputs_are_refused_clearly(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_plain_settings_share_one_window_and_equal_looking_ones_are_still_checked() -> None:
    """`pool_windows` keeps the windows of plain settings; 2.0, True or a NumPy integer hash like 2 or 1
    but are not plain, so they meet their own checks even once the int's window is kept."""
    x = np.zeros((1, 1, 8, 8))
    first = pool_windows(x, 2, None, 0)
    assert pool_windows(np.ones((3, 2, 8, 8)), 2, None, 0) is first  # the same sizes: kept
    assert pool_windows(x, 2, 2, 0) is not first  # another key, the same geometry
    assert pool_windows(x, 2, 2, 0) == first
    with pytest.raises(TypeError, match=r"kernel_size must be an integer"):
        pool_windows(x, 2.0, None, 0)
    with pytest.raises(TypeError, match=r"kernel_size\[1\]"):
        pool_windows(x, (2, True), None, 0)
    fresh = pool_windows(x, np.int64(2), None, 0)  # checked afresh: a new object, equal to the kept one
    assert fresh == first
    assert fresh is not first
    with pytest.raises(ValueError, match=r"padding must be at most half"):  # refusals are never kept
        pool_windows(x, 2, None, 2)
    with pytest.raises(ValueError, match=r"padding must be at most half"):
        pool_windows(x, 2, None, 2)
